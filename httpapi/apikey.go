package httpapi

import (
	"net/http"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

type apiKeyJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	UserID      string `json:"user_id"`
	OrgID       string `json:"org_id"`
	Key         string `json:"key,omitempty"`
	DateCreated string `json:"date_created"`
	DateExpire  string `json:"date_expire"`
	DateRevoked string `json:"date_revoked"`
	Status      string `json:"status"`
}

func keyJSON(k *keyward.APIKey, now time.Time) apiKeyJSON {
	status := "active"
	switch {
	case k.RevokedAt != nil:
		status = "revoked"
	case !k.Usable(now):
		status = "expired"
	}
	return apiKeyJSON{
		ID: string(k.ID), Name: k.Name, UserID: string(k.UserID), OrgID: string(k.OrgID),
		DateCreated: timeJSON(&k.CreatedAt), DateExpire: timeJSON(k.ExpiresAt), DateRevoked: timeJSON(k.RevokedAt),
		Status: status,
	}
}

type apiKeyBody struct {
	APIKey apiKeyJSON `json:"api_key"`
}

func writeAPIKey(w http.ResponseWriter, status int, k *keyward.APIKey, token string, now time.Time) {
	j := keyJSON(k, now)
	j.Key = token
	writeJSON(w, status, apiKeyBody{j})
}

type apiKeyReq struct {
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
}

func decodeAPIKeyReq(r *http.Request) (service.APIKeyInput, error) {
	var req apiKeyReq
	if err := decodeJSON(r, &req); err != nil {
		return service.APIKeyInput{}, err
	}
	in := service.APIKeyInput{Name: req.Name}
	if req.ExpiresAt != "" {
		t, err := parseTimeParam("expires_at", req.ExpiresAt)
		if err != nil {
			return in, err
		}
		in.ExpiresAt = &t
	}
	return in, nil
}

func (s *server) handleCreateAPIKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, err := pathID(r, "user_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		in, err := decodeAPIKeyReq(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		k, token, err := s.svc.CreateAPIKey(r.Context(), keyward.UserID(user), in)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeAPIKey(w, http.StatusCreated, k, token, s.svc.Now())
	})
}

func (s *server) handleListAPIKeys() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, err := pathID(r, "user_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		keys, info, err := s.svc.ListAPIKeys(r.Context(), keyward.UserID(user), page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		now := s.svc.Now()
		out := make([]apiKeyJSON, len(keys))
		for i, k := range keys {
			out[i] = keyJSON(k, now)
		}
		writeJSON(w, http.StatusOK, struct {
			APIKeys []apiKeyJSON `json:"api_keys"`
			Meta    meta         `json:"meta"`
		}{out, metaOf(info)})
	})
}

// keyPath reads the user and key ids of a key route.
func keyPath(r *http.Request) (keyward.UserID, keyward.APIKeyID, error) {
	user, err := pathID(r, "user_id")
	if err != nil {
		return "", "", err
	}
	key, err := pathID(r, "key_id")
	return keyward.UserID(user), keyward.APIKeyID(key), err
}

func (s *server) handleGetAPIKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, key, err := keyPath(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		k, err := s.svc.GetAPIKey(r.Context(), user, key)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, apiKeyBody{keyJSON(k, s.svc.Now())})
	})
}

func (s *server) handleRevokeAPIKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, key, err := keyPath(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.RevokeAPIKey(r.Context(), user, key); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

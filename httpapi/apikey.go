package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
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
	// Policy and Grid are keyward's: the key's narrowing, if any.
	Policy json.RawMessage `json:"policy,omitempty"`
	Grid   json.RawMessage `json:"grid,omitempty"`
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
		Status: status, Policy: k.Policy, Grid: k.Grid,
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
	// keyward's: a policy document or a grid that narrows the key.
	Policy json.RawMessage `json:"policy"`
	Grid   policy.Grid     `json:"grid"`
}

func decodeAPIKeyReq(r *http.Request) (service.APIKeyInput, error) {
	var req apiKeyReq
	if err := decodeJSON(r, &req); err != nil {
		return service.APIKeyInput{}, err
	}
	in := service.APIKeyInput{Name: req.Name, Policy: req.Policy, Grid: req.Grid}
	if req.ExpiresAt != "" {
		t, err := parseTimeParam("expires_at", req.ExpiresAt)
		if err != nil {
			return in, err
		}
		in.ExpiresAt = &t
	}
	return in, nil
}

// handleMintAPIKey serves the two ways to mint an API key, for a user
// and for the caller in an organization: it reads the id in path value
// param and an APIKeyReq, and answers 201 with the key and its secret.
func (s *server) handleMintAPIKey(param string, mint func(r *http.Request, id string, in service.APIKeyInput) (*keyward.APIKey, string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, param)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		in, err := decodeAPIKeyReq(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		k, token, err := mint(r, id, in)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeAPIKey(w, http.StatusCreated, k, token, s.svc.Now())
	})
}

func (s *server) handleCreateAPIKey() http.Handler {
	return s.handleMintAPIKey("user_id", func(r *http.Request, user string, in service.APIKeyInput) (*keyward.APIKey, string, error) {
		return s.svc.CreateAPIKey(r.Context(), keyward.UserID(user), in)
	})
}

func (s *server) handleListAPIKeys() http.Handler {
	return listHandler(s, "api_keys", inPath("user_id"), func(r *http.Request, user string, page keyward.Page) ([]apiKeyJSON, keyward.PageInfo, error) {
		keys, info, err := s.svc.ListAPIKeys(r.Context(), keyward.UserID(user), page)
		now := s.svc.Now()
		return jsons(keys, func(k *keyward.APIKey) apiKeyJSON { return keyJSON(k, now) }), info, err
	})
}

func (s *server) handleGetAPIKey() http.Handler {
	return callHandler(s, inPaths("user_id", "key_id"), http.StatusOK, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		k, err := s.svc.GetAPIKey(r.Context(), keyward.UserID(ids.first), keyward.APIKeyID(ids.second))
		if err != nil {
			return nil, err
		}
		return apiKeyBody{keyJSON(k, s.svc.Now())}, nil
	})
}

func (s *server) handleRevokeAPIKey() http.Handler {
	return callHandler(s, inPaths("user_id", "key_id"), http.StatusNoContent, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		return nil, s.svc.RevokeAPIKey(r.Context(), keyward.UserID(ids.first), keyward.APIKeyID(ids.second))
	})
}

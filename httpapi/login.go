package httpapi

import (
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// loginSessionJSON is a login session; token only in the login response.
type loginSessionJSON struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	UserID         string `json:"user_id"`
	Token          string `json:"token,omitempty"`
	SourceIP       string `json:"source_ip"`
	DateCreated    string `json:"date_created"`
	DateExpires    string `json:"date_expires"`
	DateMFA        string `json:"date_mfa,omitempty"`
	// MFAEnrollmentRequired: in the login response only, the session may
	// only enroll an authenticator (the organization requires MFA).
	MFAEnrollmentRequired bool `json:"mfa_enrollment_required,omitempty"`
}

func toLoginSessionJSON(ls *keyward.LoginSession, token string) loginSessionJSON {
	return loginSessionJSON{
		ID: string(ls.ID), OrganizationID: string(ls.OrgID), UserID: string(ls.UserID), Token: token, SourceIP: ls.SourceIP,
		DateCreated: timeJSON(&ls.CreatedAt), DateExpires: timeJSON(&ls.ExpiresAt), DateMFA: timeJSON(ls.MFAAt),
		MFAEnrollmentRequired: ls.MFAEnrollOnly,
	}
}

// bearer returns the request's bearer token, which authenticate checked.
func bearer(r *http.Request) string {
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(token)
}

func (s *server) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Email          string `json:"email"`
			Password       string `json:"password"`
			OrganizationID string `json:"organization_id"`
			mfaFactorReq
		}
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		ls, token, err := s.svc.Login(r.Context(), service.LoginInput{
			Email: req.Email, Password: req.Password, OrgID: keyward.OrgID(strings.ToLower(req.OrganizationID)), MFA: req.factor(),
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, struct {
			Session loginSessionJSON `json:"login_session"`
		}{toLoginSessionJSON(ls, token)})
	})
}

func (s *server) handleLogout() http.Handler {
	return callHandler(s, nil, http.StatusNoContent, func(r *http.Request, _ string, _ *struct{}) (any, error) {
		return nil, s.svc.Logout(r.Context(), bearer(r))
	})
}

func (s *server) handleListLoginSessions() http.Handler {
	return listHandler(s, "login_sessions", nil, func(r *http.Request, _ string, page keyward.Page) ([]loginSessionJSON, keyward.PageInfo, error) {
		list, info, err := s.svc.ListLoginSessions(r.Context(), page)
		return jsons(list, func(ls *keyward.LoginSession) loginSessionJSON { return toLoginSessionJSON(ls, "") }), info, err
	})
}

func (s *server) handleChangePassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Current string `json:"current_password"`
			New     string `json:"new_password"`
		}
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.ChangePassword(r.Context(), bearer(r), req.Current, req.New); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// passwordReq is the body of a password set.
type passwordReq struct {
	Password string `json:"password"`
}

func (s *server) handleSetPassword() http.Handler {
	return callHandler(s, inPath("user_id"), http.StatusNoContent, func(r *http.Request, id string, req *passwordReq) (any, error) {
		return nil, s.svc.SetPassword(r.Context(), keyward.UserID(id), req.Password)
	})
}

// userNoContent answers 204 to a call on a user that returns nothing.
func (s *server) userNoContent(call func(*http.Request, keyward.UserID) error) http.Handler {
	return callHandler(s, inPath("user_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, call(r, keyward.UserID(id))
	})
}

func (s *server) handleInvalidatePassword() http.Handler {
	return s.userNoContent(func(r *http.Request, id keyward.UserID) error { return s.svc.InvalidatePassword(r.Context(), id) })
}

func (s *server) handleUnlockUser() http.Handler {
	return s.userNoContent(func(r *http.Request, id keyward.UserID) error { return s.svc.UnlockUser(r.Context(), id) })
}

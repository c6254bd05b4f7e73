package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// webIdentityReq is the body of assume-with-web-identity. The caller has
// no keyward credential, so it names the organization.
type webIdentityReq struct {
	RoleID           string `json:"role_id"`
	OrganizationID   string `json:"organization_id"`
	WebIdentityToken string `json:"web_identity_token"`
	SessionName      string `json:"session_name"`
	Duration         int    `json:"duration"`
}

// handleAssumeWithWebIdentity exchanges an external OIDC token for a role
// session. It is public: the token is the credential.
func (s *server) handleAssumeWithWebIdentity() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req webIdentityReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		d, err := s.svc.AssumeRoleWithWebIdentity(r.Context(), service.WebIdentityInput{
			OrgID: keyward.OrgID(req.OrganizationID), RoleID: keyward.RoleID(req.RoleID), Token: req.WebIdentityToken,
			SessionName: req.SessionName, Duration: req.Duration,
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, toRoleSessionJSON(d.SessionDetail, s.svc.Now()))
	})
}

package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// pathOrg returns the organization_id path value, or answers 400.
func (s *server) pathOrg(w http.ResponseWriter, r *http.Request) (keyward.OrgID, bool) {
	org := strings.ToLower(r.PathValue("organization_id"))
	if !keyward.ValidID(org) {
		s.writeError(w, r, keyward.FieldError("organization_id", "organization_id %q is not a valid id (a UUID).", org))
		return "", false
	}
	return keyward.OrgID(org), true
}

// handleSAMLMetadata serves keyward's SP metadata for an organization, to
// give its SAML IdP.
func (s *server) handleSAMLMetadata() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, ok := s.pathOrg(w, r)
		if !ok {
			return
		}
		b, err := s.svc.SAMLMetadata(r.Context(), org)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		w.Write(b)
	})
}

// handleSAMLACS is an organization's assertion consumer service: the IdP
// posts the browser's SAMLResponse and RelayState here (HTTP-POST
// binding). No cookie binds it to the browser: a cross-site POST does not
// carry SameSite=Lax cookies; the relay state names the flow, whose
// request the response must answer.
func (s *server) handleSAMLACS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, ok := s.pathOrg(w, r)
		if !ok {
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.writeError(w, r, keyward.Errorf(keyward.CodeTooLarge, "Request body is larger than %d bytes.", tooBig.Limit))
				return
			}
			s.writeError(w, r, keyward.FieldError("SAMLResponse", "The body must be a form (application/x-www-form-urlencoded) with SAMLResponse and RelayState."))
			return
		}
		out, err := s.svc.FinishSAML(r.Context(), service.SAMLPost{
			OrgID: org, SAMLResponse: r.PostForm.Get("SAMLResponse"), RelayState: r.PostForm.Get("RelayState"),
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeSSOSession(w, r, out)
	})
}

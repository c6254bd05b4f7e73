package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// roleSessionJSON is Vultr's RoleSession with keyward's fields. It has no
// top-level status (Vultr's client needs a number there): state says
// active, expired or terminated. session_token is set when the session is
// created or read by its token; listings show the id only, since keyward
// keeps no token.
type roleSessionJSON struct {
	SessionToken      string          `json:"session_token"`
	ID                string          `json:"id"`
	RoleID            string          `json:"role_id"`
	RoleName          string          `json:"role_name"`
	UserID            string          `json:"user_id"`
	TrustID           string          `json:"trust_id"`
	ParentSessionID   string          `json:"parent_session_id,omitempty"`
	SessionName       string          `json:"session_name"`
	AuthMethod        string          `json:"auth_method"`
	RemainingDuration int             `json:"remaining_duration"`
	ConditionsMet     []string        `json:"conditions_met"`
	SourceIP          string          `json:"source_ip"`
	SessionPolicy     json.RawMessage `json:"session_policy,omitempty"`
	State             string          `json:"state"`
	AssumedAt         string          `json:"assumed_at"`
	ExpiresAt         string          `json:"expires_at"`
	TerminatedAt      string          `json:"terminated_at,omitempty"`
	// SessionPolicies and CarriedNarrowing are keyward's: the policies
	// named as session policies (with session_policy, one layer), and the
	// narrowing layers the session carries from the credential that
	// assumed it.
	SessionPolicies  []sessionDocumentJSON `json:"session_policies,omitempty"`
	CarriedNarrowing []narrowingJSON       `json:"carried_narrowing,omitempty"`
}

// narrowingJSON is a narrowing layer a session carries.
type narrowingJSON struct {
	Source    string                `json:"source"`
	Documents []sessionDocumentJSON `json:"documents"`
}

// sessionDocumentJSON is a document that narrows a session: an inline
// one, or a managed or custom policy as it read when the session started.
type sessionDocumentJSON struct {
	PolicyID string          `json:"policy_id,omitempty"`
	Name     string          `json:"name"`
	Document json.RawMessage `json:"policy_document"`
}

// sessionDocumentsJSON returns ds as the API shows them, nil for none.
func sessionDocumentsJSON(ds []keyward.SessionDocument) []sessionDocumentJSON {
	if len(ds) == 0 {
		return nil
	}
	out := make([]sessionDocumentJSON, len(ds))
	for i, d := range ds {
		out[i] = sessionDocumentJSON{PolicyID: string(d.PolicyID), Name: d.Name, Document: d.Document}
	}
	return out
}

func toRoleSessionJSON(d *service.SessionDetail, now time.Time) roleSessionJSON {
	state := "active"
	switch {
	case d.TerminatedAt != nil:
		state = "terminated"
	case !now.Before(d.ExpiresAt):
		state = "expired"
	}
	met := d.ConditionsMet
	if met == nil {
		met = []string{}
	}
	var carried []narrowingJSON
	for _, l := range d.Narrowing {
		carried = append(carried, narrowingJSON{Source: l.Source, Documents: sessionDocumentsJSON(l.Documents)})
	}
	return roleSessionJSON{
		SessionToken: d.Token, ID: string(d.ID), RoleID: string(d.RoleID), RoleName: d.Role.Name, UserID: string(d.UserID),
		TrustID: string(d.TrustID), ParentSessionID: string(d.ParentID), SessionName: d.Name, AuthMethod: d.AuthMethod,
		RemainingDuration: d.RemainingSeconds(now), ConditionsMet: met, SourceIP: d.SourceIP, SessionPolicy: d.Policy,
		State: state, AssumedAt: timeJSON(&d.CreatedAt), ExpiresAt: timeJSON(&d.ExpiresAt), TerminatedAt: timeJSON(d.TerminatedAt),
		SessionPolicies: sessionDocumentsJSON(d.Policies), CarriedNarrowing: carried,
	}
}

// assumeReq is Vultr's RoleSessionReq with keyward's session_policy.
type assumeReq struct {
	UserID      string `json:"user_id"`
	RoleID      string `json:"role_id"`
	SessionName string `json:"session_name"`
	Duration    int    `json:"duration"`
	AuthMethod  string `json:"auth_method"` // Vultr's; the credential used decides it
	Context     *struct {
		IPAddress string `json:"ip_address"`
	} `json:"context"`
	SessionPolicy json.RawMessage `json:"session_policy"`
}

// redactPath hides role session tokens, which Vultr's paths carry, from
// logged paths.
func redactPath(p string) string {
	if !strings.Contains(p, keyward.SessionTokenPrefix) {
		return p
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, keyward.SessionTokenPrefix) {
			parts[i] = keyward.SessionTokenPrefix + "REDACTED"
		}
	}
	return strings.Join(parts, "/")
}

func (s *server) handleAssumeRole() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *assumeReq) (any, error) {
		in := service.AssumeInput{
			UserID: keyward.UserID(strings.ToLower(strings.TrimSpace(req.UserID))), RoleID: keyward.RoleID(strings.ToLower(strings.TrimSpace(req.RoleID))),
			SessionName: req.SessionName, Duration: req.Duration, SessionPolicy: req.SessionPolicy,
		}
		if req.Context != nil {
			in.SourceIP = strings.TrimSpace(req.Context.IPAddress)
		}
		d, err := s.svc.AssumeRole(r.Context(), in)
		if err != nil {
			return nil, err
		}
		return toRoleSessionJSON(d, s.svc.Now()), nil
	})
}

// sessionToken reads the path's session token, 400 when it does not have
// the form of one.
func sessionToken(r *http.Request) (string, error) {
	token := r.PathValue("session_token")
	if !service.IsRoleSessionToken(token) {
		return "", keyward.FieldError("session_token", "session_token is not a session token (kwr_<id>_<secret>).")
	}
	return token, nil
}

// handleGetRoleSession answers with the bare session of the path's token.
func (s *server) handleGetRoleSession() http.Handler {
	return callHandler(s, sessionToken, http.StatusOK, func(r *http.Request, token string, _ *noBody) (any, error) {
		d, err := s.svc.GetRoleSession(r.Context(), token)
		if err != nil {
			return nil, err
		}
		return toRoleSessionJSON(d, s.svc.Now()), nil
	})
}

func (s *server) handleTerminateRoleSession() http.Handler {
	return callHandler(s, sessionToken, http.StatusNoContent, func(r *http.Request, token string, _ *noBody) (any, error) {
		return nil, s.svc.TerminateRoleSession(r.Context(), token)
	})
}

// handleListRoleSessions lists the live sessions of the path's user_id or
// role_id (by names the path value).
func (s *server) handleListRoleSessions(by string) http.Handler {
	return listHandler(s, "sessions", inPath(by), func(r *http.Request, id string, page keyward.Page) ([]roleSessionJSON, keyward.PageInfo, error) {
		f := keyward.SessionFilter{Page: page}
		if by == "user_id" {
			f.UserID = keyward.UserID(id)
		} else {
			f.RoleID = keyward.RoleID(id)
		}
		ds, info, err := s.svc.ListRoleSessions(r.Context(), f)
		now := s.svc.Now()
		return jsons(ds, func(d *service.SessionDetail) roleSessionJSON { return toRoleSessionJSON(d, now) }), info, err
	})
}

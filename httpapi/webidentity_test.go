package httpapi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// federation is a keyward server on a fake clock that accepts http
// issuers, with an in-process OIDC issuer registered in its bootstrap
// organization and an assumable role that trusts that issuer's tokens for
// the main branch of acme/api.
type federation struct {
	*api
	clock  *keywardtest.Clock
	idp    *keywardtest.OIDCIssuer
	role   string
	issuer string
}

// subMain is the sub of GitHub Actions tokens for acme/api's main branch.
const subMain = "repo:acme/api:ref:refs/heads/main"

func newFederation(t *testing.T) *federation {
	t.Helper()
	store, clock := openClockedStore(t, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, service.Options{Logger: logger, Now: clock.Now, OIDCAllowHTTP: true, WebIdentity: webIdentity(clock.Now)})
	a := serveAPI(t, svc, logger, nil)

	f := &federation{api: a, clock: clock, idp: keywardtest.NewOIDCIssuer(t)}
	f.idp.Now = clock.Now
	var iss issuerBody
	a.do("POST", "/v2/oidc/issuer", a.root, `{"issuer":{"uri":"`+f.idp.URL+`","audiences":["keyward"]}}`, http.StatusCreated, &iss)
	f.issuer = iss.Issuer.ID
	f.role = a.assumableRole("deployer", 7200, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.role.List"],"Resource":["*"]}]}`)
	a.createTrust(`{"role_id":"` + f.role + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + f.issuer +
		`","claim_conditions":{"sub":"repo:acme/api:ref:refs/heads/*","repository_owner":"acme"}}`)
	return f
}

// token returns a token of the issuer for acme/api's main branch, with
// claims overriding.
func (f *federation) token(t *testing.T, claims map[string]any, opts ...keywardtest.TokenOption) string {
	all := map[string]any{"sub": subMain, "repository_owner": "acme"}
	for k, v := range claims {
		all[k] = v
	}
	return f.idp.Token(t, all, opts...)
}

// assume calls assume-with-web-identity with no keyward credential.
func (f *federation) assume(t *testing.T, token string, want int, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"role_id": f.role, "organization_id": f.orgID, "web_identity_token": token, "session_name": "ci-run-7"})
	f.in(t).do("POST", "/v2/assumed-roles/assume-with-web-identity", "", string(body), want, out)
}

type auditRow struct {
	ActorType  string          `json:"actor_type"`
	ActorChain []string        `json:"actor_chain"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	After      json.RawMessage `json:"after"`
}

// webIdentityEvents returns the audit events of web identities, oldest
// first.
func (f *federation) webIdentityEvents(t *testing.T) []auditRow {
	var out struct {
		Events []auditRow `json:"audit_events"`
	}
	f.in(t).do("GET", "/v2/audit-events?per_page=500", f.root, "", http.StatusOK, &out)
	var rows []auditRow
	for _, e := range out.Events {
		if e.ActorType == "web_identity" {
			rows = append(rows, e)
		}
	}
	slices.Reverse(rows)
	return rows
}

// TestAssumeWithWebIdentity exchanges a CI token for a session of the role
// and uses it: the session acts as the role, and the audit trail names
// the token's issuer and subject.
func TestAssumeWithWebIdentity(t *testing.T) {
	f := newFederation(t)
	var sess struct {
		SessionToken      string   `json:"session_token"`
		ID                string   `json:"id"`
		RoleID            string   `json:"role_id"`
		UserID            string   `json:"user_id"`
		AuthMethod        string   `json:"auth_method"`
		RemainingDuration int      `json:"remaining_duration"`
		ConditionsMet     []string `json:"conditions_met"`
		ExpiresAt         string   `json:"expires_at"`
	}
	f.assume(t, f.token(t, nil), http.StatusCreated, &sess)
	if !strings.HasPrefix(sess.SessionToken, "kwr_") || sess.RoleID != f.role || sess.UserID != "" || sess.AuthMethod != "oidc" {
		t.Fatalf("session = %+v", sess)
	}
	if sess.RemainingDuration != 3600 || sess.ExpiresAt != "2026-11-23T13:00:00Z" {
		t.Errorf("remaining %d, expires %s; want the default hour", sess.RemainingDuration, sess.ExpiresAt)
	}
	if want := []string{"iss", "aud", "exp", "repository_owner", "sub"}; !slices.Equal(sess.ConditionsMet, want) {
		t.Errorf("conditions_met = %v, want %v", sess.ConditionsMet, want)
	}

	// The session is the role: it may list roles, and nothing else.
	f.do("GET", "/v2/roles", sess.SessionToken, "", http.StatusOK, nil)
	f.do("GET", "/v2/groups", sess.SessionToken, "", http.StatusForbidden, nil)

	ev := f.webIdentityEvents(t)
	if len(ev) != 1 || ev[0].Action != "iam.role.AssumeRole" || ev[0].TargetID != sess.ID {
		t.Fatalf("web identity audit events = %+v", ev)
	}
	if want := []string{"oidc:" + f.idp.URL, "sub:" + subMain}; !slices.Equal(ev[0].ActorChain, want) {
		t.Errorf("actor chain %v, want %v", ev[0].ActorChain, want)
	}

	// The session ends with its window, on the fake clock.
	f.clock.Advance(time.Hour)
	f.do("GET", "/v2/roles", sess.SessionToken, "", http.StatusUnauthorized, nil)
}

// TestAssumeWithWebIdentityRefusals presents every kind of bad token: each
// is refused with a clear 4xx and leaves a refusal in the audit trail.
func TestAssumeWithWebIdentityRefusals(t *testing.T) {
	f := newFederation(t)
	forged, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other := keywardtest.NewOIDCIssuer(t)
	now := f.clock.Now()
	tests := []struct {
		name   string
		token  string
		status int
		msg    string
	}{
		{"alg none", f.token(t, nil, keywardtest.WithAlg("none")), 401, `alg "none" is not accepted`},
		{"HMAC", f.token(t, nil, keywardtest.WithAlg("HS256")), 401, `alg "HS256" is not accepted`},
		{"wrong key", f.token(t, nil, keywardtest.WithSigningKey(forged)), 401, "signature does not verify"},
		{"wrong issuer", other.Token(t, map[string]any{"sub": subMain, "repository_owner": "acme"}), 401, "the role trusts no issuer"},
		{"wrong audience", f.token(t, map[string]any{"aud": "sts.amazonaws.com"}), 401, "allowed audiences"},
		{"expired", f.token(t, map[string]any{"exp": now.Add(-5 * time.Minute).Unix()}), 401, "expired at"},
		{"not yet valid", f.token(t, map[string]any{"nbf": now.Add(10 * time.Minute).Unix()}), 401, "not valid yet"},
		{"sub of another repository", f.token(t, map[string]any{"sub": "repo:acme/web:ref:refs/heads/main"}), 403, "sub claim"},
		{"sub of a pull request", f.token(t, map[string]any{"sub": "repo:acme/api:pull_request"}), 403, "sub claim"},
		{"owner claim missing", f.token(t, map[string]any{"repository_owner": nil}), 403, "repository_owner claim (missing)"},
		{"not a JWT", "not-a-jwt", 401, "not a JWT"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			f.assume(t, tt.token, tt.status, &e)
			if !strings.Contains(e.Error, tt.msg) {
				t.Errorf("error %q, want it to say %q", e.Error, tt.msg)
			}
			ev := f.webIdentityEvents(t)
			if len(ev) != i+1 {
				t.Fatalf("%d web identity audit events after %d refusals", len(ev), i+1)
			}
			var after struct{ Outcome, Reason string }
			if err := json.Unmarshal(ev[i].After, &after); err != nil || after.Outcome != "refused" || after.Reason != e.Error || ev[i].TargetID != f.role {
				t.Errorf("audit event %+v (after %s), want the refusal of role %s", ev[i], ev[i].After, f.role)
			}
		})
	}
}

// TestAssumeWithWebIdentityRotation checks that a token signed with a key
// the server has not seen, after the issuer rotated its keys, makes the
// server fetch the JWKS again and succeeds.
func TestAssumeWithWebIdentityRotation(t *testing.T) {
	f := newFederation(t)
	f.assume(t, f.token(t, nil), http.StatusCreated, nil)
	f.assume(t, f.token(t, nil), http.StatusCreated, nil)
	if n := f.idp.JWKSFetches(); n != 1 {
		t.Errorf("JWKS fetched %d times for two tokens of one key, want 1", n)
	}
	f.idp.Rotate(t)
	f.assume(t, f.token(t, nil, keywardtest.WithAlg("ES256")), http.StatusCreated, nil)
	if n := f.idp.JWKSFetches(); n != 2 {
		t.Errorf("JWKS fetched %d times after a rotation, want 2", n)
	}
}

// TestAssumeWithWebIdentityTrusts checks what the role and its trusts
// decide: no existence leak for unknown roles, removed issuers and
// expired trusts admit nothing, the trust's own conditions and the
// duration window still apply.
func TestAssumeWithWebIdentityTrusts(t *testing.T) {
	f := newFederation(t)
	body := func(org, role, token string, duration int) string {
		return fmt.Sprintf(`{"organization_id":%q,"role_id":%q,"web_identity_token":%q,"session_name":"x","duration":%d}`, org, role, token, duration)
	}
	tok := f.token(t, nil)
	unknown := "0193a000-0000-7000-8000-00000000dead"
	var e apiError
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", body(f.orgID, unknown, tok, 0), http.StatusForbidden, &e)
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", body(unknown, f.role, tok, 0), http.StatusForbidden, &e)
	if !strings.Contains(e.Error, "does not exist or trusts no OIDC issuer") {
		t.Errorf("unknown organization: %q", e.Error)
	}
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", body(f.orgID, f.role, tok, 600), http.StatusBadRequest, &e)
	if e.Field != "duration" {
		t.Errorf("short duration: field %q, want duration", e.Field)
	}
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", body(f.orgID, f.role, tok, 7200), http.StatusCreated, nil)
	for _, tt := range []struct{ body, field string }{
		{body("x", f.role, tok, 0), "organization_id"},
		{body(f.orgID, "x", tok, 0), "role_id"},
		{body(f.orgID, f.role, "", 0), "web_identity_token"},
		{`{"role_id":"` + f.role + `","extra":1}`, "extra"},
	} {
		f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", tt.body, http.StatusBadRequest, &e)
		if e.Field != tt.field {
			t.Errorf("body %s: field %q, want %q", tt.body, e.Field, tt.field)
		}
	}

	// A role whose only trust is an IP-restricted one refuses a token from
	// elsewhere, even a valid one.
	ipRole := f.assumableRole("ip-only", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.role.List"],"Resource":["*"]}]}`)
	f.createTrust(`{"role_id":"` + ipRole + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + f.issuer +
		`","claim_conditions":{"sub":"` + subMain + `"},"conditions":{"ip_address":["203.0.113.0/24"]}}`)
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", body(f.orgID, ipRole, tok, 0), http.StatusForbidden, &e)
	if !strings.Contains(e.Error, "203.0.113.0/24") {
		t.Errorf("IP condition: %q", e.Error)
	}
	// A second trust of the same issuer without the restriction admits it,
	// though the first trust's claims match too.
	f.createTrust(`{"role_id":"` + ipRole + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + f.issuer +
		`","claim_conditions":{"sub":"repo:acme/*"}}`)
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", body(f.orgID, ipRole, tok, 0), http.StatusCreated, nil)

	// Removing the issuer stops federation through it.
	f.do("DELETE", "/v2/oidc/issuer/"+f.issuer, f.root, "", http.StatusNoContent, nil)
	f.assume(t, f.token(t, nil), http.StatusForbidden, &e)
}

// TestWellKnownIssuerTrusts checks the rule for GitHub Actions and its
// like: a trust must pin sub and aud, or acknowledge that it does not.
func TestWellKnownIssuerTrusts(t *testing.T) {
	f := newFederation(t)
	var gh issuerBody
	f.do("POST", "/v2/oidc/issuer", f.root, `{"issuer":{"uri":"https://token.actions.githubusercontent.com"}}`, http.StatusCreated, &gh)
	trust := func(conds string, ack bool) string {
		return fmt.Sprintf(`{"role_id":%q,"trust_type":"FederatedAssumption","trusted_oidc_issuer_id":%q,"claim_conditions":%s,"acknowledge_unpinned_claims":%v}`,
			f.role, gh.Issuer.ID, conds, ack)
	}
	var e apiError
	f.do("POST", "/v2/role-trusts", f.root, trust(`{"aud":"keyward"}`, false), http.StatusBadRequest, &e)
	if e.Field != "claim_conditions" || !strings.Contains(e.Error, "GitHub Actions") || !strings.Contains(e.Error, "pin sub") {
		t.Errorf("unpinned sub: %+v", e)
	}
	f.do("POST", "/v2/role-trusts", f.root, trust(`{"sub":"repo:acme/api:*"}`, false), http.StatusBadRequest, &e)
	f.createTrust(trust(`{"sub":"repo:acme/api:*","aud":"keyward"}`, false))
	f.createTrust(trust(`{}`, true))
}

// TestWebIdentityRefusalsAreBounded: an anonymous caller cannot write what
// it likes into an organization's audit trail. A long session name is
// refused before anything is recorded, an unverified token's claims are
// marked as such and make no actor chain, and the answer does not name the
// issuers the role trusts.
func TestWebIdentityRefusalsAreBounded(t *testing.T) {
	f := newFederation(t)
	body, _ := json.Marshal(map[string]any{"role_id": f.role, "organization_id": f.orgID,
		"web_identity_token": f.token(t, nil, keywardtest.WithAlg("none")), "session_name": strings.Repeat("x", 900_000)})
	var e apiError
	f.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", string(body), http.StatusBadRequest, &e)
	if e.Field != "session_name" {
		t.Errorf("a 900 KB session name: field %q, want session_name", e.Field)
	}
	if ev := f.webIdentityEvents(t); len(ev) != 0 {
		t.Errorf("%d audit events for a refused request body, want none", len(ev))
	}

	other := keywardtest.NewOIDCIssuer(t)
	f.assume(t, other.Token(t, map[string]any{"sub": "attacker-written"}), http.StatusUnauthorized, &e)
	if strings.Contains(e.Error, f.idp.URL) {
		t.Errorf("the refusal %q names the issuer the role trusts", e.Error)
	}
	ev := f.webIdentityEvents(t)
	if len(ev) != 1 || len(ev[0].ActorChain) != 0 {
		t.Fatalf("events %+v, want one refusal without an actor chain", ev)
	}
	var after struct {
		Verified bool   `json:"verified"`
		Subject  string `json:"subject"`
	}
	if err := json.Unmarshal(ev[0].After, &after); err != nil || after.Verified || after.Subject != "attacker-written" {
		t.Errorf("refusal %s, want the claimed subject marked unverified", ev[0].After)
	}
}

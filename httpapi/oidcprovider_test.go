package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// newIssuerAPI is a server on a fake clock whose public URL is its own
// address, so that its providers' issuer URLs reach it, and which trusts
// http issuers: it can federate with itself.
func newIssuerAPI(t *testing.T) (*api, *keywardtest.Clock) {
	t.Helper()
	return newIssuerAPIAt(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
}

// newIssuerAPIAt is newIssuerAPI with its clock starting at start.
func newIssuerAPIAt(t *testing.T, start time.Time) (*api, *keywardtest.Clock) {
	t.Helper()
	store, clock := openClockedStore(t, start)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(store, service.Options{Logger: logger, Now: clock.Now, OIDCAllowHTTP: true, WebIdentity: webIdentity(clock.Now), PublicURL: "http://" + ln.Addr().String()})
	return serveAPI(t, svc, logger, ln), clock
}

type providerOut struct {
	Provider struct {
		ID, IssuerID, Name, Issuer string
		ClientID                   string `json:"client_id"`
		ClientSecret               string `json:"client_secret"`
	}
}

type workloadOut struct {
	Token struct {
		ID          string `json:"id"`
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   string `json:"expires_in"`
		Subject     string `json:"subject"`
		Audience    string `json:"audience"`
		ExpiresAt   string `json:"expires_at"`
	}
}

// provider registers an application with the body's settings as a.root.
func (a *api) provider(body string) providerOut {
	a.t.Helper()
	var p providerOut
	a.do("POST", "/v2/oidc/provider", a.root, body, http.StatusCreated, &p)
	return p
}

// workload asks for a workload token with token, checking the status.
func (a *api) workload(token, body string, want int) workloadOut {
	a.t.Helper()
	var w workloadOut
	a.do("POST", "/v2/oidc/issuer/token", token, body, want, &w)
	return w
}

// verify checks tok's signature against the JWKS the provider publishes
// now and returns its claims, or the error.
func (a *api) verify(provider, tok string) (map[string]any, error) {
	a.t.Helper()
	var set jose.JSONWebKeySet
	a.do("GET", "/v2/oidc/"+provider+"/.well-known/jwks.json", "", "", http.StatusOK, &set)
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		return nil, err
	}
	keys := set.Key(parsed.Headers[0].KeyID)
	if len(keys) == 0 {
		return nil, jose.ErrJWKSKidNotFound
	}
	var claims map[string]any
	return claims, parsed.Claims(keys[0].Key, &claims)
}

// TestWorkloadTokenFederatesWithKeyward: a workload token of organization
// A's provider is accepted by organization B's issuer trust through
// assume-with-web-identity, so both halves of keyward's OIDC test each
// other; the audience and the subject must match what B pinned.
func TestWorkloadTokenFederatesWithKeyward(t *testing.T) {
	a, _ := newIssuerAPI(t)
	prov := a.provider(`{"name":"ci","audiences":["org-b"]}`)
	alice, aliceKey := a.member("alice@example.com", "oidc.token.Create")
	_, bobKey := a.member("bob@example.com", "oidc.token.Create")

	// Discovery names the issuer the tokens carry and the key set.
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	a.do("GET", "/v2/oidc/"+prov.Provider.ID+"/.well-known/openid-configuration", "", "", http.StatusOK, &doc)
	if doc.Issuer != prov.Provider.Issuer || doc.JWKSURI != prov.Provider.Issuer+"/.well-known/jwks.json" {
		t.Fatalf("discovery = %+v; provider issuer %s", doc, prov.Provider.Issuer)
	}

	tok := a.workload(aliceKey, `{"grant_type":"client_credentials","client_id":"`+prov.Provider.ID+`","audience":"org-b"}`, http.StatusCreated)
	claims, err := a.verify(prov.Provider.ID, tok.Token.AccessToken)
	if err != nil {
		t.Fatalf("workload token does not verify: %v", err)
	}
	if claims["sub"] != "user:"+alice || claims["aud"] != "org-b" || claims["iss"] != prov.Provider.Issuer || claims["org"] != a.orgID || claims["jti"] != tok.Token.ID {
		t.Errorf("claims = %v", claims)
	}
	if tok.Token.ExpiresIn != "900" || tok.Token.TokenType != "Bearer" {
		t.Errorf("token = %+v; want a 15-minute bearer token", tok.Token)
	}

	// Organization B trusts A's provider for alice's workloads.
	orgB, rootB := a.otherOrg("b")
	b := *a
	b.root, b.orgID = rootB, orgB
	var iss issuerBody
	b.do("POST", "/v2/oidc/issuer", rootB, `{"issuer":{"uri":"`+prov.Provider.Issuer+`","audiences":["org-b"]}}`, http.StatusCreated, &iss)
	role := b.assumableRole("deployer", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.role.List"],"Resource":["*"]}]}`)
	b.createTrust(`{"role_id":"` + role + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + iss.Issuer.ID +
		`","claim_conditions":{"sub":"user:` + alice + `"}}`)
	assume := func(token string, want int) string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"role_id": role, "organization_id": orgB, "web_identity_token": token, "session_name": "wl"})
		var sess sessionOut
		b.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", string(body), want, &sess)
		return sess.SessionToken
	}
	sess := assume(tok.Token.AccessToken, http.StatusCreated)
	b.do("GET", "/v2/roles", sess, "", http.StatusOK, nil)

	// A token for the provider's own audience, or bob's, is refused.
	own := a.workload(aliceKey, `{"grant_type":"client_credentials","client_id":"`+prov.Provider.ID+`"}`, http.StatusCreated)
	assume(own.Token.AccessToken, http.StatusUnauthorized)
	bobs := a.workload(bobKey, `{"grant_type":"client_credentials","client_id":"`+prov.Provider.ID+`","audience":"org-b"}`, http.StatusCreated)
	assume(bobs.Token.AccessToken, http.StatusForbidden)
}

// TestWorkloadTokenRules: what a caller may ask for, and what the record
// says afterwards.
func TestWorkloadTokenRules(t *testing.T) {
	a, clock := newIssuerAPI(t)
	prov := a.provider(`{"name":"ci","audiences":["sts.amazonaws.com"]}`)
	other := a.provider(`{"name":"other"}`)
	_, key := a.member("alice@example.com", "oidc.token.Create", "oidc.token.Read")
	_, plain := a.member("eve@example.com")
	_, rootB := a.otherOrg("b")
	foreign := (&api{t: t, srv: a.srv, root: rootB}).provider(`{"name":"theirs"}`)
	// A key narrowed to tokens of the other provider.
	admin, _ := a.member("ada@example.com", "oidc.*")
	narrowed := a.key(admin, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"oidc.token.Create","Resource":"`+other.Provider.ID+`"}]}`)

	id := prov.Provider.ID
	for _, c := range []struct {
		name, token, body string
		want              int
		field             string
	}{
		{"audience not allowed", key, `{"grant_type":"client_credentials","client_id":"` + id + `","audience":"evil"}`, 400, "audience"},
		{"lifetime over an hour", key, `{"grant_type":"client_credentials","client_id":"` + id + `","expires_in":7200}`, 400, "expires_in"},
		{"unknown provider", key, `{"grant_type":"client_credentials","client_id":"0193a000-0000-7000-8000-00000000beef"}`, 400, "client_id"},
		{"another organization's provider", key, `{"grant_type":"client_credentials","client_id":"` + foreign.Provider.ID + `"}`, 400, "client_id"},
		{"other grant", key, `{"grant_type":"password","client_id":"` + id + `"}`, 400, "grant_type"},
		{"no permission", plain, `{"grant_type":"client_credentials","client_id":"` + id + `"}`, 403, ""},
		{"narrowed to another provider", narrowed, `{"grant_type":"client_credentials","client_id":"` + id + `"}`, 403, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var e apiError
			a.in(t).do("POST", "/v2/oidc/issuer/token", c.token, c.body, c.want, &e)
			if e.Field != c.field {
				t.Errorf("field = %q, want %q (%s)", e.Field, c.field, e.Error)
			}
		})
	}
	a.workload(narrowed, `{"grant_type":"client_credentials","client_id":"`+other.Provider.ID+`"}`, http.StatusCreated)

	// The record: the token itself is never given again.
	tok := a.workload(key, `{"grant_type":"client_credentials","client_id":"`+id+`","audience":"sts.amazonaws.com","expires_in":600}`, http.StatusCreated)
	clock.Advance(4 * time.Minute)
	var got workloadOut
	a.do("GET", "/v2/oidc/issuer/token/"+tok.Token.ID, key, "", http.StatusOK, &got)
	if got.Token.ExpiresIn != "360" || got.Token.AccessToken != "" || got.Token.Audience != "sts.amazonaws.com" || got.Token.Subject != tok.Token.Subject {
		t.Errorf("GET token = %+v", got.Token)
	}
	a.do("GET", "/v2/oidc/issuer/token/"+tok.Token.ID, rootB, "", http.StatusNotFound, nil)
}

// TestWorkloadTokenOfSession: a role session's token names the session,
// not its member, and never outlives it.
func TestWorkloadTokenOfSession(t *testing.T) {
	a, _ := newIssuerAPI(t)
	prov := a.provider(`{"name":"ci"}`)
	sam, samKey := a.member("sam@example.com")
	sess := a.session(sam, samKey, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"oidc.token.Create","Resource":"*"}]}`)
	tok := a.workload(sess, `{"grant_type":"client_credentials","client_id":"`+prov.Provider.ID+`","expires_in":3600}`, http.StatusCreated)
	claims, err := a.verify(prov.Provider.ID, tok.Token.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := claims["sub"].(string)
	act, _ := claims["act"].(map[string]any)
	if !strings.HasPrefix(sub, "session:") || act["sub"] != "user:"+sam || claims["role_id"] == nil {
		t.Errorf("claims = %v", claims)
	}
	if tok.Token.ExpiresIn != "900" {
		t.Errorf("expires_in = %s; want the session's 900 seconds", tok.Token.ExpiresIn)
	}
}

// TestSigningKeyRotation: a token signed before a rotation verifies until
// it expires; then only the new key is published.
func TestSigningKeyRotation(t *testing.T) {
	a, clock := newIssuerAPI(t)
	prov := a.provider(`{"name":"ci"}`)
	id := prov.Provider.ID
	body := `{"grant_type":"client_credentials","client_id":"` + id + `","expires_in":3600}`
	before := a.workload(a.root, body, http.StatusCreated)

	_, memberKey := a.member("ops@example.com", "oidc.*")
	a.do("POST", "/v2/fleet/oidc-keys/rotate", memberKey, "", http.StatusForbidden, nil)
	var rotated struct {
		SigningKey struct{ Kid string } `json:"signing_key"`
	}
	a.do("POST", "/v2/fleet/oidc-keys/rotate", a.root, "", http.StatusCreated, &rotated)
	after := a.workload(a.root, body, http.StatusCreated)

	kid := func(tok string) string {
		p, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.ES256})
		if err != nil {
			t.Fatal(err)
		}
		return p.Headers[0].KeyID
	}
	if kid(after.Token.AccessToken) != rotated.SigningKey.Kid || kid(before.Token.AccessToken) == rotated.SigningKey.Kid {
		t.Fatalf("kids: before %s, after %s, rotated to %s", kid(before.Token.AccessToken), kid(after.Token.AccessToken), rotated.SigningKey.Kid)
	}
	for _, tok := range []string{before.Token.AccessToken, after.Token.AccessToken} {
		if _, err := a.verify(id, tok); err != nil {
			t.Errorf("right after the rotation: %v", err)
		}
	}

	// Once every token of the old key has expired, it is gone.
	clock.Advance(time.Hour + 6*time.Minute)
	if _, err := a.verify(id, before.Token.AccessToken); err == nil {
		t.Error("the old key is still published after its tokens expired")
	}
	if _, err := a.verify(id, after.Token.AccessToken); err != nil {
		t.Errorf("the new key: %v", err)
	}

	// The scheduled rotation: a key older than its lifetime signs no more.
	clock.Advance(31 * 24 * time.Hour)
	if k := kid(a.workload(a.root, body, http.StatusCreated).Token.AccessToken); k == rotated.SigningKey.Kid {
		t.Error("a 31-day-old key still signs")
	}
}

package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// A credential is never broader than the credential that created it, in
// time and under revocation too: what a credential derives stops working
// no later than the credential itself would by itself, and whatever takes
// the member's access away takes it from everything derived. The tests
// here enumerate every credential a member holds (parentKinds) × every
// credential it may derive (derivedKinds) × every event that ends the
// parent (lifetimeEvents), and probe each derived credential before and
// after with a read and a write.

// lifeTTL is how long every parent lasts by itself: an API key's
// expires_at, a login session's TTL; a role session lasts the least a
// session may, 15 minutes. Every derived credential asks for longer.
const lifeTTL = 30 * time.Minute

// lifeWorld is an organization on a fake clock, whose login sessions last
// lifeTTL, with alice: a local user with a password who may list and
// create groups, mint her own keys and workload tokens; an assumable role
// "lead" she may assume, which may do the same; and a role "worker",
// which allows chaining, and lists and creates groups, that she may
// assume too.
type lifeWorld struct {
	*api
	clock                               *keywardtest.Clock
	alice, lead, leadTrust, worker, app string
	n                                   int
}

const alicePassword = "a passphrase nobody guesses"

func newLifeWorld(t *testing.T) *lifeWorld {
	t.Helper()
	store, clock := openClockedStore(t, trustStart)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, service.Options{Logger: logger, Now: clock.Now, LoginSessionTTL: lifeTTL})
	w := &lifeWorld{api: serveAPI(t, svc, logger, nil), clock: clock}
	w.alice, _ = w.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true,"password":"` + alicePassword + `"}`)
	acts := `["iam.group.List","iam.group.Create","iam.apikey.Create","oidc.token.Create"]`
	w.attach(w.createPolicy("alice", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":`+acts+`,"Resource":"*"}]}`), w.alice)
	w.lead = w.assumableRole("lead", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":`+acts+`,"Resource":"*"}]}`)
	w.leadTrust = w.createTrust(`{"role_id":"` + w.lead + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + w.alice + `"}`).ID
	w.worker = w.assumableRole("worker", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List","iam.group.Create"],"Resource":"*"}]}`)
	w.do("PUT", "/v2/roles/"+w.worker, w.root, `{"name":"worker","description":"","role_type":"","max_session_duration":0,"allow_chaining":true}`, http.StatusOK, nil)
	w.createTrust(`{"role_id":"` + w.worker + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + w.alice + `"}`)
	var prov struct {
		Provider struct{ ID string } `json:"provider"`
	}
	w.do("POST", "/v2/oidc/provider", w.root, `{"name":"ci"}`, http.StatusCreated, &prov)
	w.app = prov.Provider.ID
	return w
}

// credential is a bearer credential with the end it reported when it was
// made ("" for none) and, to revoke it, the path to DELETE or the token
// to log out with.
type credential struct {
	token, end string
	revoke     func(w *lifeWorld)
}

// aliceKey mints a key of alice's as the root owner, ending in lifeTTL,
// narrowed to everything (a narrowed key all the same) if narrowed.
func (w *lifeWorld) aliceKey(narrowed bool) credential {
	body := `{"name":"parent","expires_at":"` + w.clock.Now().Add(lifeTTL).Format(time.RFC3339) + `"`
	if narrowed {
		body += `,"policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	}
	var out struct {
		APIKey apiKeyOut `json:"api_key"`
	}
	w.do("POST", "/v2/users/"+w.alice+"/api-keys", w.root, body+"}", http.StatusCreated, &out)
	return credential{out.APIKey.Key, out.APIKey.DateExpire, func(w *lifeWorld) {
		w.do("DELETE", "/v2/users/"+w.alice+"/api-keys/"+out.APIKey.ID, w.root, "", http.StatusNoContent, nil)
	}}
}

type apiKeyOut struct {
	ID         string `json:"id"`
	Key        string `json:"key"`
	DateExpire string `json:"date_expire"`
}

// assume assumes role with token for duration seconds; want is the status
// the call must answer.
func (w *lifeWorld) assume(token, role string, duration, want int) credential {
	var s sessionOut
	w.do("POST", "/v2/assumed-roles/assume", token, `{"role_id":"`+role+`","session_name":"life","duration":`+strconv.Itoa(duration)+`}`, want, &s)
	return credential{s.SessionToken, s.ExpiresAt, func(w *lifeWorld) {
		w.do("DELETE", "/v2/assumed-roles/"+s.SessionToken, w.root, "", http.StatusNoContent, nil)
	}}
}

// parentKind is a credential alice holds, and how to make one.
type parentKind struct {
	name string
	make func(w *lifeWorld) credential
}

// parentKinds are the credentials alice holds, each lasting lifeTTL (a
// role session the least a session may) by itself.
var parentKinds = []parentKind{
	{"api key", func(w *lifeWorld) credential { return w.aliceKey(false) }},
	{"narrowed key", func(w *lifeWorld) credential { return w.aliceKey(true) }},
	{"login session", func(w *lifeWorld) credential {
		var out struct {
			Session struct {
				Token       string `json:"token"`
				DateExpires string `json:"date_expires"`
			} `json:"login_session"`
		}
		w.do("POST", "/v2/auth/login", "", `{"email":"alice@example.com","password":"`+alicePassword+`"}`, http.StatusCreated, &out)
		return credential{out.Session.Token, out.Session.DateExpires, func(w *lifeWorld) {
			w.do("POST", "/v2/auth/logout", out.Session.Token, "", http.StatusNoContent, nil)
		}}
	}},
	{"role session", func(w *lifeWorld) credential {
		return w.assume(w.aliceKey(false).token, w.lead, 900, http.StatusCreated)
	}},
}

// derivedKinds are what a parent may derive, each asking to last longer
// than any parent: a key that never expires, a role session of an hour, a
// workload token of an hour. make returns "" for a credential the parent
// may not derive at all, having checked the refusal.
var derivedKinds = []struct {
	name string
	// probed: the credential authenticates to keyward (a workload token
	// is a JWT for the applications of the provider: only its end is
	// checked).
	probed bool
	make   func(w *lifeWorld, parent string, kind string) credential
}{
	{"api key", true, func(w *lifeWorld, parent, kind string) credential {
		if kind == "narrowed key" || kind == "role session" {
			// It would shed the narrowing or outlive the session
			// (checkMint): refused outright.
			w.do("POST", "/v2/users/"+w.alice+"/api-keys", parent, `{"name":"derived"}`, http.StatusForbidden, nil)
			return credential{}
		}
		var out struct {
			APIKey apiKeyOut `json:"api_key"`
		}
		w.do("POST", "/v2/users/"+w.alice+"/api-keys", parent, `{"name":"derived"}`, http.StatusCreated, &out)
		return credential{token: out.APIKey.Key, end: out.APIKey.DateExpire}
	}},
	{"role session", true, func(w *lifeWorld, parent, _ string) credential {
		return w.assume(parent, w.worker, 3600, http.StatusCreated)
	}},
	{"workload token", false, func(w *lifeWorld, parent, _ string) credential {
		var out struct {
			Token struct {
				AccessToken string `json:"access_token"`
				ExpiresAt   string `json:"expires_at"`
			} `json:"token"`
		}
		w.do("POST", "/v2/oidc/issuer/token", parent, `{"grant_type":"client_credentials","client_id":"`+w.app+`","expires_in":3600}`, http.StatusCreated, &out)
		return credential{token: out.Token.AccessToken, end: out.Token.ExpiresAt}
	}},
}

// lifetimeEvents end a parent credential. kinds lists the parent kinds an
// event applies to (nil: all); survives says which derived credentials
// keyward documents as outliving the event (docs/authorization.md, "What
// a credential's end takes with it"), as AWS's do.
var lifetimeEvents = []struct {
	name     string
	kinds    []string
	fire     func(w *lifeWorld, parent credential)
	survives func(parent, derived string) bool
}{
	{"the parent expires", nil, func(w *lifeWorld, _ credential) {
		w.clock.Advance(lifeTTL + time.Second)
	}, func(parent, derived string) bool {
		// A login session's end is a sign-in timeout, not a limit on the
		// keys its member mints.
		return parent == "login session" && derived == "api key"
	}},
	{"the parent is revoked", nil, func(w *lifeWorld, parent credential) { parent.revoke(w) },
		func(parent, derived string) bool {
			// A key belongs to the account; a role session to its member
			// and role, and survives the key or login session that assumed
			// it (AWS's do), not the session it chained from.
			return parent != "role session"
		}},
	{"the member is suspended", nil, func(w *lifeWorld, _ credential) {
		w.do("PUT", "/v2/organizations/"+w.orgID+"/user/"+w.alice+"/suspend", w.root, "", http.StatusNoContent, nil)
	}, nil},
	{"the member is removed", nil, func(w *lifeWorld, _ credential) {
		w.do("DELETE", "/v2/users/"+w.alice, w.root, "", http.StatusNoContent, nil)
	}, nil},
	{"the password is changed", []string{"login session"}, func(w *lifeWorld, _ credential) {
		w.do("PUT", "/v2/users/"+w.alice+"/password", w.root, `{"password":"another long passphrase"}`, http.StatusNoContent, nil)
	}, func(_, _ string) bool { return true }},
	{"the password is invalidated", []string{"login session"}, func(w *lifeWorld, _ credential) {
		w.do("DELETE", "/v2/users/"+w.alice+"/password", w.root, "", http.StatusNoContent, nil)
	}, func(_, _ string) bool { return true }},
	{"the parent's role is deleted", []string{"role session"}, func(w *lifeWorld, _ credential) {
		w.do("DELETE", "/v2/roles/"+w.lead, w.root, "", http.StatusNoContent, nil)
	}, nil},
	{"the parent's trust is deleted", []string{"role session"}, func(w *lifeWorld, _ credential) {
		w.do("DELETE", "/v2/role-trusts/"+w.leadTrust, w.root, "", http.StatusNoContent, nil)
	}, nil},
	{"the organization is suspended", nil, func(w *lifeWorld, _ credential) {
		_, elsewhere := w.otherOrg("elsewhere") // no credential suspends its own organization
		w.do("POST", "/v2/fleet/organizations/"+w.orgID+"/suspend", elsewhere, "", http.StatusOK, nil)
	}, nil},
	{"the organization is deleted", nil, func(w *lifeWorld, _ credential) {
		w.do("DELETE", "/v2/organizations/"+w.orgID, w.root, "", http.StatusNoContent, nil)
	}, nil},
}

// works reports whether token may still list groups and create one, and
// is allowed to list groups by POST /v2/authorize: it must do all three
// or none.
func (w *lifeWorld) works(token string) bool {
	w.t.Helper()
	w.n++
	bearer := map[string]string{"Authorization": "Bearer " + token}
	res, _ := w.send("GET", "/v2/groups", "", bearer, 0)
	read := res.StatusCode
	res, _ = w.send("POST", "/v2/groups", `{"display_name":"g`+strconv.Itoa(w.n)+`","description":""}`, bearer, 0)
	write := res.StatusCode
	res, body := w.send("POST", "/v2/authorize", `{"action":"iam.group.List"}`, bearer, 0)
	var v verdict
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &v); err != nil {
			w.t.Fatalf("authorize: %s: %v", body, err)
		}
	}
	allowed := res.StatusCode == http.StatusOK && v.Decision == "allow"
	if (read == http.StatusOK) != (write == http.StatusCreated) || (read == http.StatusOK) != allowed {
		w.t.Errorf("list groups = %d, create one = %d, authorize = %d %s: a credential that works does all three", read, write, res.StatusCode, body)
	}
	if read != http.StatusOK && read != http.StatusUnauthorized && read != http.StatusForbidden {
		w.t.Errorf("list groups = %d, want 200, 401 or 403", read)
	}
	return read == http.StatusOK
}

// TestDerivedCredentialLifetimes: for every parent × derived × event, a
// derived credential ends no later than its parent would by itself (its
// reported end is capped, and it stops working), and stops working when
// the event ends the parent, unless keyward documents that it outlives
// it.
func TestDerivedCredentialLifetimes(t *testing.T) {
	for _, ev := range lifetimeEvents {
		for _, pk := range parentKinds {
			if ev.kinds != nil && !slices.Contains(ev.kinds, pk.name) {
				continue
			}
			t.Run(ev.name+"/"+pk.name, func(t *testing.T) {
				w := newLifeWorld(t)
				parent := pk.make(w)
				parentEnd := mustTime(t, parent.end)
				derived := map[string]credential{}
				for _, dk := range derivedKinds {
					c := dk.make(w, parent.token, pk.name)
					if c.token == "" {
						continue
					}
					derived[dk.name] = c
					if c.end == "" {
						if !(pk.name == "login session" && dk.name == "api key") {
							t.Errorf("%s derived from a %s never ends; want it to end by %s", dk.name, pk.name, parent.end)
						}
					} else if end := mustTime(t, c.end); end.After(parentEnd) {
						t.Errorf("%s derived from a %s ends at %s, after its parent (%s)", dk.name, pk.name, c.end, parent.end)
					}
					if dk.probed && !w.works(c.token) {
						t.Fatalf("%s derived from a %s does not work before the event", dk.name, pk.name)
					}
				}
				if !w.works(parent.token) {
					t.Fatalf("the %s does not work before the event", pk.name)
				}
				ev.fire(w, parent)
				if w.works(parent.token) {
					t.Fatalf("the %s still works after %s", pk.name, ev.name)
				}
				for _, dk := range derivedKinds {
					c, ok := derived[dk.name]
					if !ok || !dk.probed {
						continue
					}
					want := ev.survives != nil && ev.survives(pk.name, dk.name)
					if got := w.works(c.token); got != want {
						t.Errorf("%s derived from a %s works after %s: %v, want %v", dk.name, pk.name, ev.name, got, want)
					}
				}
			})
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// TestEnrollOnlySessionDerivesNothing: a login session that must enroll a
// second factor first may do nothing else, so it derives no credential
// either: no key, no role session, no workload token. Sessions already
// derived are not its to end (see lifetimeEvents).
func TestEnrollOnlySessionDerivesNothing(t *testing.T) {
	w := newLifeWorld(t)
	w.do("PUT", "/v2/organizations/"+w.orgID+"/mfa-policy", w.root, `{"require_mfa":true}`, http.StatusOK, nil)
	login := parentKinds[2]
	if login.name != "login session" {
		t.Fatalf("parentKinds[2] = %s, want the login session", login.name)
	}
	s := login.make(w)
	w.do("POST", "/v2/users/"+w.alice+"/api-keys", s.token, `{"name":"derived"}`, http.StatusForbidden, nil)
	w.assume(s.token, w.worker, 3600, http.StatusForbidden)
	w.do("POST", "/v2/oidc/issuer/token", s.token, `{"grant_type":"client_credentials","client_id":"`+w.app+`"}`, http.StatusForbidden, nil)
}

package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

const (
	allowAll      = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	allowFleet    = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"fleet.*","Resource":"*"}]}`
	allowCompute  = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.*","Resource":"*"}]}`
	localPassword = "a rarely used passphrase"
)

// fleetWorld is a deployment whose bootstrap account (a.root's) is its
// fleet administrator, with a second organization, Tenant, that carol owns
// and that holds a local user the fleet administrator created.
type fleetWorld struct {
	*api
	tenant   string // Tenant's id
	carolKey string // carol's key in Tenant, where she is the root owner
	local    string // the local user's id, email local@tenant.example
}

func newFleetWorld(t *testing.T, opts service.Options) *fleetWorld {
	t.Helper()
	a := newAPIWith(t, opts)
	_, key := a.createUser(`{"email":"carol@example.com","name":"Carol","api_enabled":true}`)
	var org struct{ ID string }
	a.do("POST", "/v2/organizations", key, `{"name":"Tenant"}`, http.StatusCreated, &org)
	var minted struct {
		APIKey struct {
			Key string `json:"key"`
		} `json:"api_key"`
	}
	a.do("POST", "/v2/organizations/"+org.ID+"/api-keys", key, `{}`, http.StatusCreated, &minted)
	var u struct{ User struct{ ID string } }
	a.do("POST", "/v2/fleet/organizations/"+org.ID+"/users", a.root,
		`{"email":"local@tenant.example","name":"Local","password":"`+localPassword+`"}`, http.StatusCreated, &u)
	return &fleetWorld{api: a, tenant: org.ID, carolKey: minted.APIKey.Key, local: u.User.ID}
}

// key mints a key of user (in the root's organization) with the inline
// policy doc ("" for none), as the root owner.
func (a *api) key(user, doc string) string {
	a.t.Helper()
	body := `{"name":"k"}`
	if doc != "" {
		body = `{"name":"k","policy":` + doc + `}`
	}
	return a.mintKeyAs(a.root, user, body, http.StatusCreated)
}

// session is a role session of user (a.root's account if "") of a role
// allowing doc.
func (a *api) session(user, userKey, doc string) string {
	a.t.Helper()
	role := a.assumableRole("r"+strings.ReplaceAll(user, "-", "")[:8], 900, doc)
	a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + user + `"}`)
	var s sessionOut
	a.do("POST", "/v2/assumed-roles/assume", userKey, `{"role_id":"`+role+`","session_name":"s","duration":900}`, http.StatusCreated, &s)
	return s.SessionToken
}

// grantFleet grants role to user as the root, a fleet administrator.
func (a *api) grantFleet(user, role string) {
	a.t.Helper()
	a.do("POST", "/v2/fleet/roles", a.root, `{"user_id":"`+user+`","role":"`+role+`"}`, http.StatusCreated, nil)
}

// fleetRoutes are the deployment's routes of the route table.
func fleetRoutes() []httpapi.Route {
	var out []httpapi.Route
	for _, rt := range httpapi.Routes() {
		if _, path, _ := strings.Cut(rt.Pattern, " "); strings.HasPrefix(path, "/v2/fleet/") {
			out = append(out, rt)
		}
	}
	return out
}

// isRead reports whether action is read-level, what fleet.viewer holds.
func isRead(t *testing.T, action string) bool {
	a, ok := policy.DefaultCatalog().Lookup(action)
	if !ok {
		t.Fatalf("%s is not in the catalog", action)
	}
	return a.Level == policy.LevelRead
}

// TestFleetRoutesDecide calls every fleet route with every kind of
// credential: nothing of an organization reaches a fleet action (an
// organization's administrator with * and fleet.* allowed, the root owner
// of another organization, a fleet administrator's key narrowed to
// compute.*, a fleet administrator's role session of a role allowing *),
// a fleet viewer reaches the read-level ones alone, and a fleet
// administrator, also through a key narrowed to fleet.*, reaches them all.
func TestFleetRoutesDecide(t *testing.T) {
	w := newFleetWorld(t, service.Options{})
	root := w.rootID()
	admin, adminKey := w.member("orgadmin@example.com")
	w.attach(managedID(t, w.api, "AdministratorAccess"), admin)
	w.attach(w.createPolicy("fleet-in-org", allowFleet), admin)
	viewer, viewerKey := w.member("viewer@example.com")
	w.grantFleet(viewer, "fleet.viewer")

	type reach int
	const (
		none reach = iota
		reads
		all
	)
	creds := []struct {
		name  string
		token string
		reach reach
	}{
		{"organization admin", adminKey, none},
		{"root owner of another organization", w.carolKey, none},
		{"fleet admin's key narrowed to compute.*", w.key(root, allowCompute), none},
		{"fleet admin's role session", w.session(root, w.root, allowAll), none},
		{"fleet viewer", viewerKey, reads},
		{"fleet admin's key narrowed to fleet.*", w.key(root, allowFleet), all},
		{"fleet admin", w.root, all},
	}
	objs := objects{"organization_id": w.tenant, "user_id": w.local, "role": "fleet.viewer"}
	for _, c := range creds {
		for _, rt := range fleetRoutes() {
			method, path, _ := strings.Cut(rt.Pattern, " ")
			allowed := c.reach == all || c.reach == reads && isRead(t, rt.Action)
			if allowed && method != "GET" {
				continue // the writes that succeed are the other tests'
			}
			t.Run(c.name+"/"+rt.Pattern, func(t *testing.T) {
				a := w.in(t)
				if allowed {
					a.do(method, objs.path(t, path), c.token, "", http.StatusOK, nil)
					return
				}
				var e apiError
				a.do(method, objs.path(t, path), c.token, bodyFor(rt.Pattern, method, "", ""), http.StatusForbidden, &e)
				var d struct {
					Action string `json:"action"`
				}
				if err := json.Unmarshal(e.Explain, &d); err != nil || d.Action != rt.Action {
					t.Errorf("explanation %s: action %q, want %q", e.Explain, d.Action, rt.Action)
				}
			})
		}
	}
	// Nor does an organization's authorize API answer a fleet action from
	// the organization's policies, which would allow it to its admin.
	var e apiError
	w.do("POST", "/v2/authorize", adminKey, `{"action":"fleet.organization.Suspend"}`, http.StatusBadRequest, &e)
	if e.Field != "action" {
		t.Errorf("authorize a fleet action: field %q, want action", e.Field)
	}
}

// TestSuspendedOrganization suspends Tenant and requires every kind of
// credential of it to be refused with a 403 that says so, and a login into
// it too; unsuspending restores every one, the sessions opened before
// included.
func TestSuspendedOrganization(t *testing.T) {
	w := newFleetWorld(t, service.Options{})
	var carol struct{ User struct{ ID string } }
	w.do("GET", "/v2/users/me", w.carolKey, "", http.StatusOK, &carol)
	var narrowed struct {
		APIKey struct {
			Key string `json:"key"`
		} `json:"api_key"`
	}
	w.do("POST", "/v2/users/"+carol.User.ID+"/api-keys", w.carolKey, `{"name":"n","policy":`+allowAll+`}`, http.StatusCreated, &narrowed)
	tenant := &api{t: t, srv: w.srv, root: w.carolKey, svc: w.svc, orgID: w.tenant}
	creds := map[string]string{
		"root owner's key": w.carolKey,
		"narrowed key":     narrowed.APIKey.Key,
		"login session":    w.login("local@tenant.example", localPassword, w.tenant, http.StatusCreated),
		"role session":     tenant.session(carol.User.ID, w.carolKey, allowAll),
	}
	use := func(t *testing.T, want int) {
		for name, token := range creds {
			var e apiError
			w.in(t).do("GET", "/v2/users/me", token, "", want, &e)
			if want == http.StatusForbidden && !strings.Contains(e.Error, "suspended") {
				t.Errorf("%s: %q, want it to say the organization is suspended", name, e.Error)
			}
		}
	}
	use(t, http.StatusOK)

	var org struct {
		Organization struct {
			Suspended bool `json:"suspended"`
		} `json:"organization"`
	}
	w.do("POST", "/v2/fleet/organizations/"+w.tenant+"/suspend", w.root, "", http.StatusOK, &org)
	if !org.Organization.Suspended {
		t.Error("suspend answered an organization that is not suspended")
	}
	use(t, http.StatusForbidden)
	w.login("local@tenant.example", localPassword, w.tenant, http.StatusForbidden)
	w.do("POST", "/v2/authorize", w.carolKey, `{"action":"compute.instance.List"}`, http.StatusForbidden, nil)
	w.do("POST", "/v2/fleet/organizations/"+w.tenant+"/suspend", w.root, "", http.StatusConflict, nil)
	w.do("POST", "/v2/fleet/organizations/"+w.orgID+"/suspend", w.root, "", http.StatusConflict, nil) // its own
	var list struct {
		Orgs []struct{ ID string } `json:"organizations"`
	}
	w.do("GET", "/v2/fleet/organizations?suspended=true", w.root, "", http.StatusOK, &list)
	if len(list.Orgs) != 1 || list.Orgs[0].ID != w.tenant {
		t.Errorf("suspended organizations %v, want Tenant alone", list.Orgs)
	}

	w.do("POST", "/v2/fleet/organizations/"+w.tenant+"/unsuspend", w.root, "", http.StatusOK, nil)
	use(t, http.StatusOK)
	w.login("local@tenant.example", localPassword, w.tenant, http.StatusCreated)
}

// TestFleetRoles: grants need fleet.role.Grant, go to human accounts once,
// and the last fleet administrator stays.
func TestFleetRoles(t *testing.T) {
	a := newAPI(t)
	root := a.rootID()
	viewer, viewerKey := a.member("viewer@example.com")
	svcUser, _ := a.createUser(`{"name":"robot","service_user":true}`)
	a.grantFleet(viewer, "fleet.viewer")
	for _, tt := range []struct {
		name, token, body string
		want              int
	}{
		{"a viewer grants itself admin", viewerKey, `{"user_id":"` + viewer + `","role":"fleet.admin"}`, http.StatusForbidden},
		{"twice", a.root, `{"user_id":"` + viewer + `","role":"fleet.viewer"}`, http.StatusConflict},
		{"a service user", a.root, `{"user_id":"` + svcUser + `","role":"fleet.viewer"}`, http.StatusBadRequest},
		{"no such role", a.root, `{"user_id":"` + viewer + `","role":"fleet.owner"}`, http.StatusBadRequest},
		{"no such account", a.root, `{"user_id":"0193a000-0000-7000-8000-00000000dead","role":"fleet.viewer"}`, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a.in(t).do("POST", "/v2/fleet/roles", tt.token, tt.body, tt.want, nil)
		})
	}
	var e apiError
	a.do("DELETE", "/v2/fleet/roles/fleet.admin/users/"+root, a.root, "", http.StatusConflict, &e)
	if !strings.Contains(e.Error, "last") {
		t.Errorf("revoking the last admin: %q, want it to say why", e.Error)
	}
	a.grantFleet(viewer, "fleet.admin")
	a.do("DELETE", "/v2/fleet/roles/fleet.admin/users/"+root, viewerKey, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/fleet/roles", a.root, "", http.StatusForbidden, nil)
	var roles struct {
		Roles []struct{ UserID, Role string } `json:"fleet_roles"`
	}
	a.do("GET", "/v2/fleet/roles", viewerKey, "", http.StatusOK, &roles)
	if len(roles.Roles) != 2 {
		t.Errorf("grants %v, want viewer's two", roles.Roles)
	}
}

// TestOrgCreation: in operator mode only fleet administrators create
// organizations, and an explicit Deny still holds for them; the open mode
// is TestCreatingOrganizationsIsDecided's.
func TestOrgCreation(t *testing.T) {
	a := newAPIWith(t, service.Options{OrgCreation: service.OrgCreationOperator})
	_, plainKey := a.member("plain@example.com")
	viewer, viewerKey := a.member("viewer@example.com")
	a.grantFleet(viewer, "fleet.viewer")
	denied, deniedKey := a.member("denied@example.com")
	a.grantFleet(denied, "fleet.admin")
	a.attach(a.createPolicy("no-orgs", `{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"iam.organization.Create","Resource":"*"}]}`), denied)
	admin, adminKey := a.member("admin@example.com")
	a.grantFleet(admin, "fleet.admin")
	for _, tt := range []struct {
		name, token string
		want        int
	}{
		{"an account without a fleet role", plainKey, http.StatusForbidden},
		{"a fleet viewer", viewerKey, http.StatusForbidden},
		{"a fleet admin denied iam.organization.Create", deniedKey, http.StatusForbidden},
		{"a fleet admin", adminKey, http.StatusCreated},
		{"the bootstrap account", a.root, http.StatusCreated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a.in(t).do("POST", "/v2/organizations", tt.token, `{"name":"New"}`, tt.want, nil)
		})
	}
	var events struct {
		Events []struct{ ActorID string } `json:"audit_events"`
	}
	a.do("GET", "/v2/fleet/audit?action=fleet.organization.Create", a.root, "", http.StatusOK, &events)
	if len(events.Events) != 2 {
		t.Errorf("%d fleet events of organization creation, want 2", len(events.Events))
	}
}

// TestIdentityMode: an organization in idp mode gets no local users nor
// passwords, from fleet administrators or its own; invalidating one still
// works.
func TestIdentityMode(t *testing.T) {
	w := newFleetWorld(t, service.Options{})
	var org struct {
		Organization struct {
			IdentityMode string `json:"identity_mode"`
		} `json:"organization"`
	}
	w.do("PUT", "/v2/fleet/organizations/"+w.tenant+"/identity-mode", w.root, `{"identity_mode":"sso"}`, http.StatusBadRequest, nil)
	w.do("PUT", "/v2/fleet/organizations/"+w.tenant+"/identity-mode", w.root, `{"identity_mode":"idp"}`, http.StatusOK, &org)
	if org.Organization.IdentityMode != "idp" {
		t.Errorf("identity mode %q, want idp", org.Organization.IdentityMode)
	}
	for _, c := range []struct{ method, path, token, body string }{
		{"POST", "/v2/fleet/organizations/" + w.tenant + "/users", w.root, `{"email":"new@tenant.example","password":"` + localPassword + `"}`},
		{"PUT", "/v2/fleet/organizations/" + w.tenant + "/users/" + w.local + "/password", w.root, `{"password":"` + localPassword + `"}`},
		{"POST", "/v2/users", w.carolKey, `{"email":"own@tenant.example","name":"Own"}`},
		{"PUT", "/v2/users/" + w.local + "/password", w.carolKey, `{"password":"` + localPassword + `"}`},
	} {
		var e apiError
		w.do(c.method, c.path, c.token, c.body, http.StatusConflict, &e)
		if e.Field != "identity_mode" {
			t.Errorf("%s %s: field %q, want identity_mode", c.method, c.path, e.Field)
		}
	}
	w.do("DELETE", "/v2/fleet/organizations/"+w.tenant+"/users/"+w.local+"/password", w.root, "", http.StatusNoContent, nil)
	w.login("local@tenant.example", localPassword, w.tenant, http.StatusUnauthorized)
	w.do("POST", "/v2/users", w.carolKey, `{"name":"robot","service_user":true}`, http.StatusCreated, nil)
}

// TestFleetAudit performs every fleet write and requires each to leave an
// event in the fleet audit trail, which fleet viewers read and no
// organization's trail holds.
func TestFleetAudit(t *testing.T) {
	w := newFleetWorld(t, service.Options{})
	viewer, viewerKey := w.member("viewer@example.com")
	w.grantFleet(viewer, "fleet.viewer")
	org := "/v2/fleet/organizations/" + w.tenant
	w.do("DELETE", "/v2/fleet/roles/fleet.viewer/users/"+viewer, w.root, "", http.StatusNoContent, nil)
	w.grantFleet(viewer, "fleet.viewer")
	w.do("POST", org+"/suspend", w.root, "", http.StatusOK, nil)
	w.do("POST", org+"/unsuspend", w.root, "", http.StatusOK, nil)
	w.do("PUT", org+"/identity-mode", w.root, `{"identity_mode":"local"}`, http.StatusOK, nil)
	w.do("PUT", org+"/users/"+w.local+"/password", w.root, `{"password":"another rarely used passphrase"}`, http.StatusNoContent, nil)
	w.do("DELETE", org+"/users/"+w.local+"/password", w.root, "", http.StatusNoContent, nil)
	w.do("POST", "/v2/fleet/oidc-keys/rotate", w.root, "", http.StatusCreated, nil)

	for _, rt := range fleetRoutes() {
		if isRead(t, rt.Action) {
			continue
		}
		var events struct {
			Events []struct {
				ActorID string `json:"actor_id"`
				OrgID   string `json:"organization_id"`
			} `json:"audit_events"`
		}
		w.do("GET", "/v2/fleet/audit?action="+rt.Action, viewerKey, "", http.StatusOK, &events)
		if len(events.Events) == 0 {
			t.Errorf("%s: no fleet audit event", rt.Pattern)
		}
	}
	for _, e := range w.auditEvents(w.root) {
		if strings.HasPrefix(e.Action, "fleet.role.") {
			t.Errorf("the organization's trail holds %s", e.Action)
		}
	}
}

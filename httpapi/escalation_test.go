package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// The escalation suite: every kind of credential an attacker may hold ×
// every route that mints a credential, assumes a role or hands out access.
// After trying them all (and trying them again with whatever credential
// the first round yielded), what the attacker can do with every credential
// it holds must be a subset of what its first credential could do before,
// unless the rules let it hand access out (it holds an attach right); and
// the root owner's powers are never reached from a non-root start.
// Capabilities are measured by the engine over the whole catalog and every
// object of the organization, not listed by hand.

// escOrg is an organization set up for one attacker.
type escOrg struct {
	*api
	root, ada, mallory    string // user ids: the root owner, an admin, the attacker's member
	admin, vm, malPolicy  string // policies: AdministratorAccess, compute.*, mallory's own
	admins, mineRole      string // assignable roles: AdministratorAccess; bound to mallory, empty
	boss, sesRole         string // assumable roles: AdministratorAccess (ada trusted); sesrole (mallory trusted)
	ops, mine, gone       string // groups: bound to admins; mallory's, empty; deleted, mallory's, bound to admins
	project, fresh, inP   string // a project; a resource nothing names; one registered in the project
	self                  string // the member the attacker's credential acts as
	token                 string // the attacker's credential
	grants                bool   // the attacker may hand out access (an attach right)
	mallorysKey, adaEmail string
	app                   escApp // an application whose tokens may assume boss for ada
	scimOps               string // a SCIM group bound to admins
	bossTrust, goneTrust  string // boss's trusts: of ada; of mallory, deleted
	goneRole, gonePolicy  string // deleted: a role of AdministratorAccess bound to mallory; a policy of everything attached to mallory
}

// grantActions are the actions that let their holder hand out access
// (service.grant): whoever holds one on "*" may legitimately reach
// everything that can be attached.
// Tagging is one too: whoever may tag a member decides its
// keyward:PrincipalTag conditions, so the right to tag oneself is the
// right to every policy conditioned on a tag (newEscOrg attaches one to
// mallory); TestEscalationTagOthers checks that the right to tag another
// is not.
var grantActions = []string{
	"iam.policy.AttachUser", "iam.policy.AttachGroup", "iam.role.AttachPolicy",
	"iam.role.AttachUser", "iam.role.AttachGroup", "iam.group.AddMember", "iam.user.Tag",
}

// taggedAdminDoc allows everything to a principal tagged team=admins.
const taggedAdminDoc = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/team":"admins"}}}]}`

const modestDoc = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.user.List","iam.user.Read","iam.group.List","compute.*"],"Resource":"*"}]}`

func newEscOrg(t *testing.T, malloryDoc string) *escOrg {
	t.Helper()
	a := newFederatingAPI(t)
	o := &escOrg{api: a}
	var me struct {
		User struct{ ID string } `json:"user"`
	}
	a.do("GET", "/v2/users/me", a.root, "", http.StatusOK, &me)
	o.root = me.User.ID
	o.admin = managedID(t, a, "AdministratorAccess")
	o.ada, _ = a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	o.adaEmail = "ada@example.com"
	a.do("POST", "/v2/policies/"+o.admin+"/users/"+o.ada, a.root, "", http.StatusNoContent, nil)
	o.mallory, o.mallorysKey = a.createUser(`{"email":"mallory@example.com","name":"Mallory","api_enabled":true}`)
	o.malPolicy = a.createPolicy("mallory", malloryDoc)
	a.attach(o.malPolicy, o.mallory)
	// Everything, once mallory is tagged team=admins.
	a.attach(a.createPolicy("tagged-admins", taggedAdminDoc), o.mallory)
	o.vm = a.createPolicy("vm", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.*","Resource":"*"}]}`)

	role := func(name, typ string) string {
		var r struct{ ID string }
		a.do("POST", "/v2/roles", a.root, `{"name":"`+name+`","description":"","role_type":"`+typ+`","max_session_duration":900}`, http.StatusCreated, &r)
		return r.ID
	}
	o.admins = role("admins", "assignable")
	a.do("POST", "/v2/roles/"+o.admins+"/policies/"+o.admin, a.root, "", http.StatusCreated, nil)
	o.mineRole = role("mine", "assignable")
	a.do("POST", "/v2/roles/"+o.mineRole+"/users/"+o.mallory, a.root, "", http.StatusCreated, nil)
	o.boss = role("boss", "assumable")
	a.do("POST", "/v2/roles/"+o.boss+"/policies/"+o.admin, a.root, "", http.StatusCreated, nil)
	o.bossTrust = a.createTrust(`{"role_id":"` + o.boss + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + o.ada + `"}`).ID
	o.goneTrust = a.createTrust(`{"role_id":"` + o.boss + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + o.mallory + `"}`).ID
	a.do("DELETE", "/v2/role-trusts/"+o.goneTrust, a.root, "", http.StatusNoContent, nil)
	// Restored, either would make mallory an admin again.
	o.goneRole = role("gone-admins", "assignable")
	a.do("POST", "/v2/roles/"+o.goneRole+"/policies/"+o.admin, a.root, "", http.StatusCreated, nil)
	a.do("POST", "/v2/roles/"+o.goneRole+"/users/"+o.mallory, a.root, "", http.StatusCreated, nil)
	a.do("DELETE", "/v2/roles/"+o.goneRole, a.root, "", http.StatusNoContent, nil)
	o.gonePolicy = a.createPolicy("gone-everything", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	a.attach(o.gonePolicy, o.mallory)
	a.do("DELETE", "/v2/policies/"+o.gonePolicy, a.root, "", http.StatusNoContent, nil)
	o.sesRole = a.assumableRole("sesrole", 900, modestDoc)
	a.createTrust(`{"role_id":"` + o.sesRole + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + o.mallory + `"}`)

	group := func(name string) string {
		var g struct{ ID string }
		a.do("POST", "/v2/groups", a.root, `{"display_name":"`+name+`","description":""}`, http.StatusCreated, &g)
		return g.ID
	}
	o.ops = group("ops")
	a.do("POST", "/v2/roles/"+o.admins+"/groups/"+o.ops, a.root, "", http.StatusCreated, nil)
	o.mine = group("mine")
	a.do("POST", "/v2/groups/"+o.mine+"/members", a.root, `{"user_id":"`+o.mallory+`","display_name":""}`, http.StatusNoContent, nil)
	// Restored, it would make mallory an admin again.
	o.gone = group("gone")
	a.do("POST", "/v2/roles/"+o.admins+"/groups/"+o.gone, a.root, "", http.StatusCreated, nil)
	a.do("POST", "/v2/groups/"+o.gone+"/members", a.root, `{"user_id":"`+o.mallory+`","display_name":""}`, http.StatusNoContent, nil)
	a.do("DELETE", "/v2/groups/"+o.gone, a.root, "", http.StatusNoContent, nil)

	var p struct{ Project struct{ ID string } }
	a.do("POST", "/v2/projects", a.root, `{"name":"Production"}`, http.StatusCreated, &p)
	o.project = p.Project.ID
	o.fresh = "0193a000-0000-7000-8000-00000000f00d"
	o.inP = "0193a000-0000-7000-8000-00000000f00e"
	a.do("POST", "/v2/resources", a.root, `{"id":"`+o.inP+`","type":"compute.instance","project_id":"`+o.project+`"}`, http.StatusCreated, nil)
	o.federation(t)
	o.scimOpsGroup(t)
	o.self, o.token = o.mallory, o.mallorysKey
	return o
}

// capabilities returns what token may do: "action resource@project" for
// every catalog action on every object of the organization. A token that
// no longer authenticates may do nothing.
func (o *escOrg) capabilities(t *testing.T, token string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	p, err := o.svc.Authenticate(ctx, token)
	if err != nil {
		return nil
	}
	ctx = keyward.NewContextWithPrincipal(ctx, p)
	type probe struct{ resource, project string }
	probes := []probe{{"", ""}, {o.orgID, ""}, {o.fresh, ""}, {o.project, o.project}, {o.inP, ""}, {o.fresh, o.project}}
	for _, id := range []string{o.root, o.ada, o.mallory, o.admin, o.vm, o.malPolicy, o.admins, o.mineRole, o.boss, o.sesRole, o.ops, o.mine} {
		probes = append(probes, probe{id, ""})
	}
	out := map[string]bool{}
	for _, a := range policy.DefaultCatalog().Actions() {
		for _, pr := range probes {
			ok, err := o.svc.Allowed(ctx, a.Name, pr.resource, pr.project)
			if err != nil {
				t.Fatalf("Allowed(%s, %s): %v", a.Name, pr.resource, err)
			}
			if ok {
				out[a.Name+" "+pr.resource+"@"+pr.project] = true
			}
		}
	}
	return out
}

var (
	keyPattern     = regexp.MustCompile(`"(?:key|api_key|session_token|token)":"(k[a-z]*_[^"]+)"`)
	stsTokenPatten = regexp.MustCompile(`<SessionToken>([^<]+)</SessionToken>`)
)

// try sends one attempt with token and returns the credentials in its
// answer, whatever its status.
func (o *escOrg) try(t *testing.T, method, path, token, body string) []string {
	_, creds := o.attempt(t, method, path, token, body)
	return creds
}

// attempt sends one attempt with token and returns its status and the
// credentials in its answer.
func (o *escOrg) attempt(t *testing.T, method, path, token, body string) (int, []string) {
	t.Helper()
	status, raw := o.send(t, method, path, token, body)
	b := string(raw)
	var out []string
	for _, m := range keyPattern.FindAllStringSubmatch(b, -1) {
		out = append(out, m[1])
	}
	for _, m := range stsTokenPatten.FindAllStringSubmatch(b, -1) {
		out = append(out, m[1])
	}
	return status, out
}

// send sends one attempt with token and returns its status and body; an
// attempt is never answered with a 5xx.
func (o *escOrg) send(t *testing.T, method, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, o.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.HasSuffix(path, "/sts") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode >= 500 {
		t.Errorf("%s %s = %d %s: an attempt must never be a 5xx", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, raw
}

// attempts tries every granting route with token, acting as self, and
// returns the credentials they yielded.
func (o *escOrg) attempts(t *testing.T, token, self string) []string {
	t.Helper()
	var acls []string
	for _, a := range []string{"abuse", "activity_logs", "alerts", "billing", "dns", "firewall", "loadbalancer", "manage_users",
		"objstore", "provisioning", "subscriptions", "subscriptions_view", "support", "upgrade", "vke"} {
		acls = append(acls, `"`+a+`"`)
	}
	everything := `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	fullGrid := `{"grid":{"compute_instances":["view","manage","delete"],"team_management":["view","manage","delete"],"api_tokens":["manage"],"projects":["view","manage","delete"]}}`
	sts := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleSessionName": {"x"},
		"RoleArn": {"arn:aws:iam::" + o.orgID + ":role/" + o.boss}}.Encode()
	calls := []struct{ method, path, body string }{
		{"POST", "/v2/users/" + self + "/api-keys", `{"name":"x"}`},
		{"POST", "/v2/organizations/" + o.orgID + "/api-keys", `{"name":"x"}`},
		{"POST", "/v2/users/" + o.root + "/api-keys", `{"name":"x"}`},
		{"POST", "/v2/users/" + o.ada + "/api-keys", `{"name":"x"}`},
		{"POST", "/v2/policies/" + o.admin + "/users/" + self, ``},
		{"POST", "/v2/policies/" + o.admin + "/groups/" + o.mine, ``},
		{"POST", "/v2/roles/" + o.mineRole + "/policies/" + o.admin, ``},
		{"POST", "/v2/roles/" + o.admins + "/users/" + self, ``},
		{"POST", "/v2/roles/" + o.admins + "/groups/" + o.mine, ``},
		{"POST", "/v2/groups/" + o.ops + "/members", `{"user_id":"` + self + `","display_name":""}`},
		{"PATCH", "/v2/groups/" + o.gone + "/restore", ``},
		{"PATCH", "/v2/roles/" + o.goneRole + "/restore", ``},
		{"PATCH", "/v2/policies/" + o.gonePolicy + "/restore", ``},
		{"PATCH", "/v2/users/" + self, `{"acls":["manage_users"]}`},
		{"POST", "/v2/users/" + self + "/tags", `{"tags":[{"key":"team","value":"admins"}]}`},
		{"POST", "/v2/users", `{"service_user":true,"name":"svc","api_enabled":true,"acls":[` + strings.Join(acls, ",") + `]}`},
		{"PUT", "/v2/policies/" + o.malPolicy, `{"name":"mallory","description":"","policy_document":` + everything + `}`},
		{"PUT", "/v2/organizations/" + o.orgID + "/role-assignments", `{"role_assignments":[{"identity_id":"` + self + `","identity_type":"user","role_name":"Admin"}]}`},
		{"PUT", "/v2/projects/" + o.project + "/role-assignments", `{"role_assignments":[{"identity_id":"` + self + `","identity_type":"user","role_name":"admin"}]}`},
		{"PUT", "/v2/projects/" + o.project + "/overrides/" + self, fullGrid},
		{"POST", "/v2/role-trusts", `{"role_id":"` + o.boss + `","trust_type":"TemporaryAssumption","assumption_mode":"automatic","trusted_user_id":"` + self + `"}`},
		{"PUT", "/v2/role-trusts/" + o.bossTrust, `{"trust_type":"TemporaryAssumption","assumption_mode":"automatic","trusted_user_id":"` + self + `"}`},
		{"PATCH", "/v2/role-trusts/" + o.goneTrust + "/restore", ``},
		{"POST", "/v2/assumed-roles/assume", `{"role_id":"` + o.boss + `","session_name":"x","duration":900}`},
		{"POST", "/v2/assumed-roles/assume", `{"user_id":"` + o.ada + `","role_id":"` + o.boss + `","session_name":"x","duration":900}`},
		{"POST", "/v2/assumed-roles/compatibility/aws/sts", sts},
		{"PUT", "/v2/users/" + o.ada + "/password", `{"password":"a rarely used passphrase"}`},
		{"PUT", "/v2/users/" + o.root + "/password", `{"password":"a rarely used passphrase"}`},
		{"PATCH", "/v2/users/" + o.root, `{"email":"owned@evil.example"}`},
		{"POST", "/v2/organizations/" + o.orgID + "/transfer-ownership", `{"user_id":"` + self + `"}`},
	}
	var got []string
	for _, c := range calls {
		got = append(got, o.try(t, c.method, c.path, token, c.body)...)
	}
	got = append(got, o.federate(t, token)...)
	// Whose password the attacker may have set, it can log in as.
	for _, email := range []string{o.adaEmail, "admin@localhost", "owned@evil.example"} {
		got = append(got, o.try(t, "POST", "/v2/auth/login", "", `{"email":"`+email+`","password":"a rarely used passphrase","organization_id":"`+o.orgID+`"}`)...)
	}
	// An invitation it may send, it can accept as a new account.
	if status, _ := o.attempt(t, "POST", "/v2/invitation", token, `{"email_invited":"sock@evil.example","permissions":{"api_enabled":true},"role_ids":["`+o.admins+`"],"group_ids":["`+o.ops+`"]}`); status == http.StatusCreated {
		got = append(got, o.acceptMailed(t, "sock@evil.example")...)
	}
	return append(got, o.sources(t, token, self)...)
}

// check runs both rounds of attempts and checks the invariants.
func (o *escOrg) check(t *testing.T) {
	t.Helper()
	before := o.capabilities(t, o.token)
	held := []string{o.token}
	round := o.attempts(t, o.token, o.self)
	held = append(held, round...)
	for _, tok := range round {
		held = append(held, o.attempts(t, tok, o.self)...)
	}
	// The root owner's powers stay the root owner's.
	var org struct {
		Organization struct{ ID string } `json:"organization"`
	}
	o.do("GET", "/v2/organizations/"+o.orgID, o.api.root, "", http.StatusOK, &org)
	var me struct {
		User struct{ ID, Email string } `json:"user"`
	}
	o.do("GET", "/v2/users/me", o.api.root, "", http.StatusOK, &me)
	if me.User.ID != o.root || me.User.Email != "admin@localhost" {
		t.Errorf("the root owner is now %+v", me.User)
	}
	for _, tok := range slices.Compact(slices.Sorted(slices.Values(held))) {
		p, err := o.svc.Authenticate(context.Background(), tok)
		if err == nil && p.Kind == keyward.KindRootOwner && p.OrgID == keyward.OrgID(o.orgID) {
			t.Errorf("the attacker holds a root owner credential %.12s…", tok)
		}
		if o.grants {
			continue
		}
		after := o.capabilities(t, tok)
		var extra []string
		for c := range after {
			if !before[c] {
				extra = append(extra, c)
			}
		}
		if len(extra) > 0 {
			slices.Sort(extra)
			t.Errorf("credential %.12s… reaches %d things its maker could not, e.g. %v", tok, len(extra), extra[:min(len(extra), 5)])
		}
	}
}

// TestEscalationSingleActions gives the attacker a member whose only
// permission is one iam.* action (on "*"), for every such action.
func TestEscalationSingleActions(t *testing.T) {
	if testing.Short() {
		t.Skip("the escalation suite is long")
	}
	for _, a := range policy.DefaultCatalog().Actions() {
		if a.Service != "iam" {
			continue
		}
		t.Run(a.Name, func(t *testing.T) {
			o := newEscOrg(t, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"`+a.Name+`","Resource":"*"}]}`)
			o.grants = slices.Contains(grantActions, a.Name)
			o.check(t)
		})
	}
}

// TestEscalationTagOthers gives the attacker the right to tag and untag
// ada and the root owner, not itself: no attempt may tag mallory into the
// policy its tag conditions hold back.
func TestEscalationTagOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("the escalation suite is long")
	}
	o := newEscOrg(t, modestDoc)
	o.attach(o.createPolicy("tag-others", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.user.Tag","iam.user.Untag"],"Resource":["`+o.ada+`","`+o.root+`"]}]}`), o.mallory)
	o.check(t)
}

// TestEscalationCredentialKinds gives the attacker each kind of
// credential: a plain key, a narrowed key of an admin, a role session, a
// role session with a session policy and a login session.
func TestEscalationCredentialKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("the escalation suite is long")
	}
	const narrow = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.*.List","iam.*.Read","compute.instance.Read"],"Resource":"*"}]}`
	// federate may get the tokens of the application that the
	// organization trusts for ada (escApp), and read.
	const federate = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.token.Create","oidc.provider.Authorize","iam.*.Read"],"Resource":"*"}]}`
	const sessionPolicy = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`
	for _, tc := range []struct {
		name string
		cred func(t *testing.T, o *escOrg)
	}{
		{"plain key", func(t *testing.T, o *escOrg) {}},
		{"narrowed key", func(t *testing.T, o *escOrg) {
			o.self, o.token = o.ada, o.adaKey(`{"name":"narrow","policy":`+narrow+`}`)
		}},
		{"role session", func(t *testing.T, o *escOrg) {
			var s sessionOut
			o.do("POST", "/v2/assumed-roles/assume", o.mallorysKey, `{"role_id":"`+o.sesRole+`","session_name":"s","duration":900}`, http.StatusCreated, &s)
			o.token = s.SessionToken
		}},
		{"session with a session policy", func(t *testing.T, o *escOrg) {
			var s sessionOut
			o.do("POST", "/v2/assumed-roles/assume", o.mallorysKey, `{"role_id":"`+o.sesRole+`","session_name":"s","duration":900,"session_policy":`+sessionPolicy+`}`, http.StatusCreated, &s)
			o.token = s.SessionToken
		}},
		{"key that may federate", func(t *testing.T, o *escOrg) {
			o.attach(o.createPolicy("federate", federate), o.mallory)
		}},
		{"narrowed key that may federate", func(t *testing.T, o *escOrg) {
			o.self, o.token = o.ada, o.adaKey(`{"name":"narrow","policy":`+federate+`}`)
		}},
		{"role session that may federate", func(t *testing.T, o *escOrg) {
			role := o.assumableRole("fedrole", 900, federate)
			o.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + o.ada + `"}`)
			var s sessionOut
			o.do("POST", "/v2/assumed-roles/assume", o.api.root, `{"user_id":"`+o.ada+`","role_id":"`+role+`","session_name":"s","duration":900}`, http.StatusCreated, &s)
			o.self, o.token = o.ada, s.SessionToken
		}},
		{"login session", func(t *testing.T, o *escOrg) {
			o.do("PUT", "/v2/users/"+o.mallory+"/password", o.api.root, `{"password":"mallory's own passphrase"}`, http.StatusNoContent, nil)
			var l struct {
				Session struct {
					Token string `json:"token"`
				} `json:"login_session"`
			}
			o.do("POST", "/v2/auth/login", "", `{"email":"mallory@example.com","password":"mallory's own passphrase","organization_id":"`+o.orgID+`"}`, http.StatusCreated, &l)
			o.token = l.Session.Token
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newEscOrg(t, modestDoc)
			tc.cred(t, o)
			if o.token == "" {
				t.Fatal("no credential")
			}
			o.check(t)
		})
	}
}

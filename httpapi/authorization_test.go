package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/policy"
)

type verdict struct {
	Decision    string `json:"decision"`
	Allowed     bool   `json:"allowed"`
	PrincipalID string `json:"principal_id"`
	Revision    int64  `json:"revision"`
	Explanation struct {
		Decision   string `json:"decision"`
		Layer      string `json:"layer"`
		Reason     string `json:"reason"`
		Statements []struct {
			PolicyID   string `json:"policy_id"`
			PolicyName string `json:"policy_name"`
			Via        string `json:"via"`
			Effect     string `json:"effect"`
			Applied    bool   `json:"applied"`
		} `json:"statements"`
	} `json:"explanation"`
}

// createPolicy creates a custom policy as the root owner and returns its id.
func (a *api) createPolicy(name, doc string) string {
	a.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	a.do("POST", "/v2/policies", a.root, fmt.Sprintf(`{"name":%q,"description":"","policy_document":%s}`, name, doc), http.StatusCreated, &out)
	return out.ID
}

// attach attaches a policy to a user as the root owner and returns the
// revision the write committed.
func (a *api) attach(policyID, userID string) int64 {
	a.t.Helper()
	res := a.do("POST", "/v2/policies/"+policyID+"/users/"+userID, a.root, "", http.StatusNoContent, nil)
	rev, err := strconv.ParseInt(res.Header.Get(httpapi.RevisionHeader), 10, 64)
	if err != nil || rev <= 0 {
		a.t.Fatalf("attach: %s = %q, want the committed revision", httpapi.RevisionHeader, res.Header.Get(httpapi.RevisionHeader))
	}
	return rev
}

func TestAuthorize(t *testing.T) {
	a := newAPI(t)
	p1, p2 := a.project("P1"), a.project("P2")
	alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	root := a.rootID()

	ask := `{"action":"compute.instance.Delete","resource":{"id":"0193a000-0000-7000-8000-000000000011","project_id":"` + p1 + `"}%s}`
	var v verdict
	a.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(ask, ""), http.StatusOK, &v)
	if v.Decision != "deny" || v.Explanation.Decision != "implicit_deny" || v.Explanation.Layer != "policy" || v.PrincipalID != alice {
		t.Errorf("before any policy: %+v, want an implicit deny of alice by policy", v)
	}

	pid := a.createPolicy("vm-admin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.*","Resource":"`+p1+`"}]}`)
	rev := a.attach(pid, alice)
	a.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(ask, `,"min_revision":`+strconv.FormatInt(rev, 10)), http.StatusOK, &v)
	if v.Decision != "allow" || v.Revision < rev || len(v.Explanation.Statements) != 1 || v.Explanation.Statements[0].Via != "direct" || v.Explanation.Statements[0].PolicyID != pid {
		t.Errorf("after attaching vm-admin at revision %d: %+v, want allow via direct", rev, v)
	}

	// Checking someone else needs iam.authorization.Authorize, which the
	// root owner has and alice has not.
	var e apiError
	a.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(`{"principal_id":%q,"action":"compute.instance.List"}`, root), http.StatusForbidden, &e)
	if e.Code != "permission_denied" || !strings.Contains(string(e.Explain), "implicit_deny") {
		t.Errorf("alice asking about root: %+v, want a 403 with the explanation", e)
	}
	a.do("POST", "/v2/authorize", a.root, fmt.Sprintf(`{"principal_id":%q,"action":"compute.instance.Create","resource":{"project_id":"`+p1+`"}}`, alice), http.StatusOK, &v)
	if !v.Allowed || v.PrincipalID != alice {
		t.Errorf("root asking about alice: %+v, want allow", v)
	}
	a.do("POST", "/v2/authorize", a.root, `{"principal_id":"0193a000-0000-7000-8000-00000000dead","action":"compute.instance.List"}`, http.StatusOK, &v)
	if v.Allowed || v.Explanation.Layer != "principal" {
		t.Errorf("a stranger: %+v, want a deny at the principal layer", v)
	}

	// The batch answers in order, on one snapshot.
	var batch struct {
		Results  []verdict `json:"results"`
		Revision int64     `json:"revision"`
	}
	a.do("POST", "/v2/authorize/batch", a.root, fmt.Sprintf(`{"checks":[
		{"principal_id":%q,"action":"compute.instance.Read","resource":{"id":"0193a000-0000-7000-8000-000000000011","project_id":"`+p1+`"}},
		{"principal_id":%q,"action":"compute.instance.Read","resource":{"id":"0193a000-0000-7000-8000-000000000011","project_id":"`+p2+`"}},
		{"action":"iam.user.Delete"}]}`, alice, alice), http.StatusOK, &batch)
	var got []string
	for _, r := range batch.Results {
		got = append(got, r.Decision+"/"+r.Explanation.Layer)
	}
	if want := []string{"allow/policy", "deny/policy", "allow/root_owner"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
}

// TestAuthorize_brief checks "explain": false: the same verdicts as with
// the explanation, and no explanation in the answer.
func TestAuthorize_brief(t *testing.T) {
	a := newAPI(t)
	p1, p2 := a.project("P1"), a.project("P2")
	alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	pid := a.createPolicy("vm-admin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.*","Resource":"`+p1+`"},`+
		`{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"0193a000-0000-7000-8000-000000000012"}]}`)
	a.attach(pid, alice)
	checks := []string{
		`{"action":"compute.instance.Read","resource":{"id":"0193a000-0000-7000-8000-000000000011","project_id":"` + p1 + `"}}`,
		`{"action":"compute.instance.Delete","resource":{"id":"0193a000-0000-7000-8000-000000000012","project_id":"` + p1 + `"}}`,
		`{"action":"compute.instance.Read","resource":{"project_id":"` + p2 + `"}}`,
	}
	wants := []string{"allow", "deny", "deny"}
	for i, c := range checks {
		for _, explain := range []string{`,"explain":true`, ``, `,"explain":false`} {
			body := strings.TrimSuffix(c, "}") + explain + "}"
			var raw map[string]json.RawMessage
			a.do("POST", "/v2/authorize", aliceKey, body, http.StatusOK, &raw)
			var got verdict
			a.do("POST", "/v2/authorize", aliceKey, body, http.StatusOK, &got)
			_, explained := raw["explanation"]
			if got.Decision != wants[i] || got.PrincipalID != alice || explained != (explain != `,"explain":false`) {
				t.Errorf("check %d%s: %s, want %s with the explanation only if asked", i, explain, raw, wants[i])
			}
		}
	}

	var batch struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	a.do("POST", "/v2/authorize/batch", aliceKey, `{"explain":false,"checks":[`+strings.Join(checks, ",")+`]}`, http.StatusOK, &batch)
	if len(batch.Results) != len(checks) {
		t.Fatalf("batch: %d results, want %d", len(batch.Results), len(checks))
	}
	for i, r := range batch.Results {
		if _, ok := r["explanation"]; ok || string(r["decision"]) != strconv.Quote(wants[i]) {
			t.Errorf("brief batch result %d = %s, want %s without an explanation", i, r, wants[i])
		}
	}
}

func TestAuthorize_badInput(t *testing.T) {
	a := newAPI(t)
	many := `{"checks":[` + strings.TrimSuffix(strings.Repeat(`{"action":"compute.instance.List"},`, 101), ",") + `]}`
	for _, tt := range []struct {
		name, path, body, field string
	}{
		{"no action", "/v2/authorize", `{}`, "action"},
		{"unknown action", "/v2/authorize", `{"action":"compute.instance.Crate"}`, "action"},
		{"bad resource", "/v2/authorize", `{"action":"compute.instance.Read","resource":{"id":"vm 1"}}`, "resource.id"},
		{"resource UUID in upper case", "/v2/authorize", `{"action":"compute.instance.Read","resource":{"id":"0193A000-0000-7000-8000-000000000012"}}`, "resource.id"},
		{"resource id with a wildcard", "/v2/authorize", `{"action":"compute.instance.Read","resource":{"id":"vm-*"}}`, "resource.id"},
		{"unknown resource type", "/v2/authorize", `{"action":"compute.instance.Read","resource":{"id":"vm-1","type":"compute.instanse"}}`, "resource.type"},
		{"bad project", "/v2/authorize", `{"action":"compute.instance.Read","resource":{"project_id":"ABC"}}`, "resource.project_id"},
		{"bad ip", "/v2/authorize", `{"action":"compute.instance.Read","context":{"source_ip":"10.0.0.300"}}`, "context.source_ip"},
		{"bad time", "/v2/authorize", `{"action":"compute.instance.Read","context":{"time":"yesterday"}}`, "context.time"},
		{"bad principal", "/v2/authorize", `{"principal_id":"bob","action":"compute.instance.Read"}`, "principal_id"},
		{"unknown field", "/v2/authorize", `{"action":"compute.instance.Read","principal":"x"}`, "principal"},
		{"empty batch", "/v2/authorize/batch", `{"checks":[]}`, "checks"},
		{"big batch", "/v2/authorize/batch", many, "checks"},
		{"bad check", "/v2/authorize/batch", `{"checks":[{"action":"compute.instance.List"},{"action":"nope"}]}`, "checks[1].action"},
		{"who-can with principal", "/v2/who-can", `{"principal_id":"0193a000-0000-7000-8000-000000000001","action":"compute.instance.List"}`, "principal_id"},
		{"who-can with explain", "/v2/who-can", `{"action":"compute.instance.List","explain":false}`, "explain"},
		{"explain not a boolean", "/v2/authorize", `{"action":"compute.instance.List","explain":"no"}`, "explain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			a.do("POST", tt.path, a.root, tt.body, http.StatusBadRequest, &e)
			if e.Field != tt.field || e.Code != "invalid" || e.Error == "" {
				t.Errorf("got %+v, want code invalid naming %q", e, tt.field)
			}
		})
	}
	var e apiError
	a.do("POST", "/v2/authorize", a.root, `{"action":"compute.instance.Crate"}`, http.StatusBadRequest, &e)
	if !strings.Contains(e.Error, `"compute.instance.Create"`) {
		t.Errorf("unknown action: %q, want a did-you-mean", e.Error)
	}
}

// TestSelfEnforcement checks that keyward's own API is decided by the
// engine: no grant, no call; a managed policy grants; a Deny wins and the
// 403 shows it; the root owner stays untouchable.
func TestSelfEnforcement(t *testing.T) {
	a := newAPI(t)
	alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)

	var e apiError
	a.do("POST", "/v2/users", aliceKey, `{"email":"carol@example.com","name":"Carol"}`, http.StatusForbidden, &e)
	var denial struct {
		Action, Decision, Layer string
	}
	if err := json.Unmarshal(e.Explain, &denial); err != nil || denial.Action != "iam.user.Create" || denial.Decision != "implicit_deny" || denial.Layer != "policy" {
		t.Errorf("no grant: explanation %s (%v), want an implicit deny of iam.user.Create", e.Explain, err)
	}

	a.attach(policy.ManagedPolicyID("IAMFullAccess"), alice)
	a.do("POST", "/v2/users", aliceKey, `{"email":"carol@example.com","name":"Carol"}`, http.StatusCreated, nil)
	a.do("GET", "/v2/users/"+bob, aliceKey, "", http.StatusOK, nil)

	deny := a.createPolicy("keep-bob", fmt.Sprintf(`{"Version":"2026-03-20","Statement":[{"Sid":"bob-stays","Effect":"Deny","Action":"iam.user.Delete","Resource":%q}]}`, bob))
	a.attach(deny, alice)
	a.do("DELETE", "/v2/users/"+bob, aliceKey, "", http.StatusForbidden, &e)
	var explicit struct {
		Decision   string
		Statements []struct {
			PolicyName string `json:"policy_name"`
			Sid        string `json:"sid"`
			Effect     string `json:"effect"`
		}
	}
	if err := json.Unmarshal(e.Explain, &explicit); err != nil || explicit.Decision != "explicit_deny" ||
		len(explicit.Statements) != 1 || explicit.Statements[0].PolicyName != "keep-bob" || explicit.Statements[0].Sid != "bob-stays" {
		t.Errorf("deny: explanation %s (%v), want the keep-bob statement", e.Explain, err)
	}

	me := a.rootID()
	a.do("DELETE", "/v2/users/"+me, aliceKey, "", http.StatusConflict, &e)
}

func TestEffectiveAccessAndWhoCan(t *testing.T) {
	a := newAPI(t)
	alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	pid := a.createPolicy("vm-admin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.instance.*"],"Resource":["*"]},{"Effect":"Deny","Action":["compute.instance.Delete"],"Resource":["0193a000-0000-7000-8000-000000000011"]}]}`)
	a.attach(pid, alice)

	type access struct {
		EffectiveAccess struct {
			UserID   string `json:"user_id"`
			Layer    string `json:"layer"`
			Policies []struct {
				Name string   `json:"name"`
				Via  []string `json:"via"`
			} `json:"policies"`
			Scopes []struct {
				Resource string   `json:"resource"`
				Allowed  []string `json:"allowed"`
				Denied   []string `json:"denied"`
			} `json:"scopes"`
		} `json:"effective_access"`
	}
	var acc access
	a.do("GET", "/v2/users/me/effective-access", aliceKey, "", http.StatusOK, &acc)
	ea := acc.EffectiveAccess
	if ea.UserID != alice || ea.Layer != "policy" || len(ea.Policies) != 1 || ea.Policies[0].Name != "vm-admin" || !slices.Equal(ea.Policies[0].Via, []string{"direct"}) {
		t.Errorf("alice's access = %+v", ea)
	}
	if len(ea.Scopes) != 2 || ea.Scopes[0].Resource != "*" || !slices.Equal(ea.Scopes[0].Allowed, []string{"compute.instance.*"}) ||
		!slices.Equal(ea.Scopes[1].Denied, []string{"compute.instance.Delete"}) {
		t.Errorf("alice's scopes = %+v", ea.Scopes)
	}
	// Bob may read his own access but not alice's; the root owner may.
	a.do("GET", "/v2/users/"+bob+"/effective-access", bobKey, "", http.StatusOK, nil)
	a.do("GET", "/v2/users/"+alice+"/effective-access", bobKey, "", http.StatusForbidden, nil)
	a.do("GET", "/v2/users/"+alice+"/effective-access", a.root, "", http.StatusOK, &acc)
	a.do("GET", "/v2/users/0193a000-0000-7000-8000-00000000dead/effective-access", a.root, "", http.StatusNotFound, nil)

	var who struct {
		Principals []struct {
			ID    string   `json:"id"`
			Layer string   `json:"layer"`
			Via   []string `json:"via"`
		} `json:"principals"`
	}
	a.do("POST", "/v2/who-can", a.root, `{"action":"compute.instance.Delete","resource":{"id":"0193a000-0000-7000-8000-000000000012"}}`, http.StatusOK, &who)
	var got []string
	for _, p := range who.Principals {
		got = append(got, p.Layer)
		if p.ID == bob {
			t.Errorf("who-can lists bob, who has no policy")
		}
	}
	if !slices.Equal(got, []string{"root_owner", "policy"}) {
		t.Errorf("who-can delete vm 12 = %+v, want the root owner and alice", who.Principals)
	}
	a.do("POST", "/v2/who-can", a.root, `{"action":"compute.instance.Delete","resource":{"id":"0193a000-0000-7000-8000-000000000011"}}`, http.StatusOK, &who)
	if len(who.Principals) != 1 || who.Principals[0].Layer != "root_owner" {
		t.Errorf("who-can delete the protected vm = %+v, want the root owner only", who.Principals)
	}
	a.do("POST", "/v2/who-can", bobKey, `{"action":"compute.instance.Delete"}`, http.StatusForbidden, nil)
}

// project creates a project of the organization and returns its id.
func (a *api) project(name string) string {
	a.t.Helper()
	var p struct{ Project struct{ ID string } }
	a.do("POST", "/v2/projects", a.root, `{"name":"`+name+`"}`, http.StatusCreated, &p)
	return p.Project.ID
}

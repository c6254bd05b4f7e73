package httpapi_test

import (
	"net/http"
	"testing"
)

// TestDecisionsStayInTheirOrganization: a member of A allowed
// compute.instance.* on "*" asks about a resource B registered in B's
// project. Before, the answer was allow; now every form of the question is
// denied at the tenant layer, and registering B's resource in A too does
// not make it A's.
func TestDecisionsStayInTheirOrganization(t *testing.T) {
	a := newAPI(t)
	_, aliceKey := a.member("alice@example.com", "compute.instance.*", "iam.resource.Register", "iam.authorization.WhoCan")
	pa := a.project("A's")

	var orgB struct{ ID string }
	a.do("POST", "/v2/organizations", a.root, `{"name":"B"}`, http.StatusCreated, &orgB)
	var k struct {
		APIKey struct {
			Key string `json:"key"`
		} `json:"api_key"`
	}
	a.do("POST", "/v2/organizations/"+orgB.ID+"/api-keys", a.root, `{}`, http.StatusCreated, &k)
	var pb struct{ Project struct{ ID string } }
	a.do("POST", "/v2/projects", k.APIKey.Key, `{"name":"B's"}`, http.StatusCreated, &pb)
	const vm = "0193a000-0000-7000-8000-0000000000b0"
	a.do("POST", "/v2/resources", k.APIKey.Key, `{"id":"`+vm+`","type":"compute.instance","project_id":"`+pb.Project.ID+`"}`, http.StatusCreated, nil)

	ask := func(resource string) verdict {
		t.Helper()
		var v verdict
		a.do("POST", "/v2/authorize", aliceKey, `{"action":"compute.instance.Delete","resource":`+resource+`}`, http.StatusOK, &v)
		return v
	}
	for name, res := range map[string]string{
		"no project":        `{"id":"` + vm + `"}`,
		"B's project":       `{"id":"` + vm + `","project_id":"` + pb.Project.ID + `"}`,
		"A's project":       `{"id":"` + vm + `","project_id":"` + pa + `"}`,
		"B's id":            `{"id":"` + vm + `","organization_id":"` + orgB.ID + `"}`,
		"any resource of B": `{"id":"0193a000-0000-7000-8000-0000000000b1","organization_id":"` + orgB.ID + `"}`,
	} {
		if v := ask(res); v.Allowed || v.Explanation.Layer != "tenant" {
			t.Errorf("%s: %+v, want a deny by the tenant layer", name, v)
		}
	}
	// Claiming B's resource by registering its id in A changes nothing.
	a.do("POST", "/v2/resources", aliceKey, `{"id":"`+vm+`","type":"compute.instance","project_id":"`+pa+`"}`, http.StatusCreated, nil)
	if v := ask(`{"id":"` + vm + `"}`); v.Allowed {
		t.Errorf("after A registered B's resource: %+v, want a deny", v)
	}
	var who struct {
		Principals []struct{ ID string } `json:"principals"`
	}
	a.do("POST", "/v2/who-can", aliceKey, `{"action":"compute.instance.Delete","resource":{"id":"`+vm+`"}}`, http.StatusOK, &who)
	if len(who.Principals) != 0 {
		t.Errorf("who-can about B's resource lists %d members of A", len(who.Principals))
	}
	a.do("POST", "/v2/who-can", aliceKey, `{"action":"compute.instance.Delete","resource":{"id":"0193a000-0000-7000-8000-0000000000a9"}}`, http.StatusOK, &who)
	if len(who.Principals) == 0 {
		t.Errorf("who-can about A's resource lists nobody")
	}
	// A's own resources still decide as before.
	if v := ask(`{"id":"0193a000-0000-7000-8000-0000000000a9","organization_id":"` + a.orgID + `"}`); !v.Allowed {
		t.Errorf("A's own resource: %+v, want allow", v)
	}
	if v := ask(`{"id":"0193a000-0000-7000-8000-0000000000a9"}`); !v.Allowed {
		t.Errorf("an unregistered resource, no organization named: %+v, want allow", v)
	}
}

// TestSessionStaysInItsOrganization: a role session of A acting on B
// answered 503 forever (B's snapshot was awaited at A's revision); a
// session belongs to its organization, so B is not found.
func TestSessionStaysInItsOrganization(t *testing.T) {
	a := newAPI(t)
	var orgB struct{ ID string }
	a.do("POST", "/v2/organizations", a.root, `{"name":"B"}`, http.StatusCreated, &orgB)
	role := a.assumableRole("orgs", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.organization.*","Resource":"*"}]}`)
	a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + a.rootID() + `"}`)
	var s sessionOut
	a.do("POST", "/v2/assumed-roles/assume", a.root, `{"role_id":"`+role+`","session_name":"s","duration":900}`, http.StatusCreated, &s)
	a.do("PUT", "/v2/organizations/"+orgB.ID, s.SessionToken, `{"name":"taken"}`, http.StatusNotFound, nil)
	a.do("GET", "/v2/organizations/"+orgB.ID, s.SessionToken, "", http.StatusNotFound, nil)
	a.do("PUT", "/v2/organizations/"+a.orgID, s.SessionToken, `{"name":"renamed"}`, http.StatusOK, nil)
}

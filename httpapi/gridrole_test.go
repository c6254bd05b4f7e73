package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestGridRoleAndOverrideDecide checks, through the API, that a role made
// from a grid grants what its grid says once bound, that editing the grid
// changes the grant, and that an override set through the API replaces the
// role inside its project.
func TestGridRoleAndOverrideDecide(t *testing.T) {
	a := newAPI(t)
	dev, devKey := a.createUser(`{"email":"dev@example.com","name":"Dev","api_enabled":true}`)
	var role struct{ ID string }
	a.do("POST", "/v2/roles", a.root, `{"name":"vm-operator","description":"","role_type":"assignable","max_session_duration":0,
		"grid":{"compute_instances":["view","manage"]}}`, http.StatusCreated, &role)
	a.do("POST", "/v2/roles/"+role.ID+"/users/"+dev, a.root, "", http.StatusCreated, nil)

	ask := func(action, project string) verdict {
		t.Helper()
		body := fmt.Sprintf(`{"action":%q}`, action)
		if project != "" {
			body = fmt.Sprintf(`{"action":%q,"resource":{"project_id":%q}}`, action, project)
		}
		var v verdict
		a.do("POST", "/v2/authorize", devKey, body, http.StatusOK, &v)
		return v
	}
	if v := ask("compute.instance.Create", ""); !v.Allowed {
		t.Errorf("grid manage → Create: %+v, want allow", v)
	}
	if v := ask("compute.instance.Delete", ""); v.Allowed {
		t.Errorf("grid without delete → Delete: %+v, want deny", v)
	}
	a.do("PUT", "/v2/roles/"+role.ID, a.root, `{"name":"vm-operator","description":"","role_type":"","max_session_duration":0,
		"grid":{"compute_instances":["view","manage","delete"]}}`, http.StatusOK, nil)
	if v := ask("compute.instance.Delete", ""); !v.Allowed {
		t.Errorf("after adding delete to the grid → Delete: %+v, want allow", v)
	}

	var created struct {
		Project struct{ ID string } `json:"project"`
	}
	a.do("POST", "/v2/projects", a.root, `{"name":"Production"}`, http.StatusCreated, &created)
	project := created.Project
	a.do("PUT", "/v2/projects/"+project.ID+"/overrides/"+dev, a.root, `{"grid":{"compute_instances":["view"]}}`, http.StatusOK, nil)
	if v := ask("compute.instance.Delete", project.ID); v.Allowed || v.Explanation.Layer != "override" {
		t.Errorf("Delete in the overridden project: %+v, want a deny by the override layer", v)
	}
	if v := ask("compute.instance.Read", project.ID); !v.Allowed || v.Explanation.Layer != "override" {
		t.Errorf("Read in the overridden project: %+v, want allow by the override layer", v)
	}
	a.do("DELETE", "/v2/projects/"+project.ID+"/overrides/"+dev, a.root, "", http.StatusNoContent, nil)
	if v := ask("compute.instance.Delete", project.ID); !v.Allowed {
		t.Errorf("Delete after removing the override: %+v, want allow again", v)
	}
}

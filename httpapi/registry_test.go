package httpapi_test

import (
	"net/http"
	"testing"
)

// TestRegistryRefusesKeywardIDs: the resource registry is the provider's.
// Registering the organization's id or a user's put keyward's own objects
// in a project, where the project's bindings then decided keyward's own
// checks about them.
func TestRegistryRefusesKeywardIDs(t *testing.T) {
	a := newAPI(t)
	var p struct{ Project struct{ ID string } }
	a.do("POST", "/v2/projects", a.root, `{"name":"P2"}`, http.StatusCreated, &p)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	var g struct{ ID string }
	a.do("POST", "/v2/groups", a.root, `{"display_name":"ops","description":""}`, http.StatusCreated, &g)
	pol := a.createPolicy("vm", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.*","Resource":"*"}]}`)
	for name, id := range map[string]string{
		"organization": a.orgID, "user": bob, "group": g.ID, "policy": pol, "project": p.Project.ID,
		"managed policy": managedID(t, a, "AdministratorAccess"),
	} {
		var e apiError
		a.do("POST", "/v2/resources", a.root, `{"id":"`+id+`","type":"compute.instance","project_id":"`+p.Project.ID+`"}`, http.StatusConflict, &e)
		if e.Field != "id" {
			t.Errorf("%s: field %q, want id", name, e.Field)
		}
	}
	a.do("POST", "/v2/resources", a.root, `{"id":"0193a000-0000-7000-8000-00000000f00d","type":"compute.instance","project_id":"`+p.Project.ID+`"}`, http.StatusCreated, nil)
}

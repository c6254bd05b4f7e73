package httpapi_test

import (
	"net/http"
	"testing"
)

// TestProjectGrantsReachProjectEndpoints: keyward's own project endpoints
// are decided in their project, as POST /v2/authorize decides the
// project's resources: a project admin configures its project and its
// roles (seed 004), a project viewer reads the project by its own
// endpoint, and an override on a project limits its endpoints too.
func TestProjectGrantsReachProjectEndpoints(t *testing.T) {
	a := newAPI(t)
	prod, dev := a.project("Production"), a.project("Development")
	padmin, padminKey := a.createUser(`{"email":"pa@example.com","name":"PA","api_enabled":true}`)
	viewer, viewerKey := a.createUser(`{"email":"pv@example.com","name":"PV","api_enabled":true}`)
	admin, adminKey := a.createUser(`{"email":"oa@example.com","name":"OA","api_enabled":true}`)
	other, _ := a.createUser(`{"email":"o@example.com","name":"O"}`)
	assign := func(scope, user, role string) {
		a.do("PUT", scope+"/role-assignments", a.root,
			`{"role_assignments":[{"identity_id":"`+user+`","identity_type":"user","role_name":"`+role+`"}]}`, http.StatusOK, nil)
	}
	assign("/v2/projects/"+prod, padmin, "admin")
	assign("/v2/projects/"+dev, viewer, "viewer")
	assign("/v2/organizations/"+a.orgID, admin, "Admin")

	// The project admin configures its project and who holds what in it.
	a.do("PUT", "/v2/projects/"+prod, padminKey, `{"name":"Prod"}`, http.StatusOK, nil)
	a.do("PUT", "/v2/projects/"+prod+"/role-assignments", padminKey,
		`{"role_assignments":[{"identity_id":"`+padmin+`","identity_type":"user","role_name":"admin"},{"identity_id":"`+other+`","identity_type":"user","role_name":"viewer"}]}`, http.StatusOK, nil)
	// Not another project, nor the organization's.
	a.do("PUT", "/v2/projects/"+dev, padminKey, `{"name":"Mine"}`, http.StatusForbidden, nil)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/role-assignments", padminKey,
		`{"role_assignments":[{"identity_id":"`+padmin+`","identity_type":"user","role_name":"Admin"}]}`, http.StatusForbidden, nil)

	// A project viewer reads its project by its endpoint, and no other.
	a.do("GET", "/v2/projects/"+dev, viewerKey, "", http.StatusOK, nil)
	a.do("GET", "/v2/projects/"+prod, viewerKey, "", http.StatusForbidden, nil)
	a.do("PUT", "/v2/projects/"+dev, viewerKey, `{"name":"Mine"}`, http.StatusForbidden, nil)

	// An organization Admin with a Viewer override on Production reads it
	// but no longer renames it; elsewhere it still may.
	a.do("PUT", "/v2/projects/"+prod+"/overrides/"+admin, a.root, `{"grid":{"projects":["view"]}}`, http.StatusOK, nil)
	a.do("GET", "/v2/projects/"+prod, adminKey, "", http.StatusOK, nil)
	var e apiError
	a.do("PUT", "/v2/projects/"+prod, adminKey, `{"name":"Renamed"}`, http.StatusForbidden, &e)
	a.do("PUT", "/v2/projects/"+dev, adminKey, `{"name":"Dev"}`, http.StatusOK, nil)
}

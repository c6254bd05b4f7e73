package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestNarrowedKeys checks that a key's inline policy narrows its owner's
// permissions on keyward's API and in the authorize API, the root owner's
// included, and that a key acts with its owner's current roles: a role
// change reaches an existing key on its next call.
func TestNarrowedKeys(t *testing.T) {
	a := newAPI(t)
	const readOnly = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["*.*.List","*.*.Read"],"Resource":"*"}]}`
	me := a.rootID()

	// The root owner's narrowed key reads but cannot write.
	rootRead := a.mintKeyAs(a.root, me, `{"name":"read only","policy":`+readOnly+`}`, http.StatusCreated)
	a.do("GET", "/v2/users", rootRead, "", http.StatusOK, nil)
	var e apiError
	a.do("POST", "/v2/users", rootRead, `{"email":"x@example.com","name":"X"}`, http.StatusForbidden, &e)
	if want := `"layer":"token"`; !strings.Contains(string(e.Explain), want) {
		t.Errorf("narrowed root key writing: explanation %s, want %s", e.Explain, want)
	}
	var v verdict
	a.do("POST", "/v2/authorize", rootRead, `{"action":"compute.instance.Create"}`, http.StatusOK, &v)
	if v.Allowed || v.Explanation.Layer != "token" {
		t.Errorf("narrowed root key asking about itself: %+v, want a deny by the token layer", v)
	}
	a.do("POST", "/v2/authorize", rootRead, `{"action":"compute.instance.List"}`, http.StatusOK, &v)
	if !v.Allowed {
		t.Errorf("narrowed root key listing: %+v, want allow", v)
	}

	// A Viewer's key only reads; the same key follows a role change at once.
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	assign := func(role string) {
		a.do("PUT", "/v2/organizations/"+a.orgID+"/role-assignments", a.root,
			fmt.Sprintf(`{"role_assignments":[{"identity_id":%q,"identity_type":"user","role_name":%q}]}`, bob, role), http.StatusOK, nil)
	}
	assign("Viewer")
	a.do("POST", "/v2/authorize", bobKey, `{"action":"compute.instance.Read"}`, http.StatusOK, &v)
	if !v.Allowed {
		t.Errorf("Viewer reading: %+v, want allow", v)
	}
	a.do("POST", "/v2/authorize", bobKey, `{"action":"compute.instance.Create"}`, http.StatusOK, &v)
	if v.Allowed {
		t.Errorf("Viewer creating: %+v, want deny", v)
	}
	assign("Operator")
	a.do("POST", "/v2/authorize", bobKey, `{"action":"compute.instance.Create"}`, http.StatusOK, &v)
	if !v.Allowed {
		t.Errorf("after the change to Operator, the existing key creating: %+v, want allow", v)
	}
	// A narrowed key of an Operator is never broader than the key says.
	bobRead := a.mintKeyAs(a.root, bob, `{"policy":`+readOnly+`}`, http.StatusCreated)
	a.do("POST", "/v2/authorize", bobRead, `{"action":"compute.instance.Create"}`, http.StatusOK, &v)
	if v.Allowed || v.Explanation.Layer != "token" {
		t.Errorf("Operator's read-only key creating: %+v, want a deny by the token layer", v)
	}
}

// TestNarrowedKeyExplicitDeny: a Deny in a key's inline policy is an
// explicit deny, as docs/policy.md says, even where its owner's policies
// say nothing; sessions combine their layers the same way.
func TestNarrowedKeyExplicitDeny(t *testing.T) {
	a := newAPI(t)
	bob, _ := a.member("bob@example.com", "compute.instance.Read")
	key := a.mintKeyAs(a.root, bob, `{"policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"*"}]}}`, http.StatusCreated)
	for _, tc := range []struct{ action, decision, layer string }{
		{"compute.instance.Delete", "explicit_deny", "token"},
		{"compute.instance.Create", "implicit_deny", "policy"},
		{"compute.instance.Read", "allow", "policy"}, // the layer whose grant the key lets stand
	} {
		var v verdict
		a.do("POST", "/v2/authorize", key, `{"action":"`+tc.action+`"}`, http.StatusOK, &v)
		if v.Explanation.Decision != tc.decision || v.Explanation.Layer != tc.layer {
			t.Errorf("%s: %s by %s, want %s by %s", tc.action, v.Explanation.Decision, v.Explanation.Layer, tc.decision, tc.layer)
		}
		a.do("POST", "/v2/authorize", key, `{"action":"`+tc.action+`","explain":false}`, http.StatusOK, &v)
		if v.Allowed != (tc.decision == "allow") {
			t.Errorf("%s, brief: allowed %v", tc.action, v.Allowed)
		}
	}
}

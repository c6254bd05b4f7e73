package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type tagsOut struct {
	Tags []struct{ Key, Value string } `json:"tags"`
}

func (t tagsOut) String() string {
	var parts []string
	for _, tag := range t.Tags {
		parts = append(parts, tag.Key+"="+tag.Value)
	}
	return strings.Join(parts, " ")
}

// TestUserTags tags and untags a member as AWS's TagUser and UntagUser do,
// and a policy conditioned on the tag follows at once.
func TestUserTags(t *testing.T) {
	a := newAPI(t)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	a.attach(a.createPolicy("payments", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*",
		"Condition":{"StringEquals":{"keyward:PrincipalTag/team":"payments"}}}]}`), bob)
	allowed := func() bool {
		t.Helper()
		var v struct{ Allowed bool }
		a.do("POST", "/v2/authorize", a.root, `{"principal_id":"`+bob+`","action":"compute.instance.Read"}`, http.StatusOK, &v)
		return v.Allowed
	}
	tags := "/v2/users/" + bob + "/tags"
	steps := []struct {
		method, query, body string
		want                string // the tags after, key=value, sorted by key ignoring case
		allowed             bool
	}{
		{"GET", "", "", "", false},
		{"POST", "", `{"tags":[{"key":"team","value":"payments"},{"key":"env","value":""}]}`, "env= team=payments", true},
		{"POST", "", `{"tags":[{"key":"Cost Center","value":"42"}]}`, "Cost Center=42 env= team=payments", true},
		// A key it has, in any case, takes the new value and spelling.
		{"POST", "", `{"tags":[{"key":"TEAM","value":"payments"}]}`, "Cost Center=42 env= TEAM=payments", true}, // a condition names keys ignoring case
		{"POST", "", `{"tags":[{"key":"team","value":"search"}]}`, "Cost Center=42 env= team=search", false},
		{"POST", "", `{"tags":[{"key":"team","value":"payments"}]}`, "Cost Center=42 env= team=payments", true},
		{"GET", "", "", "Cost Center=42 env= team=payments", true},
		// Untagging ignores case, and keys it does not have.
		{"DELETE", "?key=ENV&key=absent", "", "Cost Center=42 team=payments", true},
		{"DELETE", "?key=team", "", "Cost Center=42", false},
	}
	for i, st := range steps {
		var got tagsOut
		a.do(st.method, tags+st.query, a.root, st.body, http.StatusOK, &got)
		if got.String() != st.want {
			t.Errorf("step %d: %s %s %s: tags %q, want %q", i, st.method, st.query, st.body, got, st.want)
		}
		if got := allowed(); got != st.allowed {
			t.Errorf("step %d: %s %s %s: bob allowed %v, want %v", i, st.method, st.query, st.body, got, st.allowed)
		}
	}

	var events struct {
		Events []struct {
			Action        string
			TargetID      string `json:"target_id"`
			Before, After json.RawMessage
		} `json:"audit_events"`
	}
	a.do("GET", "/v2/audit-events?action=iam.user.Untag", a.root, "", http.StatusOK, &events)
	if len(events.Events) != 2 || events.Events[0].TargetID != bob {
		t.Fatalf("iam.user.Untag events: %+v, want 2 about bob", events.Events)
	}
	if got, want := string(events.Events[0].After), `[{"key":"Cost Center","value":"42"}]`; got != want {
		t.Errorf("the last untag's event: after %s, want %s", got, want)
	}
}

// TestUserTagsRefused: tags outside AWS's rules are a 400 naming the
// field; the root owner's tags are the root owner's; the right to tag
// one member is not the right to tag another.
func TestUserTagsRefused(t *testing.T) {
	a := newAPI(t)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	var many []string
	for i := range 51 {
		many = append(many, fmt.Sprintf(`{"key":"k%d","value":""}`, i))
	}
	tests := []struct {
		name, method, query, body, field string
	}{
		{"no tags", "POST", "", `{"tags":[]}`, "tags"},
		{"a misspelt field", "POST", "", `{"tgas":[{"key":"team","value":"x"}]}`, "tgas"},
		{"an empty key", "POST", "", `{"tags":[{"key":"","value":"x"}]}`, "tags[0].key"},
		{"a star in a key", "POST", "", `{"tags":[{"key":"team","value":"x"},{"key":"a*","value":"x"}]}`, "tags[1].key"},
		{"a reserved prefix", "POST", "", `{"tags":[{"key":"Keyward:team","value":"x"}]}`, "tags[0].key"},
		{"AWS's prefix", "POST", "", `{"tags":[{"key":"aws:team","value":"x"}]}`, "tags[0].key"},
		{"a key twice", "POST", "", `{"tags":[{"key":"team","value":"x"},{"key":"Team","value":"y"}]}`, "tags[1].key"},
		{"a long value", "POST", "", `{"tags":[{"key":"team","value":"` + strings.Repeat("v", 257) + `"}]}`, "tags[0].value"},
		{"a comma in a value", "POST", "", `{"tags":[{"key":"team","value":"a,b"}]}`, "tags[0].value"},
		{"51 tags", "POST", "", `{"tags":[` + strings.Join(many, ",") + `]}`, "tags"},
		{"no key to remove", "DELETE", "", "", "key"},
		{"a bad key to remove", "DELETE", "?key=a*", "", "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			a.in(t).do(tt.method, "/v2/users/"+bob+"/tags"+tt.query, a.root, tt.body, http.StatusBadRequest, &e)
			if e.Field != tt.field {
				t.Errorf("field %q (%s), want %q", e.Field, e.Error, tt.field)
			}
		})
	}
	var got tagsOut
	a.do("GET", "/v2/users/"+bob+"/tags", a.root, "", http.StatusOK, &got)
	if len(got.Tags) != 0 {
		t.Errorf("after refusals bob has tags %q", got)
	}

	// 50 tags fit, and then no more.
	a.do("POST", "/v2/users/"+bob+"/tags", a.root, `{"tags":[`+strings.Join(many[:50], ",")+`]}`, http.StatusOK, nil)
	var e apiError
	a.do("POST", "/v2/users/"+bob+"/tags", a.root, `{"tags":[{"key":"one-more","value":""}]}`, http.StatusBadRequest, &e)
	if e.Field != "tags" {
		t.Errorf("the 51st tag: field %q, want tags", e.Field)
	}

	root := a.rootID()
	ada, adaKey := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.attach(managedID(t, a, "AdministratorAccess"), ada)
	a.do("POST", "/v2/users/"+root+"/tags", adaKey, `{"tags":[{"key":"team","value":"x"}]}`, http.StatusForbidden, nil)
	a.do("DELETE", "/v2/users/"+root+"/tags?key=team", adaKey, "", http.StatusForbidden, nil)
	a.do("POST", "/v2/users/"+root+"/tags", a.root, `{"tags":[{"key":"team","value":"x"}]}`, http.StatusOK, nil)
	a.do("POST", "/v2/users/"+ada+"/tags", adaKey, `{"tags":[{"key":"team","value":"x"}]}`, http.StatusOK, nil)

	carol, carolKey := a.createUser(`{"email":"carol@example.com","name":"Carol","api_enabled":true}`)
	a.attach(a.createPolicy("tag-bob", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.user.Tag","iam.user.ListTags"],"Resource":"`+bob+`"}]}`), carol)
	a.do("POST", "/v2/users/"+bob+"/tags", carolKey, `{"tags":[{"key":"k0","value":"x"}]}`, http.StatusOK, nil)
	a.do("GET", "/v2/users/"+bob+"/tags", carolKey, "", http.StatusOK, nil)
	a.do("POST", "/v2/users/"+carol+"/tags", carolKey, `{"tags":[{"key":"team","value":"x"}]}`, http.StatusForbidden, nil)
	a.do("GET", "/v2/users/"+carol+"/tags", carolKey, "", http.StatusForbidden, nil)
}

// TestRoleSessionCarriesPrincipalTags: a role session decides as its role,
// with the tags of the member who assumed it as its principal tags (the
// assume API takes no session tags, so keyward:SessionTag is missing),
// read when it decides: a tag changed after the assumption counts.
func TestRoleSessionCarriesPrincipalTags(t *testing.T) {
	a := newAPI(t)
	sam, samKey := a.createUser(`{"email":"sam@example.com","name":"Sam","api_enabled":true}`)
	role := a.assumableRole("groups", 900, `{"Version":"2026-03-20","Statement":[
		{"Effect":"Allow","Action":"iam.group.List","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/team":"ops"}}},
		{"Effect":"Allow","Action":"iam.role.List","Resource":"*","Condition":{"StringLike":{"keyward:SessionTag/team":"*"}}}]}`)
	a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + sam + `"}`)
	var s sessionOut
	a.do("POST", "/v2/assumed-roles/assume", samKey, `{"role_id":"`+role+`","session_name":"s","duration":900}`, http.StatusCreated, &s)

	a.do("GET", "/v2/groups", s.SessionToken, "", http.StatusForbidden, nil)
	a.do("POST", "/v2/users/"+sam+"/tags", a.root, `{"tags":[{"key":"team","value":"ops"}]}`, http.StatusOK, nil)
	a.do("GET", "/v2/groups", s.SessionToken, "", http.StatusOK, nil)
	a.do("GET", "/v2/roles", s.SessionToken, "", http.StatusForbidden, nil)
	a.do("DELETE", "/v2/users/"+sam+"/tags?key=team", a.root, "", http.StatusOK, nil)
	a.do("GET", "/v2/groups", s.SessionToken, "", http.StatusForbidden, nil)
}

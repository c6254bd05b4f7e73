package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// scimToken creates a SCIM token of token's organization and returns the
// bearer token.
func (a *api) scimToken(token string) (id, bearer string) {
	a.t.Helper()
	var out struct {
		SCIMToken struct{ ID, Token string } `json:"scim_token"`
	}
	a.do("POST", "/v2/scim-tokens", token, `{"name":"okta"}`, http.StatusCreated, &out)
	if !strings.HasPrefix(out.SCIMToken.Token, "kwscim_") {
		a.t.Fatalf("SCIM token %q, want kwscim_…", out.SCIMToken.Token)
	}
	return out.SCIMToken.ID, out.SCIMToken.Token
}

// scimError is SCIM's error body (RFC 7644 §3.12).
type scimError struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType"`
	Detail   string   `json:"detail"`
}

// scim sends a SCIM request as an identity provider does and checks its
// status; it decodes the body into out when out is not nil. Every answer
// with a body is application/scim+json, and every 4xx SCIM's error shape.
func (a *api) scim(method, path, token, body string, want int, out any) {
	a.t.Helper()
	res, b := a.doWith(method, path, token, body, map[string]string{"Content-Type": "application/scim+json"}, want)
	if len(b) > 0 && res.Header.Get("Content-Type") != "application/scim+json" {
		a.t.Errorf("%s %s: Content-Type %q, want application/scim+json", method, path, res.Header.Get("Content-Type"))
	}
	if want >= 400 {
		var e scimError
		if err := json.Unmarshal(b, &e); err != nil || !slices.Contains(e.Schemas, "urn:ietf:params:scim:api:messages:2.0:Error") || e.Status != strconv.Itoa(want) {
			a.t.Errorf("%s %s: error body %s, want SCIM's error shape with status %d", method, path, b, want)
		}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// scimUser is a SCIM User as keyward answers it.
type scimUser struct {
	ID          string `json:"id"`
	UserName    string `json:"userName"`
	ExternalID  string `json:"externalId"`
	DisplayName string `json:"displayName"`
	Active      bool   `json:"active"`
}

// scimList is a SCIM ListResponse.
type scimList struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	Resources    []struct {
		ID          string `json:"id"`
		UserName    string `json:"userName"`
		DisplayName string `json:"displayName"`
	} `json:"Resources"`
}

func filterQuery(f string) string { return "?filter=" + url.QueryEscape(f) }

const (
	scimUserSchema  = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`
	scimGroupSchema = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]`
	scimPatchSchema = `"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`
)

// TestSCIMOktaSequence drives the organization's SCIM endpoint as Okta
// does: look the user up, create it, create a group, add the user to it,
// and deactivate the user. The user's access through a role bound to the
// group works, as do its API key and the login session of its sign-in
// through the IdP (the same user: SCIM and sign-in meet on the email);
// after active=false, the next call with either is refused.
func TestSCIMOktaSequence(t *testing.T) {
	s := newSSOAPI(t)
	_, tok := s.scimToken(s.root)
	base := "/scim/v2/" + s.orgID

	var found scimList
	s.scim("GET", base+"/Users"+filterQuery(`userName eq "ada@example.com"`), tok, "", http.StatusOK, &found)
	if found.TotalResults != 0 {
		t.Fatalf("before provisioning: %+v, want no user", found)
	}
	var ada scimUser
	s.scim("POST", base+"/Users", tok, `{`+scimUserSchema+`,"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},
		"emails":[{"primary":true,"value":"ada@example.com","type":"work"}],"displayName":"Ada Lovelace","active":true,"externalId":"00u1ada"}`, http.StatusCreated, &ada)
	if want := (scimUser{ID: ada.ID, UserName: "ada@example.com", ExternalID: "00u1ada", DisplayName: "Ada Lovelace", Active: true}); ada != want {
		t.Errorf("created user = %+v, want %+v", ada, want)
	}
	var eng struct{ ID string }
	s.scim("POST", base+"/Groups", tok, `{`+scimGroupSchema+`,"displayName":"engineers","members":[]}`, http.StatusCreated, &eng)
	var patched struct {
		Members []struct{ Value string } `json:"members"`
	}
	s.scim("PATCH", base+"/Groups/"+eng.ID, tok, `{`+scimPatchSchema+`,"Operations":[{"op":"add","path":"members","value":[{"value":"`+ada.ID+`","display":"ada@example.com"}]}]}`, http.StatusOK, &patched)
	if len(patched.Members) != 1 || patched.Members[0].Value != ada.ID {
		t.Errorf("group after adding ada: members %+v, want ada", patched.Members)
	}

	// Seed 004's pattern: a role bound to the provisioned group gives its
	// members access.
	proj := s.project("prod")
	s.do("PUT", "/v2/projects/"+proj+"/role-assignments", s.root,
		`{"role_assignments":[{"identity_id":"`+eng.ID+`","identity_type":"silo_group","role_name":"viewer"}]}`, http.StatusOK, nil)
	check := `{"principal_id":"` + ada.ID + `","action":"compute.instance.Read","resource":{"id":"` + proj + `","project_id":"` + proj + `"},"explain":false}`
	var decision struct{ Decision string }
	s.do("POST", "/v2/authorize", s.root, check, http.StatusOK, &decision)
	if decision.Decision != "allow" {
		t.Errorf("ada in engineers, viewer of prod: %s, want allow", decision.Decision)
	}

	// The person signs in through the IdP as the provisioned user, and
	// holds an API key.
	session := s.signIn(s.orgID, "ada")
	if session.User.ID != ada.ID {
		t.Fatalf("sign-in of ada@example.com = user %s, want the SCIM user %s", session.User.ID, ada.ID)
	}
	s.do("PATCH", "/v2/users/"+ada.ID, s.root, `{"api_enabled":true}`, http.StatusNoContent, nil)
	var key struct {
		APIKey struct{ Key string } `json:"api_key"`
	}
	s.do("POST", "/v2/users/"+ada.ID+"/api-keys", s.root, `{}`, http.StatusCreated, &key)
	for _, cred := range []string{key.APIKey.Key, session.Session.Token} {
		s.do("GET", "/v2/users/me", cred, "", http.StatusOK, nil)
	}

	var off scimUser
	s.scim("PATCH", base+"/Users/"+ada.ID, tok, `{`+scimPatchSchema+`,"Operations":[{"op":"replace","value":{"active":false}}]}`, http.StatusOK, &off)
	if off.Active {
		t.Errorf("after active=false: %+v, want inactive", off)
	}
	for name, cred := range map[string]string{"API key": key.APIKey.Key, "login session": session.Session.Token} {
		res := s.raw("GET", "/v2/users/me", cred, "")
		if res != http.StatusUnauthorized && res != http.StatusForbidden {
			t.Errorf("%s of the deactivated user: %d, want 401 or 403", name, res)
		}
	}
	s.do("POST", "/v2/authorize", s.root, check, http.StatusOK, &decision)
	if decision.Decision != "deny" {
		t.Errorf("deactivated ada: %s, want deny", decision.Decision)
	}
	b := keywardtest.Browser(t)
	if _, body := s.callback(b, s.authorize(b, s.orgID, "ada", "").String(), http.StatusForbidden); !strings.Contains(body, "suspended") {
		t.Errorf("sign-in of the deactivated user: %s, want a refusal naming the suspension", body)
	}

	var bySCIM []string
	for _, e := range s.auditEvents(s.root) {
		if e.ActorType == "scim" {
			bySCIM = append(bySCIM, e.Action)
			if len(e.ActorChain) != 1 || !strings.HasPrefix(e.ActorChain[0], "scim_token:") {
				t.Errorf("%s by SCIM: actor chain %v, want the SCIM token", e.Action, e.ActorChain)
			}
		}
	}
	slices.Sort(bySCIM)
	if want := []string{"iam.group.AddMember", "iam.group.Create", "iam.organization.SuspendUser", "iam.user.Create"}; !slices.Equal(bySCIM, want) {
		t.Errorf("audit events by SCIM = %v, want %v", bySCIM, want)
	}
}

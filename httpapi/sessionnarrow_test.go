package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// allowDoc is a policy document allowing actions on every resource.
func allowDoc(actions ...string) string {
	return `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
}

// mintKey mints a key for user with body as the root owner and returns
// its id and token.
func (a *api) mintKey(user, body string) (id, token string) {
	a.t.Helper()
	var k struct {
		APIKey struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		} `json:"api_key"`
	}
	a.do("POST", "/v2/users/"+user+"/api-keys", a.root, body, http.StatusCreated, &k)
	return k.APIKey.ID, k.APIKey.Key
}

// carriedView is the part of a session's view that shows its narrowing.
type carriedView struct {
	ID      string `json:"id"`
	Carried []struct {
		Source string `json:"source"`
	} `json:"carried_narrowing"`
}

func (v carriedView) sources() []string {
	out := []string{}
	for _, c := range v.Carried {
		out = append(out, c.Source)
	}
	return out
}

// TestSessionKeepsKeyNarrowing assumes a role that may do everything with
// a key narrowed to iam.user.Read, through the JSON API and through STS
// AssumeRole: the session reads a user, as the key may, and may not list
// users, as the key may not.
func TestSessionKeepsKeyNarrowing(t *testing.T) {
	f := newFederation(t)
	me := f.rootID()
	admin := f.assumableRole("superuser", 3600, allowDoc("*"))
	f.createTrust(`{"role_id":"` + admin + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + me + `"}`)
	keyID, key := f.mintKey(me, `{"name":"reader","policy":`+allowDoc("iam.user.Read")+`}`)
	f.do("GET", "/v2/users", key, "", http.StatusForbidden, nil)

	var viaJSON carriedView
	var s sessionOut
	f.do("POST", "/v2/assumed-roles/assume", key, `{"role_id":"`+admin+`","session_name":"json"}`, http.StatusCreated, &s)
	f.do("GET", "/v2/assumed-roles/"+s.SessionToken, f.root, "", http.StatusOK, &viaJSON)
	signed := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "keyward", SecretAccessKey: "unused"}, nil
	})
	out, err := f.stsClient(signed, bearerClient{key}).AssumeRole(context.Background(),
		&sts.AssumeRoleInput{RoleArn: f.roleArn(admin), RoleSessionName: aws.String("sts")})
	if err != nil {
		t.Fatalf("STS AssumeRole: %v", err)
	}
	for _, tc := range []struct {
		name, token string
	}{
		{"assume", s.SessionToken},
		{"STS AssumeRole", aws.ToString(out.Credentials.SessionToken)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := f.in(t)
			f.do("GET", "/v2/users/"+me, tc.token, "", http.StatusOK, nil)
			var e apiError
			f.do("GET", "/v2/users", tc.token, "", http.StatusForbidden, &e)
			if want := "api_key:" + keyID; !strings.Contains(string(e.Explain), want) {
				t.Errorf("denial %s, want it to name the carried layer %s", e.Explain, want)
			}
		})
	}
	if got, want := viaJSON.sources(), []string{"api_key:" + keyID}; !slices.Equal(got, want) {
		t.Errorf("carried_narrowing of the session = %v, want %v", got, want)
	}
}

// TestChainedSessionKeepsNarrowing chains three sessions from a narrowed
// key, each of roles that may do everything: every session is narrowed
// by the key and by the session policy of every session before it.
func TestChainedSessionKeepsNarrowing(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	keyID, key := f.mintKey(f.alice, `{"policy":`+allowDoc("iam.group.List", "iam.role.List", "iam.auditevent.List")+`}`)
	roles := make([]string, 3)
	for i, name := range []string{"first", "second", "third"} {
		roles[i] = f.assumableRole(name, 3600, allowDoc("*"))
		f.do("PUT", "/v2/roles/"+roles[i], f.root, `{"name":"`+name+`","description":"","role_type":"","max_session_duration":0,"allow_chaining":true}`, http.StatusOK, nil)
		f.createTrust(`{"role_id":"` + roles[i] + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + f.alice + `"}`)
	}
	assume := func(token, role, policy string) sessionOut {
		body := `{"role_id":"` + role + `","session_name":"chain"`
		if policy != "" {
			body += `,"session_policy":` + policy
		}
		return f.assume(token, body+`}`, http.StatusCreated)
	}
	s1 := assume(key, roles[0], allowDoc("iam.group.List", "iam.role.List", "iam.user.List"))
	s2 := assume(s1.SessionToken, roles[1], allowDoc("iam.group.List", "iam.user.List", "iam.auditevent.List"))
	s3 := assume(s2.SessionToken, roles[2], "")

	for _, tc := range []struct {
		session         sessionOut
		path            string
		want            int
		wantSources     []string
		wantDeniedNamed string
	}{
		{s1, "/v2/groups", http.StatusOK, []string{"api_key:" + keyID}, ""},
		{s1, "/v2/roles", http.StatusOK, nil, ""},
		{s1, "/v2/users", http.StatusForbidden, nil, "api_key:" + keyID},
		{s1, "/v2/audit-events", http.StatusForbidden, nil, "session_policy"},
		{s2, "/v2/groups", http.StatusOK, []string{"api_key:" + keyID, "session:" + s1.ID}, ""},
		{s2, "/v2/roles", http.StatusForbidden, nil, "session_policy"},
		{s2, "/v2/users", http.StatusForbidden, nil, "api_key:" + keyID},
		{s2, "/v2/audit-events", http.StatusForbidden, nil, "session:" + s1.ID},
		{s3, "/v2/groups", http.StatusOK, []string{"api_key:" + keyID, "session:" + s1.ID, "session:" + s2.ID}, ""},
		{s3, "/v2/roles", http.StatusForbidden, nil, "session:" + s2.ID},
		{s3, "/v2/users", http.StatusForbidden, nil, "api_key:" + keyID},
		{s3, "/v2/audit-events", http.StatusForbidden, nil, "session:" + s1.ID},
	} {
		var e apiError
		f.do("GET", tc.path, tc.session.SessionToken, "", tc.want, &e)
		if tc.wantDeniedNamed != "" && !strings.Contains(string(e.Explain), tc.wantDeniedNamed) {
			t.Errorf("session %s, GET %s: denial %s, want it to name %s", tc.session.ID, tc.path, e.Explain, tc.wantDeniedNamed)
		}
		if tc.wantSources != nil {
			var v carriedView
			f.do("GET", "/v2/assumed-roles/"+tc.session.SessionToken, f.root, "", http.StatusOK, &v)
			if got := v.sources(); !slices.Equal(got, tc.wantSources) {
				t.Errorf("session %s carries %v, want %v", tc.session.ID, got, tc.wantSources)
			}
		}
	}
}

// TestSessionAuthorizesItselfAsTheSession asks the authorize API about
// the caller through a session: the answer is the session's, narrowed as
// its requests are, not the member's own.
func TestSessionAuthorizesItselfAsTheSession(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	keyID, key := f.mintKey(f.alice, `{"policy":`+allowDoc("iam.group.List", "iam.user.List")+`}`)
	s := f.assume(key, f.body(""), http.StatusCreated)
	for _, tc := range []struct {
		action string
		want   bool
	}{
		{"iam.group.List", true},    // the role and the key allow it
		{"iam.user.List", false},    // alice may, the role may not
		{"iam.role.List", false},    // the role may, the key carried into the session may not
		{"iam.group.Create", false}, // likewise
	} {
		var v verdict
		f.do("POST", "/v2/authorize", s.SessionToken, `{"action":"`+tc.action+`"}`, http.StatusOK, &v)
		if v.Allowed != tc.want {
			t.Errorf("session asking about %s: allowed %v, want %v (%+v)", tc.action, v.Allowed, tc.want, v)
		}
		f.do("POST", "/v2/authorize", s.SessionToken, `{"principal_id":"`+f.alice+`","action":"`+tc.action+`"}`, http.StatusOK, &v)
		if v.Allowed != tc.want {
			t.Errorf("session asking about its member, %s: allowed %v, want %v", tc.action, v.Allowed, tc.want)
		}
	}
	// The explanation names the carried layer that let the grant stand,
	// and the key its document is of.
	var v verdict
	f.do("POST", "/v2/authorize", s.SessionToken, `{"action":"iam.group.List"}`, http.StatusOK, &v)
	found := false
	for _, st := range v.Explanation.Statements {
		found = found || st.Applied && st.Via == "carried:api_key:"+keyID && st.PolicyID == keyID
	}
	if !found || !strings.Contains(v.Explanation.Reason, "every narrowing it carries") {
		t.Errorf("explanation %+v, want a statement through carried:api_key:%s", v.Explanation, keyID)
	}
	f.do("POST", "/v2/authorize", s.SessionToken, `{"action":"iam.role.List"}`, http.StatusOK, &v)
	if want := "api_key:" + keyID; !strings.Contains(v.Explanation.Reason, want) {
		t.Errorf("deny explanation %+v, want its reason to name %s", v.Explanation, want)
	}
}

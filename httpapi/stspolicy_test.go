package httpapi_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// stsAnswer is the part of an STS answer the tests read: the session
// token of a success, the code of an error.
type stsAnswer struct {
	status    int
	token     string
	code, msg string
}

// stsPost sends an STS request with body as its form and query as its
// query string, with bearer as the Bearer token unless it is "".
func (f *federation) stsPost(t *testing.T, bearer string, body, query url.Values) stsAnswer {
	t.Helper()
	u := f.srv.URL + "/v2/assumed-roles/compatibility/aws/sts"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest("POST", u, strings.NewReader(body.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out struct {
		Role  string `xml:"AssumeRoleResult>Credentials>SessionToken"`
		Web   string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SessionToken"`
		Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
	}
	if err := xml.Unmarshal(b, &out); err != nil {
		t.Fatalf("STS answer %d %s: %v", res.StatusCode, b, err)
	}
	return stsAnswer{status: res.StatusCode, token: out.Role + out.Web, code: out.Error.Code, msg: out.Error.Message}
}

// stsPolicyFixture is a federation with a role that may do everything and
// that both the root owner and the federation's tokens may assume, and a
// custom policy that may list groups.
type stsPolicyFixture struct {
	*federation
	superuser, groupLister string
}

func newSTSPolicyFixture(t *testing.T) *stsPolicyFixture {
	f := &stsPolicyFixture{federation: newFederation(t)}
	me := f.rootID()
	f.superuser = f.assumableRole("superuser", 3600, allowDoc("*"))
	f.createTrust(`{"role_id":"` + f.superuser + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + me + `"}`)
	f.createTrust(`{"role_id":"` + f.superuser + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + f.issuer +
		`","claim_conditions":{"sub":"repo:acme/api:ref:refs/heads/*","repository_owner":"acme"}}`)
	f.groupLister = f.createPolicy("group-lister", allowDoc("iam.group.List"))
	return f
}

// assume sends an STS request of action for the superuser role:
// AssumeRole with the root owner's key, AssumeRoleWithWebIdentity with a
// token of the federation's issuer; body's parameters are added to its
// form, query is its query string.
func (f *stsPolicyFixture) assume(t *testing.T, action string, body, query url.Values) stsAnswer {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2011-06-15"}, "RoleArn": {*f.roleArn(f.superuser)}, "RoleSessionName": {"narrow"}}
	bearer := f.root
	if action != "AssumeRole" {
		form.Set("WebIdentityToken", f.token(t, nil))
		bearer = ""
	}
	maps.Copy(form, body)
	return f.stsPost(t, bearer, form, query)
}

// TestSTSSessionPolicyNarrows asks both STS actions for sessions of a role
// that may do everything, narrowed by Policy and PolicyArns given in the
// body or the query string: each session may do what its session policy
// allows and nothing else.
func TestSTSSessionPolicyNarrows(t *testing.T) {
	f := newSTSPolicyFixture(t)
	roleList := allowDoc("iam.role.List")
	custom := "arn:aws:iam::" + f.orgID + ":policy/" + f.groupLister
	for _, tc := range []struct {
		name        string
		body, query url.Values
		allowed     []string
		denied      []string
	}{
		{name: "Policy in the body", body: url.Values{"Policy": {roleList}},
			allowed: []string{"GET /v2/roles"}, denied: []string{"GET /v2/groups", "GET /v2/users"}},
		{name: "Policy in the query string", query: url.Values{"Policy": {roleList}},
			allowed: []string{"GET /v2/roles"}, denied: []string{"GET /v2/groups", "GET /v2/users"}},
		{name: "PolicyArns.member.1 in the body", body: url.Values{"PolicyArns.member.1.arn": {custom}},
			allowed: []string{"GET /v2/groups"}, denied: []string{"GET /v2/roles", "GET /v2/users"}},
		{name: "PolicyArns.member.3 in the query string", query: url.Values{"PolicyArns.member.3.arn": {custom}},
			allowed: []string{"GET /v2/groups"}, denied: []string{"GET /v2/roles", "GET /v2/users"}},
		{name: "PolicyArns.member.3 in the body", body: url.Values{"PolicyArns.member.3.arn": {custom}},
			allowed: []string{"GET /v2/groups"}, denied: []string{"GET /v2/roles", "GET /v2/users"}},
		{name: "a managed policy by name", body: url.Values{"PolicyArns.member.1.arn": {"arn:aws:iam::aws:policy/IAMReadOnly"}},
			allowed: []string{"GET /v2/groups", "GET /v2/users"}, denied: []string{"POST /v2/groups"}},
		{name: "a managed policy by id", body: url.Values{"PolicyArns.member.1.arn": {"arn:aws:iam::" + f.orgID + ":policy/" + managedID(f.t, f.api, "IAMReadOnly")}},
			allowed: []string{"GET /v2/groups", "GET /v2/users"}, denied: []string{"POST /v2/groups"}},
		{name: "Policy and PolicyArns are one layer, their union", body: url.Values{"Policy": {roleList}, "PolicyArns.member.1.arn": {custom}},
			allowed: []string{"GET /v2/roles", "GET /v2/groups"}, denied: []string{"GET /v2/users"}},
		{name: "split between the body and the query string", body: url.Values{"Policy": {roleList}}, query: url.Values{"PolicyArns.member.2.arn": {custom}},
			allowed: []string{"GET /v2/roles", "GET /v2/groups"}, denied: []string{"GET /v2/users"}},
	} {
		for _, action := range []string{"AssumeRole", "AssumeRoleWithWebIdentity"} {
			t.Run(action+"/"+tc.name, func(t *testing.T) {
				got := f.assume(t, action, tc.body, tc.query)
				if got.status != http.StatusOK || !strings.HasPrefix(got.token, "kwr_") {
					t.Fatalf("%s = %d %s %s, want a session", action, got.status, got.code, got.msg)
				}
				a := f.in(t)
				for _, r := range tc.allowed {
					method, path, _ := strings.Cut(r, " ")
					a.do(method, path, got.token, body(method), http.StatusOK, nil)
				}
				for _, r := range tc.denied {
					method, path, _ := strings.Cut(r, " ")
					a.do(method, path, got.token, body(method), http.StatusForbidden, nil)
				}
			})
		}
	}
}

// body is a request body for method in TestSTSSessionPolicyNarrows: a
// group to create for a POST.
func body(method string) string {
	if method == "POST" {
		return `{"display_name":"made-by-session","description":""}`
	}
	return ""
}

// TestSTSSessionPolicyRefusals sends session policy parameters that
// cannot be honoured as asked: each is a 400 naming the parameter, never
// a session broader than the caller asked for.
func TestSTSSessionPolicyRefusals(t *testing.T) {
	f := newSTSPolicyFixture(t)
	custom := "arn:aws:iam::" + f.orgID + ":policy/" + f.groupLister
	other := "0193a000-0000-7000-8000-00000000dead"
	for _, tc := range []struct {
		name        string
		body, query url.Values
		code, says  string
	}{
		{name: "Policy not JSON", body: url.Values{"Policy": {`{"Version":`}}, code: "MalformedPolicyDocument", says: "Policy"},
		{name: "Policy with an unknown action", body: url.Values{"Policy": {allowDoc("iam.user.Lisst")}}, code: "MalformedPolicyDocument", says: "Policy.Statement"},
		{name: "Policy an AWS document", query: url.Values{"Policy": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}},
			code: "MalformedPolicyDocument", says: "Policy"},
		{name: "Policy empty", body: url.Values{"Policy": {""}}, code: "ValidationError", says: "Policy"},
		{name: "Policy twice", body: url.Values{"Policy": {allowDoc("iam.role.List")}}, query: url.Values{"Policy": {allowDoc("*")}},
			code: "ValidationError", says: "more than once"},
		{name: "an ARN twice", body: url.Values{"PolicyArns.member.1.arn": {custom}}, query: url.Values{"PolicyArns.member.1.arn": {custom}},
			code: "ValidationError", says: "more than once"},
		{name: "an unknown policy", body: url.Values{"PolicyArns.member.1.arn": {"arn:aws:iam::" + f.orgID + ":policy/" + other}},
			code: "ValidationError", says: "PolicyArns.member.1.arn"},
		{name: "another organization's policy", query: url.Values{"PolicyArns.member.2.arn": {"arn:aws:iam::" + other + ":policy/" + f.groupLister}},
			code: "ValidationError", says: "PolicyArns.member.2.arn"},
		{name: "an unknown managed policy", body: url.Values{"PolicyArns.member.1.arn": {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
			code: "ValidationError", says: "AmazonS3ReadOnlyAccess"},
		{name: "not a policy ARN", body: url.Values{"PolicyArns.member.1.arn": {*f.roleArn(f.superuser)}}, code: "ValidationError", says: "PolicyArns.member.1.arn"},
		{name: "an empty ARN", body: url.Values{"PolicyArns.member.1.arn": {""}}, code: "ValidationError", says: "PolicyArns.member.1.arn"},
		{name: "member 0", body: url.Values{"PolicyArns.member.0.arn": {custom}}, code: "ValidationError", says: "PolicyArns.member.0.arn"},
		{name: "member without arn", body: url.Values{"PolicyArns.member.1": {custom}}, code: "ValidationError", says: "PolicyArns.member.1"},
		{name: "arn spelled Arn", query: url.Values{"PolicyArns.member.1.Arn": {custom}}, code: "ValidationError", says: "PolicyArns.member.1.Arn"},
		{name: "lower case policy", query: url.Values{"policy": {allowDoc("iam.role.List")}}, code: "ValidationError", says: "policy"},
		{name: "an unknown Policy key", body: url.Values{"PolicyDocument": {allowDoc("iam.role.List")}}, code: "ValidationError", says: "PolicyDocument"},
		{name: "eleven ARNs", body: elevenArns(custom), code: "ValidationError", says: "10"},
	} {
		for _, action := range []string{"AssumeRole", "AssumeRoleWithWebIdentity"} {
			t.Run(action+"/"+tc.name, func(t *testing.T) {
				got := f.assume(t, action, tc.body, tc.query)
				if got.status != http.StatusBadRequest || got.code != tc.code || !strings.Contains(got.msg, tc.says) || got.token != "" {
					t.Errorf("%s = %d %s %q, want 400 %s saying %q", action, got.status, got.code, got.msg, tc.code, tc.says)
				}
			})
		}
	}
}

func elevenArns(arn string) url.Values {
	v := url.Values{}
	for i := 1; i <= 11; i++ {
		v.Set("PolicyArns.member."+strconv.Itoa(i)+".arn", arn)
	}
	return v
}

// TestSTSSessionPolicyFromTheSDK narrows sessions through the AWS SDK's
// own Policy and PolicyArns, as an AWS user would.
func TestSTSSessionPolicyFromTheSDK(t *testing.T) {
	f := newSTSPolicyFixture(t)
	ctx := context.Background()
	signed := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "keyward", SecretAccessKey: "unused"}, nil
	})
	arns := []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::" + f.orgID + ":policy/" + f.groupLister)}}
	role, err := f.stsClient(signed, bearerClient{f.root}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: f.roleArn(f.superuser), RoleSessionName: aws.String("sdk"), Policy: aws.String(allowDoc("iam.role.List")), PolicyArns: arns,
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	web, err := f.stsClient(aws.AnonymousCredentials{}, http.DefaultClient).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: f.roleArn(f.superuser), RoleSessionName: aws.String("sdk"), WebIdentityToken: aws.String(f.token(t, nil)),
		Policy: aws.String(allowDoc("iam.role.List")), PolicyArns: arns,
	})
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity: %v", err)
	}
	for _, token := range []string{aws.ToString(role.Credentials.SessionToken), aws.ToString(web.Credentials.SessionToken)} {
		f.do("GET", "/v2/roles", token, "", http.StatusOK, nil)
		f.do("GET", "/v2/groups", token, "", http.StatusOK, nil)
		f.do("GET", "/v2/users", token, "", http.StatusForbidden, nil)
		// The session shows both parts of its session policy.
		var v struct {
			SessionPolicy   json.RawMessage `json:"session_policy"`
			SessionPolicies []struct {
				PolicyID string `json:"policy_id"`
				Name     string `json:"name"`
			} `json:"session_policies"`
		}
		f.do("GET", "/v2/assumed-roles/"+token, f.root, "", http.StatusOK, &v)
		if !strings.Contains(string(v.SessionPolicy), "iam.role.List") || len(v.SessionPolicies) != 1 ||
			v.SessionPolicies[0].PolicyID != f.groupLister || v.SessionPolicies[0].Name != "group-lister" {
			t.Errorf("session view: session_policy %s, session_policies %+v; want the inline document and group-lister", v.SessionPolicy, v.SessionPolicies)
		}
	}
	_, err = f.stsClient(signed, bearerClient{f.root}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: f.roleArn(f.superuser), RoleSessionName: aws.String("sdk"), Policy: aws.String(`{"Version":"2012-10-17"}`),
	})
	var malformed *types.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Errorf("AssumeRole with an AWS policy: %T %v, want the SDK's MalformedPolicyDocumentException", err, err)
	}
}

// TestSTSChainedSessionKeepsSessionPolicies chains, through STS, from a
// session narrowed by PolicyArns into a role that may do everything: the
// new session carries the first one's session policy.
func TestSTSChainedSessionKeepsSessionPolicies(t *testing.T) {
	f := newSTSPolicyFixture(t)
	me := f.rootID()
	chained := f.assumableRole("chained", 3600, allowDoc("*"))
	f.do("PUT", "/v2/roles/"+chained, f.root, `{"name":"chained","description":"","role_type":"","max_session_duration":0,"allow_chaining":true}`, http.StatusOK, nil)
	f.createTrust(`{"role_id":"` + chained + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + me + `"}`)

	parent := f.assume(t, "AssumeRole", url.Values{"PolicyArns.member.1.arn": {"arn:aws:iam::" + f.orgID + ":policy/" + f.groupLister}}, nil)
	if parent.token == "" {
		t.Fatalf("first session: %d %s %s", parent.status, parent.code, parent.msg)
	}
	form := url.Values{"Action": {"AssumeRole"}, "RoleArn": {*f.roleArn(chained)}, "RoleSessionName": {"chained"}}
	child := f.stsPost(t, parent.token, form, nil)
	if child.token == "" {
		t.Fatalf("chained session: %d %s %s", child.status, child.code, child.msg)
	}
	f.do("GET", "/v2/groups", child.token, "", http.StatusOK, nil)
	f.do("GET", "/v2/roles", child.token, "", http.StatusForbidden, nil)
	var v struct {
		Carried []struct {
			Source    string `json:"source"`
			Documents []struct {
				PolicyID string `json:"policy_id"`
			} `json:"documents"`
		} `json:"carried_narrowing"`
	}
	f.do("GET", "/v2/assumed-roles/"+child.token, f.root, "", http.StatusOK, &v)
	if len(v.Carried) != 1 || !strings.HasPrefix(v.Carried[0].Source, "session:") || len(v.Carried[0].Documents) != 1 ||
		v.Carried[0].Documents[0].PolicyID != f.groupLister {
		t.Errorf("carried_narrowing = %+v, want the first session's group-lister", v.Carried)
	}
}

package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/keyward-iam/keyward/keywardtest"
)

// bearerClient sends every request with a keyward bearer token, replacing
// the SigV4 Authorization header the SDK signed it with: the way AWS
// tooling passes a keyward key to AssumeRole.
type bearerClient struct{ token string }

func (c bearerClient) Do(r *http.Request) (*http.Response, error) {
	r.Header.Set("Authorization", "Bearer "+c.token)
	return http.DefaultClient.Do(r)
}

// stsClient is the real AWS SDK STS client pointed at keyward.
func (f *federation) stsClient(creds aws.CredentialsProvider, hc sts.HTTPClient) *sts.Client {
	return sts.New(sts.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(f.srv.URL + "/v2/assumed-roles/compatibility/aws/sts"),
		Credentials:      creds,
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
	})
}

func (f *federation) roleArn(role string) *string {
	return aws.String("arn:aws:iam::" + f.orgID + ":role/" + role)
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestSTSAssumeRoleWithWebIdentity obtains a keyward session through the
// AWS SDK's AssumeRoleWithWebIdentity with anonymous credentials, uses it,
// and checks AWS's error codes for refused tokens.
func TestSTSAssumeRoleWithWebIdentity(t *testing.T) {
	f := newFederation(t)
	ctx := context.Background()
	c := f.stsClient(aws.AnonymousCredentials{}, http.DefaultClient)
	out, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: f.roleArn(f.role), RoleSessionName: aws.String("gha-42"), WebIdentityToken: aws.String(f.token(t, nil)),
		DurationSeconds: aws.Int32(1800),
	})
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity: %v", err)
	}
	cr := out.Credentials
	if cr == nil || !strings.HasPrefix(aws.ToString(cr.SessionToken), "kwr_") || aws.ToString(cr.AccessKeyId) == "" || aws.ToString(cr.SecretAccessKey) == "" {
		t.Fatalf("credentials = %+v", cr)
	}
	if want := f.clock.Now().Add(30 * time.Minute); !aws.ToTime(cr.Expiration).Equal(want) {
		t.Errorf("expiration %v, want %v", aws.ToTime(cr.Expiration), want)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != subMain || aws.ToString(out.Provider) != f.idp.URL || aws.ToString(out.Audience) != "keyward" {
		t.Errorf("identity: sub %q provider %q audience %q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Provider), aws.ToString(out.Audience))
	}
	if u := out.AssumedRoleUser; u == nil || !strings.HasSuffix(aws.ToString(u.Arn), ":assumed-role/"+f.role+"/gha-42") {
		t.Errorf("assumed role user = %+v", u)
	}
	f.do("GET", "/v2/roles", aws.ToString(cr.SessionToken), "", http.StatusOK, nil)
	f.do("GET", "/v2/groups", aws.ToString(cr.SessionToken), "", http.StatusForbidden, nil)

	for _, tt := range []struct {
		name, token, role, code string
	}{
		{"expired", f.token(t, map[string]any{"exp": f.clock.Now().Add(-time.Hour).Unix()}), f.role, "ExpiredTokenException"},
		{"alg none", f.token(t, nil, keywardtest.WithAlg("none")), f.role, "InvalidIdentityToken"},
		{"sub not trusted", f.token(t, map[string]any{"sub": "repo:evil/api:ref:refs/heads/main"}), f.role, "AccessDenied"},
		{"unknown role", f.token(t, nil), "0193a000-0000-7000-8000-00000000dead", "AccessDenied"},
	} {
		_, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: f.roleArn(tt.role), RoleSessionName: aws.String("x"), WebIdentityToken: aws.String(tt.token),
		})
		if got := apiErrorCode(err); got != tt.code {
			t.Errorf("%s: error %v (code %q), want %s", tt.name, err, got, tt.code)
		}
	}
	var expired *types.ExpiredTokenException
	_, err = c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: f.roleArn(f.role), RoleSessionName: aws.String("x"),
		WebIdentityToken: aws.String(f.token(t, map[string]any{"exp": f.clock.Now().Add(-time.Hour).Unix()}))})
	if !errors.As(err, &expired) {
		t.Errorf("expired token: %T %v, want the SDK's ExpiredTokenException", err, err)
	}
	_, err = c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/demo"),
		RoleSessionName: aws.String("x"), WebIdentityToken: aws.String(f.token(t, nil))})
	if got := apiErrorCode(err); got != "ValidationError" {
		t.Errorf("AWS account ARN: %v, want ValidationError", err)
	}
}

// TestSTSAssumeRole obtains a session through the AWS SDK's AssumeRole,
// with the caller's keyward API key as the Bearer token.
func TestSTSAssumeRole(t *testing.T) {
	f := newFederation(t)
	ctx := context.Background()
	me := f.rootID()
	if me == "" {
		t.Fatal("no user id for the root key")
	}
	f.createTrust(`{"role_id":"` + f.role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + me + `"}`)
	signed := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "keyward", SecretAccessKey: "unused"}, nil
	})
	c := f.stsClient(signed, bearerClient{f.root})
	out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: f.roleArn(f.role), RoleSessionName: aws.String("deploy"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	tok := aws.ToString(out.Credentials.SessionToken)
	if !strings.HasPrefix(tok, "kwr_") || !aws.ToTime(out.Credentials.Expiration).Equal(f.clock.Now().Add(15*time.Minute)) {
		t.Fatalf("credentials = %+v", out.Credentials)
	}
	f.do("GET", "/v2/roles", tok, "", http.StatusOK, nil)
	f.do("GET", "/v2/groups", tok, "", http.StatusForbidden, nil)

	for _, tt := range []struct {
		name   string
		client *sts.Client
		in     *sts.AssumeRoleInput
		code   string
	}{
		{"no bearer", f.stsClient(signed, http.DefaultClient), &sts.AssumeRoleInput{RoleArn: f.roleArn(f.role), RoleSessionName: aws.String("x")},
			"MissingAuthenticationToken"},
		{"bad key", f.stsClient(signed, bearerClient{"kw_nope"}), &sts.AssumeRoleInput{RoleArn: f.roleArn(f.role), RoleSessionName: aws.String("x")},
			"InvalidClientTokenId"},
		{"duration over the role's maximum", c, &sts.AssumeRoleInput{RoleArn: f.roleArn(f.role), RoleSessionName: aws.String("x"),
			DurationSeconds: aws.Int32(43200)}, "ValidationError"},
		{"other organization", c, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::0193a000-0000-7000-8000-00000000dead:role/" + f.role),
			RoleSessionName: aws.String("x")}, "AccessDenied"},
		{"not a role ARN", c, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:s3:::bucket"), RoleSessionName: aws.String("x")}, "ValidationError"},
	} {
		if _, err := tt.client.AssumeRole(ctx, tt.in); apiErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
}

// TestSTSWire checks what the SDK does not show: the XML content type,
// an unknown action, and a GET.
func TestSTSWire(t *testing.T) {
	f := newFederation(t)
	res, err := http.Post(f.srv.URL+"/v2/assumed-roles/compatibility/aws/sts", "application/x-www-form-urlencoded",
		strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "text/xml" {
		t.Errorf("unknown action: %d %q, want 400 text/xml", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestSTSOneReading: a parameter given twice, in the body and the query
// string or in two spellings, is refused, so that nothing between the
// client and keyward reads another request than keyward does.
func TestSTSOneReading(t *testing.T) {
	f := newFederation(t)
	arn := *f.roleArn(f.role)
	for name, tc := range map[string]struct{ query, body string }{
		"RoleArn in the body and the query": {"RoleArn=" + url.QueryEscape(arn), "Action=AssumeRoleWithWebIdentity&RoleArn=" + url.QueryEscape(arn) + "&WebIdentityToken=x&RoleSessionName=s"},
		"Action twice":                      {"", "Action=AssumeRoleWithWebIdentity&Action=AssumeRole&RoleArn=" + url.QueryEscape(arn) + "&WebIdentityToken=x"},
		"two spellings":                     {"", "Action=AssumeRoleWithWebIdentity&roleArn=x&RoleArn=" + url.QueryEscape(arn) + "&WebIdentityToken=x"},
	} {
		res, err := http.Post(f.srv.URL+"/v2/assumed-roles/compatibility/aws/sts?"+tc.query, "application/x-www-form-urlencoded", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "ValidationError") {
			t.Errorf("%s: %d %s, want a 400 ValidationError", name, res.StatusCode, b)
		}
	}
}

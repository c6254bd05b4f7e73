package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestSTSARNsRevealNothing is TestBodyIDsRevealNothing for AWS STS's
// AssumeRole, whose RoleArn and PolicyArns name an organization and one
// of its roles or policies: B's members naming A's, live or deleted, get
// the answer about ids that never were.
func TestSTSARNsRevealNothing(t *testing.T) {
	a := newAPI(t)
	live, gone, never := a.objectSets(t)
	b := a.stranger(t)
	// bob of B is trusted by B's assumable role, so that its session
	// policies are looked at.
	bobKey := a.mintKeyAs(b.root, b.bob, `{}`, http.StatusCreated)
	own := b.objs
	for _, tt := range []struct {
		name, token string
		form        func(set objects) url.Values
	}{
		{"RoleArn of A", b.admin, func(set objects) url.Values {
			return url.Values{"RoleArn": {"arn:aws:iam::" + set["organization_id"] + ":role/" + set["assumable_role_id"]}}
		}},
		{"RoleArn of B with A's role", b.admin, func(set objects) url.Values {
			return url.Values{"RoleArn": {"arn:aws:iam::" + own["organization_id"] + ":role/" + set["assumable_role_id"]}}
		}},
		{"PolicyArns of A", bobKey, func(set objects) url.Values {
			return url.Values{"RoleArn": {"arn:aws:iam::" + own["organization_id"] + ":role/" + own["assumable_role_id"]},
				"PolicyArns.member.1.arn": {"arn:aws:iam::" + set["organization_id"] + ":policy/" + set["policy_id"]}}
		}},
		{"PolicyArns of B with A's policy", bobKey, func(set objects) url.Values {
			return url.Values{"RoleArn": {"arn:aws:iam::" + own["organization_id"] + ":role/" + own["assumable_role_id"]},
				"PolicyArns.member.1.arn": {"arn:aws:iam::" + own["organization_id"] + ":policy/" + set["policy_id"]}}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := a.in(t)
			var want answer
			for n, set := range idSets(never, gone, live) {
				f := tt.form(set.objs)
				f.Set("Action", "AssumeRole")
				f.Set("Version", "2011-06-15")
				f.Set("RoleSessionName", "s")
				sent := map[string]string{}
				for _, k := range []string{"organization_id", "assumable_role_id", "policy_id"} {
					sent[set.objs[k]] = "{" + k + "}"
				}
				got := a.askWith("POST", "/v2/assumed-roles/compatibility/aws/sts", f.Encode(),
					map[string]string{"Authorization": "Bearer " + tt.token, "Content-Type": "application/x-www-form-urlencoded"}, sent)
				if n == 0 {
					want = got
					if got.Status < 400 {
						t.Errorf("%s: %+v, want a refusal", set.name, got)
					}
					continue
				}
				if got != want {
					t.Errorf("%s: %+v\nnever existed: %+v", set.name, got, want)
				}
			}
		})
	}
}

package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// STS session policies. AssumeRole and AssumeRoleWithWebIdentity take
// AWS's session policy parameters, and as in AWS they only ever narrow the
// session:
//
//   - Policy: a keyward policy document (docs/policy.md), not an AWS one.
//   - PolicyArns.member.N.arn, N from 1, at most maxPolicyArns of them:
//     arn:aws:iam::<organization id>:policy/<policy id> names a custom or
//     managed policy of the role's organization by id, and
//     arn:aws:iam::aws:policy/<name> a managed policy by name (AWS's
//     spelling of its own managed policies). A policy path
//     (policy/path/<id>) is allowed and ignored, as in role ARNs.
//
// Together they are the session policy: one layer, the union of their
// statements, that the role's policies are intersected with (AWS: role ∩
// (inline ∪ managed session policies)). They are read from the form body
// and the query string alike. A parameter keyward overlooked would make a
// session broader than its caller asked for, so every key that starts
// with "Policy", in any case, must be one of these and given once, or the
// request is refused.

// maxPolicyArns is AWS's limit on PolicyArns.
const maxPolicyArns = 10

// stsSessionPolicy reads the session policy parameters of r, whose form
// is parsed, for a role of org: the inline document (nil for none) and
// the policies named, in member order.
func stsSessionPolicy(r *http.Request, org keyward.OrgID) (json.RawMessage, []service.PolicyRef, error) {
	var inline json.RawMessage
	type member struct {
		n   int
		ref service.PolicyRef
	}
	var members []member
	keys := make([]string, 0, len(r.Form))
	for k := range r.Form {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first problem reported is always the same one
	for _, k := range keys {
		if !strings.HasPrefix(strings.ToLower(k), "policy") {
			continue
		}
		vs := r.Form[k]
		if len(vs) > 1 {
			return nil, nil, stsInvalid(k + " is given more than once (in the body and the query string, or twice in one); give it once.")
		}
		v := vs[0]
		n, isArn := policyArnMember(k)
		switch {
		case k == "Policy" && strings.TrimSpace(v) == "":
			return nil, nil, stsInvalid("Policy is empty: give a keyward policy document, or leave Policy out.")
		case k == "Policy" && !strings.HasPrefix(strings.TrimSpace(v), "{"):
			return nil, nil, &stsError{http.StatusBadRequest, "MalformedPolicyDocument", "Policy: a session policy is a keyward policy document, a JSON object."}
		case k == "Policy":
			inline = json.RawMessage(v)
		case k == "PolicyArns" && v == "":
			// The Query protocol's spelling of an empty list: no policies.
		case isArn:
			ref, err := parsePolicyArn(k, v, org)
			if err != nil {
				return nil, nil, err
			}
			members = append(members, member{n, ref})
		default:
			return nil, nil, stsInvalid(k + " is not a session policy parameter: keyward reads Policy and PolicyArns.member.N.arn (N from 1).")
		}
	}
	if len(members) > maxPolicyArns {
		return nil, nil, stsInvalid("PolicyArns names " + strconv.Itoa(len(members)) + " policies; the limit is " + strconv.Itoa(maxPolicyArns) + ".")
	}
	slices.SortFunc(members, func(a, b member) int { return a.n - b.n })
	var refs []service.PolicyRef
	for _, m := range members {
		refs = append(refs, m.ref)
	}
	return inline, refs, nil
}

// policyArnMember reads the N of PolicyArns.member.N.arn, a decimal from 1
// without leading zeros.
func policyArnMember(k string) (int, bool) {
	rest, ok := strings.CutPrefix(k, "PolicyArns.member.")
	if !ok {
		return 0, false
	}
	digits, ok := strings.CutSuffix(rest, ".arn")
	if !ok || digits == "" || len(digits) > 6 || digits[0] == '0' || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

// parsePolicyArn reads the policy ARN arn of field for a role of org.
func parsePolicyArn(field, arn string, org keyward.OrgID) (service.PolicyRef, error) {
	ref := service.PolicyRef{Field: field}
	account, name, ok := splitIAMArn(arn, "policy")
	switch {
	case !ok || name == "":
		return ref, stsInvalid(field + ": " + strconv.Quote(arn) + " is not arn:aws:iam::<organization id>:policy/<policy id> nor arn:aws:iam::aws:policy/<managed policy name>.")
	case account == "aws":
		ref.Name = name
		return ref, nil
	case strings.ToLower(account) != string(org):
		return ref, stsInvalid(field + ": " + strconv.Quote(arn) + " names no policy of organization " + string(org) + ", the role's.")
	case !keyward.ValidID(strings.ToLower(name)):
		return ref, stsInvalid(field + ": " + strconv.Quote(arn) + ": the policy must be a keyward id (a UUID); name a managed policy as arn:aws:iam::aws:policy/<name>.")
	}
	ref.ID = keyward.PolicyID(strings.ToLower(name))
	return ref, nil
}

// splitIAMArn splits arn:<partition>:iam::<account>:<kind>/[<path>/]<name>
// into its account and name.
func splitIAMArn(arn, kind string) (account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || parts[3] != "" || !strings.HasPrefix(parts[5], kind+"/") {
		return "", "", false
	}
	return parts[4], parts[5][strings.LastIndex(parts[5], "/")+1:], true
}

func stsInvalid(msg string) error {
	return &stsError{http.StatusBadRequest, "ValidationError", msg}
}

package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	"github.com/keyward-iam/keyward/policy"
)

func Example() {
	cat := policy.DefaultCatalog()
	doc, err := policy.Parse(cat, []byte(`{
	  "Version": "2026-03-20",
	  "Statement": [
	    {"Effect": "Allow", "Action": ["compute.instance.*"], "Resource": "*"},
	    {"Sid": "OfficeOnlyDeletes", "Effect": "Deny", "Action": "compute.instance.Delete", "Resource": "*",
	     "Condition": {"NotIpAddress": {"keyward:SourceIp": "198.51.100.0/24"}}}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	readOnly, _ := policy.ManagedPolicyByName(cat, "IAMReadOnly")
	set := policy.Compile(cat, []policy.Input{
		{ID: "p-1", Name: "vm-operator", Via: "group:ops", Doc: doc},
		{ID: readOnly.ID, Name: readOnly.Name, Via: "role:auditor", Doc: readOnly.Doc},
	})

	home := netip.MustParseAddr("203.0.113.5")
	for _, action := range []string{"compute.instance.Update", "compute.instance.Delete", "iam.user.List", "iam.user.Delete"} {
		r := policy.Request{Action: action, Context: policy.Context{SourceIP: home}}
		fmt.Println(action, set.Decide(&r))
	}
	// Output:
	// compute.instance.Update allow
	// compute.instance.Delete explicit_deny
	// iam.user.List allow
	// iam.user.Delete implicit_deny
}

func ExampleParse_errors() {
	_, err := policy.Parse(nil, []byte(`{"Version": "2026-03-20", "Statement": [
	  {"Effect": "Allow", "Action": "compute.instance.Read", "Resource": "*"},
	  {"Effect": "allow", "Action": ["compute.instanse.Create"], "Resource": ["*"], "NotAction": "x"}]}`))
	var ve policy.ValidationErrors
	if errors.As(err, &ve) {
		for _, e := range ve {
			fmt.Println(e)
		}
	}
	// Output:
	// Statement[1].NotAction: unknown field: keyward policies do not support NotAction (allowed: Sid, Effect, Action, Resource, Condition)
	// Statement[1].Effect: invalid effect "allow" (want "Allow" or "Deny")
	// Statement[1].Action[0]: unknown action "compute.instanse.Create" (did you mean "compute.instance.Create"?)
}

func ExampleSet_Explain() {
	doc, _ := policy.Parse(nil, []byte(`{"Version": "2026-03-20", "Statement": [
	  {"Effect": "Allow", "Action": "kubernetes.cluster.*", "Resource": "00000000-0000-4000-8000-0000000000a1",
	   "Condition": {"Bool": {"keyward:MultiFactorAuthPresent": true}}}]}`))
	set := policy.Compile(nil, []policy.Input{{ID: "p-9", Name: "k8s-project-a", Via: "group:platform → role:k8s", Doc: doc}})
	ex := set.Explain(&policy.Request{
		Action:   "kubernetes.cluster.Update",
		Resource: "00000000-0000-4000-8000-00000000a001",
		Project:  "00000000-0000-4000-8000-0000000000a1",
	})
	out, _ := json.MarshalIndent(ex, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "decision": "implicit_deny",
	//   "allowed": false,
	//   "action": "kubernetes.cluster.Update",
	//   "statements": [
	//     {
	//       "policy_id": "p-9",
	//       "policy_name": "k8s-project-a",
	//       "via": "group:platform → role:k8s",
	//       "statement_index": 0,
	//       "effect": "Allow",
	//       "applied": false,
	//       "failed_conditions": [
	//         {
	//           "operator": "Bool",
	//           "key": "keyward:MultiFactorAuthPresent",
	//           "key_missing": true,
	//           "message": "keyward:MultiFactorAuthPresent is missing from the request"
	//         }
	//       ]
	//     }
	//   ]
	// }
}

func ExampleCatalog_Match() {
	for _, a := range policy.DefaultCatalog().Match("iam.role.Detach*") {
		fmt.Println(a.Name, a.Level)
	}
	// Output:
	// iam.role.DetachGroup delete
	// iam.role.DetachPolicy delete
	// iam.role.DetachUser delete
}

func ExampleCombine() {
	// A key narrowed by an inline policy may do what both its owner and the inline policy allow.
	fmt.Println(policy.Combine(policy.Allow, policy.Allow))
	fmt.Println(policy.Combine(policy.Allow, policy.ImplicitDeny))
	fmt.Println(policy.Combine(policy.ImplicitDeny, policy.ExplicitDeny))
	// Output:
	// allow 0
	// implicit_deny 1
	// explicit_deny 1
}

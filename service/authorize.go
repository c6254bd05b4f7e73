package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// Denial is the explanation a 403 carries: which action was refused and
// which layer of the decision refused it.
type Denial struct {
	Action   string `json:"action"`
	Decision string `json:"decision"` // always "deny"
	Layer    string `json:"layer"`
	Reason   string `json:"reason"`
}

// selfActions are the actions a member may perform on their own user without
// any grant: see themselves and their own keys.
var selfActions = map[string]bool{
	"iam.user.Read":   true,
	"iam.apikey.List": true,
	"iam.apikey.Read": true,
}

// authorize is the one place that decides whether p may perform action on
// resource (the id of the object acted on, such as a user, group, role or
// policy of p's organization, or "" when the action has no object, as for
// a Create or a List). It returns nil or a CodePermissionDenied *keyward.Error whose
// Detail is a Denial.
//
// The root owner may do everything, as Vultr documents. Until policies are
// enforced on keyward's own API, everyone else may only read themselves and
// their own keys.
func (s *Service) authorize(ctx context.Context, p *keyward.Principal, action, resource string) error {
	if p.Kind == keyward.KindRootOwner {
		return nil
	}
	if resource != "" && resource == string(p.UserID) && selfActions[action] {
		return nil
	}
	return &keyward.Error{
		Code:    keyward.CodePermissionDenied,
		Message: "You are not allowed to perform " + action + ".",
		Detail: Denial{
			Action:   action,
			Decision: "deny",
			Layer:    "implicit",
			Reason:   "no grant allows this action; only the root owner may act on other users and the organization",
		},
	}
}

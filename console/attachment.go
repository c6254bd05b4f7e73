package console

import (
	"context"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// policyAttachments is the Policies section of a group's or a role's page
// (the layout's "attached" template): the policies attached to it, and
// the policies the member may attach. Its forms post under Path, the
// page of the group or role.
type policyAttachments struct {
	Path       string
	Policies   []attachedPolicy
	Attachable []*service.PolicyDetail
}

// attachedPolicy is an attached policy, and whether the member may detach
// it.
type attachedPolicy struct {
	*service.PolicyDetail
	Detach bool
}

// loadAttachments makes the Policies section of the page at path, where
// attached are attached: mayDetach and mayAttach decide, per policy, the
// controls the member is shown. The policies offered are those the
// member may list.
func (c *Console) loadAttachments(ctx context.Context, path string, attached []*service.PolicyDetail,
	mayDetach, mayAttach func(keyward.PolicyID) bool) (*policyAttachments, error) {
	a := &policyAttachments{Path: path}
	for _, p := range attached {
		a.Policies = append(a.Policies, attachedPolicy{p, mayDetach(p.ID)})
	}
	if !c.allowed(ctx, "iam.policy.List", "") {
		return a, nil
	}
	ps, _, err := c.svc.ListPolicies(ctx, service.PolicyFilter{Page: keyward.Page{Limit: keyward.MaxPerPage}})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if mayAttach(p.ID) {
			a.Attachable = append(a.Attachable, p)
		}
	}
	return a, nil
}

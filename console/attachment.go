package console

import (
	"context"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// policyAttachments is the Policies section of a group's or a role's page
// (the layout's "attached" template): the policies attached to it, and
// whether the member may attach policies (a pick of them). Its forms
// post under Path, the page of the group or role.
type policyAttachments struct {
	Path     string
	Policies []attachedPolicy
	Attach   bool
}

// attachedPolicy is an attached policy, and whether the member may detach
// it.
type attachedPolicy struct {
	*service.PolicyDetail
	Detach bool
}

// loadAttachments makes the Policies section of the page at path, where
// attached are attached: mayDetach and mayAttach decide, per policy, the
// controls the member is shown. The attach form is shown when the member
// may list policies and attach one of the first page: whether it may
// attach the one it picks is the engine's answer to the form.
func (c *Console) loadAttachments(ctx context.Context, path string, attached []*service.PolicyDetail,
	mayDetach, mayAttach func(keyward.PolicyID) bool) (*policyAttachments, error) {
	a := &policyAttachments{Path: path}
	for _, p := range attached {
		a.Policies = append(a.Policies, attachedPolicy{p, mayDetach(p.ID)})
	}
	if !c.allowed(ctx, "iam.policy.List", "") {
		return a, nil
	}
	ps, _, err := c.svc.ListPolicies(ctx, service.PolicyFilter{Page: keyward.Page{Limit: perPage}})
	if err != nil {
		return nil, err
	}
	a.Attach = slices.ContainsFunc(ps, func(p *service.PolicyDetail) bool { return mayAttach(p.ID) })
	return a, nil
}

package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// assignmentsPart is the role assignments section of a project's page
// (Oxide's project access): who holds which role in the project, with
// the forms to add and remove one when the engine lets the member.
type assignmentsPart struct {
	Rows []assignmentRow
	// Update is whether the member may change the project's assignments
	// (the add form picks a user or group and a role).
	Update bool
}

// assignmentRow is one assignment, with its holder's label and the
// value the remove form posts for it.
type assignmentRow struct {
	service.ScopeAssignment
	Holder, Value string
}

// loadAssignments reads the project's role assignments, when the member
// may read them; nil otherwise.
func (c *Console) loadAssignments(ctx context.Context, project keyward.ProjectID) (*assignmentsPart, error) {
	id := string(project)
	if ok, err := c.svc.Allowed(ctx, "iam.binding.Read", id, id); err != nil || !ok {
		return nil, err
	}
	doc, err := c.svc.GetRoleAssignments(ctx, "", project)
	if err != nil {
		return nil, err
	}
	d := &assignmentsPart{}
	for _, a := range doc.Assignments {
		holder := c.identityLabel(ctx, keyward.PrincipalType(a.IdentityType), a.IdentityID)
		d.Rows = append(d.Rows, assignmentRow{a, holder, a.IdentityType + ":" + a.IdentityID})
	}
	d.Update, err = c.svc.Allowed(ctx, "iam.binding.Update", id, id)
	return d, err
}

// formAssignment is the assignment the form posts: identity (picked) and
// role_name, a role's name or, picked from the list, its id.
func (c *Console) formAssignment(ctx context.Context, r *http.Request) (service.ScopeAssignment, error) {
	v, err := c.picked(ctx, r, "identity", "identities")
	if err != nil {
		return service.ScopeAssignment{}, err
	}
	kind, id, err := identityOf(v, "identity")
	a := service.ScopeAssignment{IdentityID: id, IdentityType: string(kind), RoleName: strings.TrimSpace(r.PostFormValue("role_name"))}
	if err == nil && keyward.ValidID(a.RoleName) {
		var role *service.RoleDetail
		if role, err = c.svc.GetRole(ctx, keyward.RoleID(a.RoleName)); err != nil {
			return a, keyward.FieldError("role_name", "No role %s in this organization.", a.RoleName)
		}
		a.RoleName = role.Name
	}
	return a, err
}

// changeAssignments returns the action that adds (or, with !add, removes)
// the form's assignment in the path's project: one write of the
// project's document, guarded by the ETag it read, so that a concurrent
// change is refused rather than lost.
func (c *Console) changeAssignments(add bool) step {
	return func(ctx context.Context, r *http.Request, s *session) error {
		project := keyward.ProjectID(r.PathValue("project_id"))
		a, err := c.formAssignment(ctx, r)
		if err != nil {
			return err
		}
		doc, err := c.svc.GetRoleAssignments(ctx, "", project)
		if err != nil {
			return err
		}
		as := slices.DeleteFunc(doc.Assignments, func(b service.ScopeAssignment) bool { return b == a })
		if add {
			as = append(as, a)
		}
		_, err = c.svc.PutRoleAssignments(ctx, "", project, as, doc.ETag)
		return err
	}
}

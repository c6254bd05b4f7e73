package console

import (
	"context"
	"net/http"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// assignmentsPart is the role assignments section of a project's page
// (Oxide's project access): who holds which role in the project, with
// the forms to add and remove one when the engine lets the member.
type assignmentsPart struct {
	Rows []assignmentRow
	// Update is whether the member may change the project's assignments;
	// the add form then offers Identities and Roles.
	Update     bool
	Identities []identity
	Roles      []string
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
	if d.Identities, err = c.identities(ctx); err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, i := range d.Identities {
		labels[i.Value] = i.Label
	}
	for _, a := range doc.Assignments {
		v := a.IdentityType + ":" + a.IdentityID
		holder := labels[v]
		if holder == "" {
			holder = a.IdentityType + " " + a.IdentityID
		}
		d.Rows = append(d.Rows, assignmentRow{a, holder, v})
	}
	if d.Update, err = c.svc.Allowed(ctx, "iam.binding.Update", id, id); err != nil || !d.Update {
		return d, err
	}
	roles, _, err := c.svc.ListRoles(ctx, keyward.RoleFilter{Type: keyward.RoleAssignable, Page: keyward.Page{Limit: keyward.MaxPerPage}})
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		d.Roles = append(d.Roles, r.Name)
	}
	return d, nil
}

// formAssignment is the assignment the form posts: identity and
// role_name.
func formAssignment(r *http.Request) (service.ScopeAssignment, error) {
	kind, id, err := identityOf(r, "identity")
	return service.ScopeAssignment{IdentityID: id, IdentityType: string(kind), RoleName: r.PostFormValue("role_name")}, err
}

// changeAssignments returns the action that adds (or, with !add, removes)
// the form's assignment in the path's project: one write of the
// project's document, guarded by the ETag it read, so that a concurrent
// change is refused rather than lost.
func (c *Console) changeAssignments(add bool) step {
	return func(ctx context.Context, r *http.Request, s *session) error {
		project := keyward.ProjectID(r.PathValue("project_id"))
		a, err := formAssignment(r)
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

package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// projectPage is a project's page (seed 003's project detail page): the
// resources registered in it, with the Create form for the types the
// member may create there; its role assignments; its members' overrides.
type projectPage struct {
	Project *keyward.Project
	// ReadResources is whether the member may list the project's
	// resources; Resources are the page of them r asks for (?resources=),
	// ResourcePager where it sits.
	ReadResources bool
	Resources     []row[*keyward.Resource]
	ResourcePager pager
	// CreateTypes are the resource types the member may create in the
	// project (<type>.Create) and register there; no Create button
	// without one.
	CreateTypes []string
	Assignments *assignmentsPart
	Overrides   *overridesPart
}

// handleProjects lists the organization's projects.
func (c *Console) handleProjects(w http.ResponseWriter, r *http.Request, s *session) {
	c.showProjects(w, r, s, nil)
}

// showProjects renders the Projects page, with the problem of an action
// (act), if any.
func (c *Console) showProjects(w http.ResponseWriter, r *http.Request, s *session, act error) {
	d, err := loadList(r.Context(), c, r, "/projects", c.svc.ListProjects, "iam.project.Create", "iam.project.Delete",
		func(p *keyward.Project) (string, string) { return string(p.ID), string(p.ID) })
	c.show(w, r, "projects.html", view{Title: "Projects", Me: s}, d, err, act)
}

// createProject creates a project with the form's name and description.
func (c *Console) createProject(ctx context.Context, r *http.Request, s *session) error {
	_, err := c.svc.CreateProject(ctx, service.ProjectInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")})
	return err
}

// deleteProject deletes the path's project; one with registered
// resources is refused (409), as the API refuses it without force.
func (c *Console) deleteProject(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DeleteProject(ctx, keyward.ProjectID(r.PathValue("project_id")), false)
}

// projectsAction runs a and shows the Projects page again.
func (c *Console) projectsAction(a step) memberHandler {
	return c.act(stay("/projects", a), c.showProjects)
}

// handleProject shows one project.
func (c *Console) handleProject(w http.ResponseWriter, r *http.Request, s *session) {
	c.showProject(w, r, s, nil)
}

// showProject renders the path's project, with the problem of an action
// on it (act), if any.
func (c *Console) showProject(w http.ResponseWriter, r *http.Request, s *session, act error) {
	ctx, id := r.Context(), keyward.ProjectID(r.PathValue("project_id"))
	v := view{Title: "Project", Me: s}
	p, err := c.svc.GetProject(ctx, id)
	if err != nil {
		c.render(w, r, "project.html", v, err)
		return
	}
	v.Title = p.Name
	d, err := c.loadProject(r, p)
	c.show(w, r, "project.html", v, d, err, act)
}

// loadProject reads a project's page through the service, as the member:
// its resources and its overrides a page each, at the cursors r names
// (?resources=, ?overrides=).
func (c *Console) loadProject(r *http.Request, p *keyward.Project) (*projectPage, error) {
	ctx, id := r.Context(), string(p.ID)
	d := &projectPage{Project: p}
	var err error
	if d.ReadResources, err = c.svc.Allowed(ctx, "iam.resource.Read", id, id); err != nil {
		return nil, err
	}
	if d.ReadResources {
		rs, info, err := c.svc.ListResources(ctx, p.ID, pageAt(r, "resources"))
		if err != nil {
			return nil, err
		}
		d.ResourcePager = pagerAt(projectPath(p.ID), "resources", info)
		if d.Resources, err = rowsOf(ctx, c, rs, "iam.resource.Delete", func(r *keyward.Resource) (string, string) { return r.ID, id }); err != nil {
			return nil, err
		}
	}
	if d.CreateTypes, err = c.creatableTypes(ctx, id); err != nil {
		return nil, err
	}
	if d.Assignments, err = c.loadAssignments(ctx, p.ID); err != nil {
		return nil, err
	}
	d.Overrides, err = c.loadOverrides(r, p.ID)
	return d, err
}

// projectPath is the path of project id's page.
func projectPath(id keyward.ProjectID) string { return "/projects/" + url.PathEscape(string(id)) }

// creatableTypes are the resource types the member may create in
// project: creating one here registers it, so the member needs the
// registry's right besides the type's Create.
func (c *Console) creatableTypes(ctx context.Context, project string) ([]string, error) {
	if ok, err := c.svc.Allowed(ctx, "iam.resource.Register", project, project); err != nil || !ok {
		return nil, err
	}
	var out []string
	for _, typ := range c.svc.ResourceTypesWith("Create") {
		ok, err := c.svc.Allowed(ctx, typ+".Create", project, project)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, typ)
		}
	}
	return out, nil
}

// createResource registers a new resource of the chosen type in the path's
// project: the provider's id when the form gives one, else a fresh id,
// as the provider would after creating it.
func (c *Console) createResource(ctx context.Context, r *http.Request, s *session) error {
	project, typ := keyward.ProjectID(r.PathValue("project_id")), r.PostFormValue("type")
	if !slices.Contains(c.svc.ResourceTypesWith("Create"), typ) {
		return keyward.FieldError("type", "%q is not a resource type that can be created.", typ)
	}
	if err := c.svc.Require(ctx, typ+".Create", string(project), string(project)); err != nil {
		return err
	}
	id := r.PostFormValue("resource_id")
	if id == "" {
		id = keyward.NewID(c.svc.Now())
	}
	_, err := c.svc.RegisterResource(ctx, service.ResourceInput{ID: id, Type: typ, ProjectID: project})
	return err
}

// deleteResource unregisters a resource of the path's project.
func (c *Console) deleteResource(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DeleteResource(ctx, r.PostFormValue("resource_id"))
}

// projectAction runs a, an action on the path's project, and shows the
// project's page again.
func (c *Console) projectAction(a step) memberHandler {
	return c.act(stay("/projects/{project_id}", a), c.showProject)
}

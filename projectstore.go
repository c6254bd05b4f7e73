package keyward

import "context"

// ProjectTx stores projects, the resources registered in them, members'
// overrides, the grids of grid-defined roles and the role-assignment
// documents (the bindings of one scope as a whole).
type ProjectTx interface {
	CreateProject(ctx context.Context, p *Project) error
	GetProject(ctx context.Context, org OrgID, id ProjectID) (*Project, error)
	// ListProjects lists projects in creation order.
	ListProjects(ctx context.Context, org OrgID, p Page) ([]*Project, PageInfo, error)
	// UpdateProject writes Name, Description and UpdatedAt.
	UpdateProject(ctx context.Context, p *Project) error
	// DeleteProject removes the project with its resources, overrides and
	// role bindings.
	DeleteProject(ctx context.Context, org OrgID, id ProjectID) error

	// CreateResource registers a resource in a project of its organization
	// (CodeNotFound "Project not found." otherwise); an ID registered in
	// the organization, in any case, is CodeConflict. Resource ids compare
	// ignoring ASCII case here and in the methods below.
	CreateResource(ctx context.Context, r *Resource) error
	GetResource(ctx context.Context, org OrgID, id string) (*Resource, error)
	// ListResources lists resources in registration order.
	ListResources(ctx context.Context, org OrgID, f ResourceFilter) ([]*Resource, PageInfo, error)
	DeleteResource(ctx context.Context, org OrgID, id string) error
	CountResources(ctx context.Context, org OrgID, project ProjectID) (int, error)

	// PutOverride creates or replaces the member's override on the project
	// (CodeNotFound if either is missing), keeping CreatedAt of one it
	// replaces.
	PutOverride(ctx context.Context, o *Override) error
	GetOverride(ctx context.Context, org OrgID, project ProjectID, user UserID) (*Override, error)
	DeleteOverride(ctx context.Context, org OrgID, project ProjectID, user UserID) error
	// ListOverrides lists overrides in creation order.
	ListOverrides(ctx context.Context, org OrgID, f OverrideFilter) ([]*Override, PageInfo, error)

	// PutRoleGrid creates or replaces the grid of a role of org.
	PutRoleGrid(ctx context.Context, g *RoleGrid) error
	GetRoleGrid(ctx context.Context, org OrgID, role RoleID) (*RoleGrid, error)

	// ScopeBindings lists, in creation order, the role bindings of one
	// scope: the organization's own (project "") or one project's.
	ScopeBindings(ctx context.Context, org OrgID, project ProjectID) ([]*RoleBinding, error)
	// ReplaceScopeBindings replaces the bindings of one scope with bs, whose
	// roles must be custom roles of org or built-in roles. Bindings of
	// deleted roles are kept, for a restore.
	ReplaceScopeBindings(ctx context.Context, org OrgID, project ProjectID, bs []*RoleBinding) error
}

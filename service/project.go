package service

import (
	"context"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// ProjectInput is the body of project create and update (rename): both
// fields are replaced.
type ProjectInput struct {
	Name        string
	Description string
}

type projectView struct {
	ID          keyward.ProjectID `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
}

func viewProject(p *keyward.Project) projectView { return projectView{p.ID, p.Name, p.Description} }

func (in ProjectInput) clean() (ProjectInput, error) {
	name, err := cleanName("name", in.Name, true)
	if err != nil {
		return in, err
	}
	desc, err := cleanDescription(in.Description)
	return ProjectInput{Name: name, Description: desc}, err
}

// projectOf returns project id of org, or CodeNotFound.
func projectOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.ProjectID) (*keyward.Project, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Project")
	}
	pr, err := tx.GetProject(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Project")
	}
	return pr, err
}

func errProjectName(name string) error {
	return &keyward.Error{Code: keyward.CodeConflict, Field: "name", Message: "A project named " + name + " already exists."}
}

// CreateProject creates a project in the caller's organization. The name
// must be unused there, case-insensitively.
func (s *Service) CreateProject(ctx context.Context, in ProjectInput) (*keyward.Project, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.project.Create", ""); err != nil {
		return nil, err
	}
	if in, err = in.clean(); err != nil {
		return nil, err
	}
	var pr *keyward.Project
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		now := tx.Now()
		pr = &keyward.Project{ID: keyward.ProjectID(keyward.NewID(now)), OrgID: p.OrgID, Name: in.Name, Description: in.Description, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateProject(ctx, pr); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errProjectName(in.Name)
		} else if err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.project.Create", TargetType: "project", TargetID: string(pr.ID), After: viewProject(pr),
		})
		return err
	})
	return pr, err
}

// GetProject returns a project of the caller's organization.
func (s *Service) GetProject(ctx context.Context, id keyward.ProjectID) (*keyward.Project, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var pr *keyward.Project
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if pr, err = projectOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorizeIn(ctx, p, "iam.project.Read", string(id), string(id))
	})
	return pr, err
}

// ListProjects lists the projects of the caller's organization in creation
// order.
func (s *Service) ListProjects(ctx context.Context, page keyward.Page) ([]*keyward.Project, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.project.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.Project, keyward.PageInfo, error) {
		return tx.ListProjects(ctx, p.OrgID, page)
	})
}

// UpdateProject renames a project and replaces its description.
func (s *Service) UpdateProject(ctx context.Context, id keyward.ProjectID, in ProjectInput) (*keyward.Project, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var pr *keyward.Project
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if pr, err = projectOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.project.Update", string(id), string(id)); err != nil {
			return err
		}
		if in, err = in.clean(); err != nil {
			return err
		}
		before := viewProject(pr)
		pr.Name, pr.Description, pr.UpdatedAt = in.Name, in.Description, tx.Now()
		if err := tx.UpdateProject(ctx, pr); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errProjectName(in.Name)
		} else if err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.project.Update", TargetType: "project", TargetID: string(id), Before: before, After: viewProject(pr),
		})
		return err
	})
	return pr, err
}

// DeleteProject deletes a project with its role bindings and overrides. It
// is refused (CodeConflict) while resources are registered in it, unless
// force, which unregisters them too.
func (s *Service) DeleteProject(ctx context.Context, id keyward.ProjectID, force bool) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		pr, err := projectOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.project.Delete", string(id), string(id)); err != nil {
			return err
		}
		n, err := tx.CountResources(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if n > 0 && !force {
			return keyward.Errorf(keyward.CodeConflict,
				"The project still has %d registered resources; delete them first, or delete the project with force=true.", n)
		}
		if err := tx.DeleteProject(ctx, p.OrgID, id); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.project.Delete", TargetType: "project", TargetID: string(id), Before: viewProject(pr),
		})
		return err
	})
}

// ResourceInput is the body of a resource registration.
type ResourceInput struct {
	ID        string
	Type      string
	ProjectID keyward.ProjectID
}

type resourceView struct {
	ID        string            `json:"id"`
	Type      string            `json:"type"`
	ProjectID keyward.ProjectID `json:"project_id"`
}

func viewResource(r *keyward.Resource) resourceView { return resourceView{r.ID, r.Type, r.ProjectID} }

// RegisterResource records which project of the caller's organization a
// provider resource belongs to, so that decisions about it find the
// project. It needs iam.resource.Register on the project.
func (s *Service) RegisterResource(ctx context.Context, in ResourceInput) (*keyward.Resource, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkResourceID("id", in.ID, true); err != nil {
		return nil, err
	}
	if err := checkID("project_id", string(in.ProjectID)); err != nil {
		return nil, err
	}
	typ, err := cleanName("type", in.Type, true)
	if err != nil {
		return nil, err
	}
	if len(typ) > keyward.MaxResourceTypeLen {
		return nil, keyward.FieldError("type", "type is %d bytes long; the limit is %d.", len(typ), keyward.MaxResourceTypeLen)
	}
	if err := s.checkResourceType("type", typ); err != nil {
		return nil, err
	}
	var r *keyward.Resource
	defer s.forgetResource(in.ID)
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		// Registering is creating: the caller's right to register in the
		// project comes first, so a denied caller learns nothing of it.
		if err := s.authorizeIn(ctx, p, "iam.resource.Register", string(in.ProjectID), string(in.ProjectID)); err != nil {
			return err
		}
		if _, err := projectOf(ctx, tx, p.OrgID, in.ProjectID); err != nil {
			return &keyward.Error{Code: keyward.CodeNotFound, Field: "project_id", Message: "Project not found."}
		}
		if err := s.refuseKeywardID(ctx, tx, p.OrgID, in.ID); err != nil {
			return err
		}
		r = &keyward.Resource{OrgID: p.OrgID, ID: in.ID, Type: typ, ProjectID: in.ProjectID, CreatedAt: tx.Now(), CreatedBy: p.UserID}
		if err := tx.CreateResource(ctx, r); keyward.ErrorCode(err) == keyward.CodeConflict {
			return &keyward.Error{Code: keyward.CodeConflict, Field: "id", Message: "The resource is already registered."}
		} else if err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.resource.Register", TargetType: "resource", TargetID: r.ID, After: viewResource(r),
		})
		return err
	})
	return r, err
}

// resourceOf returns the registered resource id of org, or CodeNotFound.
func resourceOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id string) (*keyward.Resource, error) {
	if checkResourceID("id", id, false) != nil {
		return nil, notFound("Resource")
	}
	r, err := tx.GetResource(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Resource")
	}
	return r, err
}

// GetResource returns a registered resource.
func (s *Service) GetResource(ctx context.Context, id string) (*keyward.Resource, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var r *keyward.Resource
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if r, err = resourceOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorizeIn(ctx, p, "iam.resource.Read", id, string(r.ProjectID))
	})
	return r, err
}

// ListResources lists the registered resources of the caller's
// organization, or of one project, in registration order. It needs
// iam.resource.Read on the project (or on the organization's resources in
// general, without one).
func (s *Service) ListResources(ctx context.Context, project keyward.ProjectID, page keyward.Page) ([]*keyward.Resource, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.Resource, keyward.PageInfo, error) {
		if project != "" {
			if _, err := projectOf(ctx, tx, p.OrgID, project); err != nil {
				return nil, keyward.PageInfo{}, err
			}
		}
		if err := s.authorizeIn(ctx, p, "iam.resource.Read", string(project), string(project)); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		return tx.ListResources(ctx, p.OrgID, keyward.ResourceFilter{ProjectID: project, Page: page})
	})
}

// DeleteResource removes a resource from the registry.
func (s *Service) DeleteResource(ctx context.Context, id string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	defer s.forgetResource(id)
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := resourceOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.resource.Delete", id, string(r.ProjectID)); err != nil {
			return err
		}
		if err := tx.DeleteResource(ctx, p.OrgID, id); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.resource.Delete", TargetType: "resource", TargetID: id, Before: viewResource(r),
		})
		return err
	})
}

// refuseKeywardID refuses (409 on id) to register one of keyward's own ids
// as a provider resource: an organization, an account, a group, role,
// policy, project, trust or OIDC issuer of org, a managed policy or a
// built-in role. The registry is the provider's; keyward's own objects
// never belong to a project through it. keyward's ids are UUIDs, so the
// provider's own ids of other forms are never one.
func (s *Service) refuseKeywardID(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id string) error {
	if !keyward.ValidID(id) {
		return nil
	}
	lookups := []struct {
		kind string
		err  func() error
	}{
		{"an organization", func() error { return getErr(tx.GetOrganization(ctx, keyward.OrgID(id))) }},
		{"a user", func() error { return getErr(tx.GetAccount(ctx, keyward.UserID(id))) }},
		{"a group", func() error { return getErr(tx.GetGroup(ctx, org, keyward.GroupID(id))) }},
		{"a role", func() error { return getErr(tx.GetRole(ctx, org, keyward.RoleID(id))) }},
		{"a policy", func() error { return getErr(tx.GetPolicy(ctx, org, keyward.PolicyID(id))) }},
		{"a project", func() error { return getErr(tx.GetProject(ctx, org, keyward.ProjectID(id))) }},
		{"a role trust", func() error { return getErr(tx.GetRoleTrust(ctx, org, keyward.RoleTrustID(id))) }},
		{"an OIDC issuer", func() error { return getErr(tx.GetOIDCIssuer(ctx, org, keyward.OIDCIssuerID(id))) }},
	}
	kind := ""
	if _, ok := s.managedPolicy(keyward.PolicyID(id)); ok {
		kind = "a managed policy"
	} else if _, ok := policy.BuiltinRoleByID(s.catalog(), id); ok {
		kind = "a built-in role"
	}
	for _, l := range lookups {
		if kind != "" {
			break
		}
		switch err := l.err(); keyward.ErrorCode(err) {
		case keyward.CodeNotFound:
		case "":
			kind = l.kind
		default:
			return err
		}
	}
	if kind == "" {
		return nil
	}
	return &keyward.Error{Code: keyward.CodeConflict, Field: "id",
		Message: "The id is " + kind + " of keyward's: only the provider's own resources are registered."}
}

// getErr drops the value of a store read, keeping its error.
func getErr[T any](_ T, err error) error { return err }

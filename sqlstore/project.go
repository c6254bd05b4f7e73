package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/keyward-iam/keyward"
)

const projectColumns = "p.id, p.org_id, p.name, p.description, p.created_at, p.updated_at"

func scanProject(s scanner) (*keyward.Project, error) {
	var (
		p                keyward.Project
		created, updated int64
	)
	if err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Description, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreateProject inserts p, giving it an ID and times if it has none. Its
// name must not be in use in its organization, case-insensitively.
func (t *tx) CreateProject(ctx context.Context, p *keyward.Project) error {
	const op = "sqlstore.CreateProject"
	t.touch(p.OrgID, changeProjects, "")
	setID(&p.ID, t.now)
	t.stamp(&p.CreatedAt, &p.UpdatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO projects
		(id, org_id, name, name_key, description, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		p.ID, p.OrgID, p.Name, nameKey(p.Name), p.Description, p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
	return dbError(op, err, errNoOrg)
}

// GetProject returns the project of org.
func (t *tx) GetProject(ctx context.Context, org keyward.OrgID, id keyward.ProjectID) (*keyward.Project, error) {
	const op = "sqlstore.GetProject"
	p, err := scanProject(t.tx.QueryRowContext(ctx, "SELECT "+projectColumns+" FROM projects p WHERE p.org_id = $1 AND p.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Project not found.")
	}
	return p, dbError(op, err, nil)
}

// ListProjects lists the projects of org in creation order.
func (t *tx) ListProjects(ctx context.Context, org keyward.OrgID, pg keyward.Page) ([]*keyward.Project, keyward.PageInfo, error) {
	var w where
	w.add("p.org_id = %s", org)
	return list(ctx, t, listing{
		op:   "sqlstore.ListProjects",
		cols: projectColumns,
		from: "FROM projects p " + w.String(),
		args: w.args,
		key:  "p.id",
	}, pg, scanProject, func(p *keyward.Project) string { return string(p.ID) })
}

// UpdateProject writes Name, Description and UpdatedAt.
func (t *tx) UpdateProject(ctx context.Context, p *keyward.Project) error {
	const op = "sqlstore.UpdateProject"
	t.touch(p.OrgID, changeProjects, "")
	p.UpdatedAt = micro(p.UpdatedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE projects SET name = $3, name_key = $4, description = $5, updated_at = $6
		WHERE org_id = $1 AND id = $2`,
		p.OrgID, p.ID, p.Name, nameKey(p.Name), p.Description, p.UpdatedAt.UnixMicro()))
	return changedOne(op, n, err, nil, "Project not found.")
}

// DeleteProject removes the project of org; its resources and overrides go
// with it through their foreign keys, and its role bindings here, since a
// binding's project is not a foreign key (it is empty for the organization).
func (t *tx) DeleteProject(ctx context.Context, org keyward.OrgID, id keyward.ProjectID) error {
	const op = "sqlstore.DeleteProject"
	t.touch(org, changeAll, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM projects WHERE org_id = $1 AND id = $2", org, id))
	if err != nil {
		return dbError(op, err, nil)
	}
	if n == 0 {
		return notFound(op, "Project not found.")
	}
	_, err = t.tx.ExecContext(ctx, "DELETE FROM role_bindings WHERE org_id = $1 AND project_id = $2", org, id)
	return dbError(op, err, nil)
}

const resourceColumns = "r.seq, r.org_id, r.id, r.resource_type, r.project_id, r.created_at, r.created_by"

// scanResource scans resourceColumns; key receives the surrogate key that
// orders listings (a resource's own ID is the provider's, in no order).
func scanResource(s scanner, key *string) (*keyward.Resource, error) {
	var (
		r       keyward.Resource
		created int64
	)
	if err := s.Scan(key, &r.OrgID, &r.ID, &r.Type, &r.ProjectID, &created, &r.CreatedBy); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMicros(created)
	return &r, nil
}

var errNoProject = keyward.Errorf(keyward.CodeNotFound, "Project not found.")

// CreateResource registers r, giving it the transaction's time if it has no
// CreatedAt. Its project must be of its organization.
func (t *tx) CreateResource(ctx context.Context, r *keyward.Resource) error {
	const op = "sqlstore.CreateResource"
	t.touch(r.OrgID, changeResource, r.ID)
	if r.CreatedAt.IsZero() {
		r.CreatedAt = t.now
	}
	r.CreatedAt = micro(r.CreatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO resources
		(org_id, id, seq, resource_type, project_id, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.OrgID, r.ID, keyward.NewID(t.now), r.Type, r.ProjectID, r.CreatedAt.UnixMicro(), r.CreatedBy)
	return dbError(op, err, errNoProject)
}

// GetResource returns the registered resource of org whose id is id,
// ignoring ASCII case.
func (t *tx) GetResource(ctx context.Context, org keyward.OrgID, id string) (*keyward.Resource, error) {
	const op = "sqlstore.GetResource"
	var key string
	r, err := scanResource(t.tx.QueryRowContext(ctx, "SELECT "+resourceColumns+" FROM resources r WHERE r.org_id = $1 AND lower(r.id) = lower($2)", org, id), &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Resource not found.")
	}
	return r, dbError(op, err, nil)
}

// resourceOrgsSQL is the query of ResourceOrgs.
const resourceOrgsSQL = "SELECT org_id FROM resources WHERE lower(id) = lower($1) ORDER BY org_id LIMIT 2"

// ResourceOrgs is keyward.Store's: the query prepared once on the read
// pool (database/sql keeps it prepared on each connection), with no
// transaction around it, since one statement reads a consistent state.
func (db *DB) ResourceOrgs(ctx context.Context, id string) ([]keyward.OrgID, error) {
	stmt, err := db.resourceOrgs.get(ctx, db.read, resourceOrgsSQL)
	if err != nil {
		return nil, dbError("sqlstore.ResourceOrgs", err, nil)
	}
	rows, err := stmt.QueryContext(ctx, id)
	return scanResourceOrgs(rows, err)
}

// scanResourceOrgs reads the organizations of a ResourceOrgs query.
func scanResourceOrgs(rows *sql.Rows, err error) ([]keyward.OrgID, error) {
	const op = "sqlstore.ResourceOrgs"
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var out []keyward.OrgID
	for rows.Next() {
		var org keyward.OrgID
		if err := rows.Scan(&org); err != nil {
			return nil, dbError(op, err, nil)
		}
		out = append(out, org)
	}
	return out, dbError(op, rows.Err(), nil)
}

// ListResources lists the resources of org (of f.ProjectID if set) in
// registration order.
func (t *tx) ListResources(ctx context.Context, org keyward.OrgID, f keyward.ResourceFilter) ([]*keyward.Resource, keyward.PageInfo, error) {
	var w where
	w.add("r.org_id = %s", org)
	eq(&w, "r.project_id", f.ProjectID)
	return listKeyed(ctx, t, listing{
		op:   "sqlstore.ListResources",
		cols: resourceColumns,
		from: "FROM resources r " + w.String(),
		args: w.args,
		key:  "r.seq",
	}, f.Page, scanResource)
}

// DeleteResource removes the resource whose id is id, ignoring ASCII case,
// from the registry.
func (t *tx) DeleteResource(ctx context.Context, org keyward.OrgID, id string) error {
	const op = "sqlstore.DeleteResource"
	t.touch(org, changeResource, id)
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM resources WHERE org_id = $1 AND lower(id) = lower($2)", org, id))
	return changedOne(op, n, err, nil, "Resource not found.")
}

// CountResources counts the resources registered in the project.
func (t *tx) CountResources(ctx context.Context, org keyward.OrgID, project keyward.ProjectID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM resources WHERE org_id = $1 AND project_id = $2", org, project).Scan(&n)
	return n, dbError("sqlstore.CountResources", err, nil)
}

// loadProjects reads into g the projects of its organization, their
// resources and overrides, and the grids of its live roles.
func (t *tx) loadProjects(ctx context.Context, g *keyward.Graph) error {
	const op = "sqlstore.LoadGraph"
	org := g.Org.ID
	var err error
	if g.Projects, err = queryAll(ctx, t, op, "SELECT "+projectColumns+" FROM projects p WHERE p.org_id = $1 ORDER BY p.id", org,
		scanProject); err != nil {
		return err
	}
	if g.Resources, err = queryAll(ctx, t, op, "SELECT "+resourceColumns+" FROM resources r WHERE r.org_id = $1 ORDER BY r.seq", org,
		func(s scanner) (*keyward.Resource, error) {
			var key string
			return scanResource(s, &key)
		}); err != nil {
		return err
	}
	if g.Overrides, err = queryAll(ctx, t, op, "SELECT "+overrideColumns+" FROM overrides o WHERE o.org_id = $1 ORDER BY o.id", org,
		func(s scanner) (*keyward.Override, error) {
			var key string
			return scanOverride(s, &key)
		}); err != nil {
		return err
	}
	g.RoleGrids, err = queryAll(ctx, t, op, "SELECT "+roleGridColumns+` FROM role_grids g
		JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id
		WHERE g.org_id = $1 AND r.deleted_at IS NULL ORDER BY g.role_id`, org, scanRoleGrid)
	return err
}

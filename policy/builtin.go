package policy

import (
	"slices"
	"strings"
)

// BuiltinRole is an assignable role shipped with keyward: read-only, the same in every
// organization and generated from the catalog and the grid, so a new catalog action reaches
// every built-in role whose grid cells or wildcard take it in. ID is derived from Name and
// never changes. Doc is what the role grants when bound to the organization; ProjectDoc what
// it grants when bound to one project (where it applies to that project and what is in it).
// Grid is set for the roles defined by a grid. The documents are shared: do not modify them.
type BuiltinRole struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Family      string    `json:"family"` // "team" (Admin, Operator, Viewer) or "oxide"
	Aliases     []string  `json:"aliases,omitempty"`
	Grid        Grid      `json:"grid,omitempty"`
	Doc         *Document `json:"document"`
	ProjectDoc  *Document `json:"project_document"`
}

// The built-in role families.
const (
	FamilyTeam  = "team"
	FamilyOxide = "oxide"
)

// allCells grants every column of every group except those in except.
func allCells(cat *Catalog, levels []GridLevel, except ...string) Grid {
	g := Grid{}
	for _, sg := range cat.groups {
		if slices.Contains(except, sg.ID) {
			continue
		}
		for _, l := range levels {
			if sg.Allows(l) {
				g[sg.ID] = append(g[sg.ID], l)
			}
		}
	}
	return g
}

// with returns g with the cells of more added.
func (g Grid) with(more Grid) Grid {
	out := Grid{}
	for id, ls := range g {
		out[id] = slices.Clone(ls)
	}
	for id, ls := range more {
		out[id] = append(out[id], ls...)
	}
	return out.Canonical()
}

var everything = &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}

// BuiltinRoles returns the built-in roles for a catalog (nil means DefaultCatalog), sorted
// by name. The team roles mean what the team-management seed says:
//
//   - Viewer: View on every group but Team Management and API Tokens (billing included);
//   - Operator: View and Manage on every group but Billing (View only), Team Management and
//     API Tokens: it never deletes;
//   - Admin: every action, team and tokens included (no one may remove the root owner, which
//     the service enforces for everyone).
//
// The Oxide roles (oxide:admin ⊃ oxide:collaborator ⊃ oxide:limited_collaborator ⊃
// oxide:viewer; their Oxide spellings are their Aliases) follow Oxide's Polar code
// (docs/authorization.md lists where it differs from Oxide's docs). Bound to the
// organization (an Oxide silo role) a role applies in every project; collaborator there is
// project admin everywhere and may create projects, as in Oxide, while bound to one project
// it may neither change nor delete the project nor its bindings.
func BuiltinRoles(cat *Catalog) []BuiltinRole {
	if cat == nil {
		cat = DefaultCatalog()
	}
	cat.builtinOnce.Do(func() { cat.builtin = buildBuiltin(cat) })
	return slices.Clone(cat.builtin)
}

func buildBuiltin(cat *Catalog) []BuiltinRole {
	vm := []GridLevel{GridView, GridManage}
	viewer := allCells(cat, []GridLevel{GridView}, "team_management", "api_tokens")
	operator := allCells(cat, vm, "billing", "team_management", "api_tokens").with(Grid{"billing": {GridView}})
	oxViewer := allCells(cat, []GridLevel{GridView}, "api_tokens")
	// Oxide's "InProjectLimited" resources (instances, disks, snapshots, images, floating IPs)
	// are created, changed and deleted; networking and the rest are only read.
	limited := oxViewer.with(Grid{
		"compute_instances": {GridManage, GridDelete},
		"images_isos":       {GridManage, GridDelete},
		"static_ips":        {GridManage, GridDelete},
	})
	// Oxide collaborator: every child resource of a project, networking included.
	collab := allCells(cat, GridLevels(), "billing", "projects", "team_management", "api_tokens").with(Grid{
		"billing": {GridView}, "projects": {GridView}, "team_management": {GridView},
	})
	collabOrg := collab.with(Grid{"projects": {GridManage, GridDelete}})
	grid := func(name, family, desc string, g Grid, aliases ...string) BuiltinRole {
		d := g.Document(cat)
		return BuiltinRole{Name: name, Family: family, Description: desc, Grid: g, Doc: d, ProjectDoc: d, Aliases: aliases}
	}
	roles := []BuiltinRole{
		{Name: "Admin", Family: FamilyTeam, Description: "Full access: every resource, team management and API tokens. No one may remove the account owner.", Doc: everything, ProjectDoc: everything},
		grid("Operator", FamilyTeam, "View and manage every operational resource; never deletes. No billing changes, team management or API tokens.", operator),
		grid("Viewer", FamilyTeam, "Read every resource, metric, configuration and billing information. No team management or API tokens.", viewer),
		{Name: "oxide:admin", Family: FamilyOxide, Aliases: []string{"admin"}, Description: "Oxide admin: everything in the organization (silo) or project, its role assignments included.", Doc: everything, ProjectDoc: everything},
		{Name: "oxide:collaborator", Family: FamilyOxide, Aliases: []string{"collaborator"}, Grid: collabOrg,
			Description: "Oxide collaborator: creates, changes and deletes every resource in a project, networking included. Bound to the organization it is project admin everywhere and may create projects; bound to a project it may not change or delete the project or its role assignments.",
			Doc:         collabOrg.Document(cat), ProjectDoc: collab.Document(cat)},
		grid("oxide:limited_collaborator", FamilyOxide, "Oxide limited collaborator: creates, changes and deletes instances, disks, snapshots, images and floating IPs; only reads networking; cannot create projects.", limited, "limited_collaborator", "limited-collaborator"),
		grid("oxide:viewer", FamilyOxide, "Oxide viewer: reads and lists the organization or project and everything in it.", oxViewer, "viewer"),
	}
	for i := range roles {
		roles[i].ID = BuiltinRoleID(roles[i].Name)
	}
	slices.SortFunc(roles, func(a, b BuiltinRole) int { return strings.Compare(a.Name, b.Name) })
	return roles
}

// BuiltinRoleByID returns the built-in role with the given id (any case).
func BuiltinRoleByID(cat *Catalog, id string) (BuiltinRole, bool) {
	for _, r := range BuiltinRoles(cat) {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return BuiltinRole{}, false
}

// BuiltinRoleByName returns the built-in role whose Name or one of whose Aliases is name,
// exactly: "Admin" is the team role, "admin" Oxide's.
func BuiltinRoleByName(cat *Catalog, name string) (BuiltinRole, bool) {
	for _, r := range BuiltinRoles(cat) {
		if r.Name == name || slices.Contains(r.Aliases, name) {
			return r, true
		}
	}
	return BuiltinRole{}, false
}

// IsBuiltinRoleName reports whether name is, ignoring case, the name or an alias of a
// built-in role: a custom role may not take it.
func IsBuiltinRoleName(name string) bool {
	for _, r := range BuiltinRoles(nil) {
		if strings.EqualFold(r.Name, name) || slices.ContainsFunc(r.Aliases, func(a string) bool { return strings.EqualFold(a, name) }) {
			return true
		}
	}
	return false
}

// BuiltinRoleID returns the id of the built-in role with the given name: the UUIDv5 (RFC
// 9562, SHA-1) of "keyward:builtin-role:" + name in the URL namespace, as ManagedPolicyID.
func BuiltinRoleID(name string) string {
	return uuidV5("keyward:builtin-role:" + name)
}

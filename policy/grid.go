package policy

import (
	"encoding/json"
	"slices"
	"strings"
)

// GridLevel is a column of the permission grid: what a role may do in one service group.
type GridLevel string

// The grid's columns, as the team-management seed names them.
const (
	GridView   GridLevel = "view"   // read-only access
	GridManage GridLevel = "manage" // create and modify
	GridDelete GridLevel = "delete" // destroy
)

// GridLevels lists the columns in grid order.
func GridLevels() []GridLevel { return []GridLevel{GridView, GridManage, GridDelete} }

// ServiceGroup is a row of the permission grid: a named set of catalog action patterns and,
// for each column the seed allows, the access levels of the actions that column grants.
// ID is the group's canonical name on the wire (`compute_instances`).
type ServiceGroup struct {
	ID       string                `json:"id"`
	Name     string                `json:"name"`
	Patterns []string              `json:"patterns"`
	Cells    map[GridLevel][]Level `json:"cells"`
}

// Allows reports whether the group has the column l.
func (g *ServiceGroup) Allows(l GridLevel) bool { _, ok := g.Cells[l]; return ok }

var (
	readLevels        = []Level{LevelRead}
	writeLevels       = []Level{LevelWrite}
	deleteLevels      = []Level{LevelDelete, LevelAdmin}
	writeDeleteLevels = []Level{LevelWrite, LevelDelete, LevelAdmin} // a Manage with no Delete column beside it
	allColumns        = map[GridLevel][]Level{GridView: readLevels, GridManage: writeLevels, GridDelete: deleteLevels}
	serviceRow        = []ServiceGroup{
		{ID: "compute_instances", Name: "Compute Instances", Patterns: []string{"compute.instance.*", "compute.baremetal.*", "compute.backup.*", "storage.block.*", "storage.vfs.*", "kubernetes.*", "container.*"}, Cells: allColumns},
		{ID: "vpcs", Name: "VPCs", Patterns: []string{"network.vpc.*", "network.vpc2.*", "network.vpcpeering.*", "network.dns.*", "account.bgp.*"}, Cells: allColumns},
		{ID: "load_balancers", Name: "Load Balancers", Patterns: []string{"network.loadbalancer.*"}, Cells: allColumns},
		{ID: "security_groups", Name: "Security Groups", Patterns: []string{"network.firewall.*"}, Cells: allColumns},
		{ID: "databases", Name: "Databases", Patterns: []string{"database.*"}, Cells: allColumns},
		{ID: "object_storage", Name: "Object Storage", Patterns: []string{"storage.object.*"}, Cells: allColumns},
		{ID: "images_isos", Name: "Images & ISOs", Patterns: []string{"compute.image.*", "compute.iso.*", "compute.snapshot.*"}, Cells: allColumns},
		{ID: "static_ips", Name: "Static IPs", Patterns: []string{"network.reservedip.*"}, Cells: allColumns},
		{ID: "autoscaling", Name: "Autoscaling", Patterns: []string{"autoscaling.*"}, Cells: allColumns},
		// Billing's Manage is "manage billing settings": removing a payment method is one.
		{ID: "billing", Name: "Billing", Patterns: []string{"billing.*", "account.billing.*", "account.plan.*", "account.bandwidth.*"}, Cells: map[GridLevel][]Level{GridView: readLevels, GridManage: writeDeleteLevels}},
		{ID: "ssh_keys", Name: "SSH Keys", Patterns: []string{"compute.sshkey.*"}, Cells: allColumns},
		{ID: "user_scripts", Name: "User Scripts", Patterns: []string{"compute.startupscript.*"}, Cells: allColumns},
		{ID: "projects", Name: "Projects", Patterns: []string{"iam.project.*", "iam.resource.*"}, Cells: allColumns},
		// Monitoring's Manage is "create/edit alert rules": deleting one is left to roles with
		// every action (Admin), so that Operator never deletes.
		{ID: "monitoring_alerts", Name: "Monitoring & Alerts", Patterns: []string{"monitoring.*", "account.log.*", "account.auditlog.*", "iam.auditevent.*", "support.*"}, Cells: map[GridLevel][]Level{GridView: readLevels, GridManage: writeLevels}},
		// Team Management's Manage is "invite/remove members, manage roles": removing is part of it.
		{ID: "team_management", Name: "Team Management", Patterns: []string{
			"iam.organization.*", "iam.user.*", "iam.group.*", "iam.role.*", "iam.policy.*", "iam.roletrust.*",
			"iam.assumedrole.*", "iam.invitation.*", "iam.binding.*", "iam.override.*", "iam.authorization.*",
			"iam.catalog.*", "iam.mail.*", "iam.identityprovider.*", "iam.scimtoken.*", "account.user.*", "user.acl.*", "oidc.issuer.*", "oidc.provider.*",
		}, Cells: map[GridLevel][]Level{GridView: readLevels, GridManage: writeDeleteLevels}},
		// API Tokens has one column: "create and revoke tokens", listing them included.
		{ID: "api_tokens", Name: "API Tokens", Patterns: []string{"iam.apikey.*", "oidc.token.*"}, Cells: map[GridLevel][]Level{GridManage: {LevelRead, LevelWrite, LevelDelete, LevelAdmin}}},
	}
)

// isBuiltinGroup reports whether id is a row of the built-in grid.
func isBuiltinGroup(id string) bool {
	return slices.ContainsFunc(serviceRow, func(g ServiceGroup) bool { return g.ID == id })
}

// groupActions puts every action of c in one row of the grid: the row its resource type
// declares; else the first built-in row with a pattern that covers it; else a row of its
// service's own (id the service, every column). Rows without actions are left out; the
// fleet's actions are in no row, since a role of an organization never grants them.
func (c *Catalog) groupActions() {
	c.groups, c.members = nil, nil
	at := map[string]int{}
	add := func(g ServiceGroup) int {
		if i, ok := at[g.ID]; ok {
			return i
		}
		at[g.ID] = len(c.groups)
		c.groups = append(c.groups, g)
		c.members = append(c.members, nil)
		return len(c.groups) - 1
	}
	for _, g := range serviceRow {
		add(g)
	}
	for _, g := range c.declared {
		add(ServiceGroup{ID: g.ID, Name: g.Name, Cells: allColumns})
	}
	typeGroup := map[string]string{}
	for _, t := range c.types {
		if t.GridGroup != "" {
			typeGroup[foldString(t.Name)] = t.GridGroup
			g := &c.groups[at[t.GridGroup]]
			if i := at[t.GridGroup]; i >= len(serviceRow) {
				g.Patterns = append(g.Patterns, t.Name+".*")
			}
		}
	}
	for i, a := range c.actions {
		if a.Service == "fleet" {
			continue
		}
		id, ok := typeGroup[foldString(a.Service+"."+a.Resource)]
		if !ok {
			for _, g := range serviceRow {
				if slices.ContainsFunc(g.Patterns, func(p string) bool { return glob(foldString(p), c.folded[i]) }) {
					id, ok = g.ID, true
					break
				}
			}
		}
		if !ok {
			id = a.Service
			if _, exists := at[id]; !exists {
				add(ServiceGroup{ID: id, Name: serviceDisplayName(a.Service), Patterns: []string{a.Service + ".*"}, Cells: allColumns})
			}
		}
		c.members[at[id]] = append(c.members[at[id]], int32(i))
	}
	kept := 0
	for i := range c.groups {
		if len(c.members[i]) > 0 {
			c.groups[kept], c.members[kept] = c.groups[i], c.members[i]
			kept++
		}
	}
	c.groups, c.members = slices.Clip(c.groups[:kept]), slices.Clip(c.members[:kept])
}

// ServiceGroups returns the rows of the permission grid: the built-in rows of the
// team-management seed that have actions in c, in the seed's order, then the rows the
// catalog's parts declare, then one row per service whose actions no other row takes.
// Every action but the fleet's belongs to exactly one row, and a row's columns grant its
// actions of their levels, so a new action joins the grid, and every role generated from
// it, by its name and level alone.
func (c *Catalog) ServiceGroups() []ServiceGroup { return slices.Clone(c.groups) }

// ServiceGroupByID returns the row with the given id.
func (c *Catalog) ServiceGroupByID(id string) (ServiceGroup, bool) {
	if i := c.groupIndex(id); i >= 0 {
		return c.groups[i], true
	}
	return ServiceGroup{}, false
}

func (c *Catalog) groupIndex(id string) int {
	return slices.IndexFunc(c.groups, func(g ServiceGroup) bool { return g.ID == id })
}

// ResourceTypes returns the resource types the catalog's parts declare, sorted by name.
func (c *Catalog) ResourceTypes() []ResourceType { return slices.Clone(c.types) }

// HasResourceType reports whether name (any case) is a resource type of the catalog: the
// `service.resource` of one of its actions, or a type a part declares. If not, it returns
// the nearest type, if one is near.
func (c *Catalog) HasResourceType(name string) (ok bool, near string) {
	f := foldString(name)
	for _, r := range c.resources {
		if foldString(r) == f {
			return true, ""
		}
	}
	for _, t := range c.types {
		if foldString(t.Name) == f {
			return true, ""
		}
	}
	near, _ = nearest(name, c.resources)
	return false, near
}

// Grid is a role's permissions in grid form: service group id → the columns granted. A
// group that is absent, or present with no columns, grants nothing.
type Grid map[string][]GridLevel

// Validate returns a FieldError for every group cat's grid lacks, unknown column, repeated
// column or column the group does not have (the seed's "--" cells), with Path
// `grid.<group>` or `grid.<group>.<level>`, sorted by path; nil if the grid is valid.
func (g Grid) Validate(cat *Catalog) ValidationErrors {
	var errs ValidationErrors
	for id, levels := range g {
		sg, ok := cat.ServiceGroupByID(id)
		if !ok {
			errs = append(errs, &FieldError{Path: "grid." + id, Field: "grid", Message: "unknown service group " + id + "; the groups are " + cat.groupIDs()})
			continue
		}
		seen := map[GridLevel]bool{}
		for _, l := range levels {
			p := "grid." + id + "." + string(l)
			switch {
			case l != GridView && l != GridManage && l != GridDelete:
				errs = append(errs, &FieldError{Path: p, Field: "grid", Message: "unknown permission " + string(l) + "; want view, manage or delete"})
			case !sg.Allows(l):
				errs = append(errs, &FieldError{Path: p, Field: "grid", Message: sg.Name + " has no " + string(l) + " permission"})
			case seen[l]:
				errs = append(errs, &FieldError{Path: p, Field: "grid", Message: "permission given twice"})
			}
			seen[l] = true
		}
	}
	if len(errs) == 0 {
		return nil
	}
	slices.SortFunc(errs, func(a, b *FieldError) int { return strings.Compare(a.Path, b.Path) })
	return errs
}

func (c *Catalog) groupIDs() string {
	ids := make([]string, len(c.groups))
	for i, g := range c.groups {
		ids[i] = g.ID
	}
	return strings.Join(ids, ", ")
}

// Canonical returns the grid with its groups' columns in grid order, repeats and empty
// groups dropped, so that equal grids print equally. It does not validate.
func (g Grid) Canonical() Grid {
	out := Grid{}
	for id, levels := range g {
		var ls []GridLevel
		for _, l := range GridLevels() {
			if slices.Contains(levels, l) {
				ls = append(ls, l)
			}
		}
		if len(ls) > 0 {
			out[id] = ls
		}
	}
	return out
}

// Has reports whether the grid grants column l of group id.
func (g Grid) Has(id string, l GridLevel) bool { return slices.Contains(g[id], l) }

// MarshalJSON prints the canonical grid, groups sorted by id.
func (g Grid) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string][]GridLevel(g.Canonical()))
}

// Actions returns, sorted, the names of the catalog actions (nil means DefaultCatalog) that
// the grid grants: for each granted cell, the group's actions whose level the cell takes.
// It does not validate: unknown groups and columns grant nothing.
func (g Grid) Actions(cat *Catalog) []string {
	if cat == nil {
		cat = DefaultCatalog()
	}
	var out []string
	for i, sg := range cat.groups {
		var levels []Level
		for _, l := range g[sg.ID] {
			levels = append(levels, sg.Cells[l]...)
		}
		for _, j := range cat.members[i] {
			if slices.Contains(levels, cat.actions[j].Level) {
				out = append(out, cat.actions[j].Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Document returns the policy the grid generates: one Allow statement listing Actions on
// every resource (a binding or override decides where it applies), or nil if the grid
// grants nothing.
func (g Grid) Document(cat *Catalog) *Document {
	acts := g.Actions(cat)
	if len(acts) == 0 {
		return nil
	}
	return &Document{Version: Version, Statement: []Statement{{Sid: "grid", Effect: EffectAllow, Action: acts, Resource: []string{"*"}}}}
}

// GridGroupOf returns the id of the grid row the action named name belongs to, "" for an
// action in no row (the fleet's) or not in the catalog.
func (c *Catalog) GridGroupOf(name string) string {
	i, ok := c.lookup(name)
	if !ok {
		return ""
	}
	for g, m := range c.members {
		if _, found := slices.BinarySearch(m, i); found {
			return c.groups[g].ID
		}
	}
	return ""
}

// GroupActions returns the names of the actions of the grid row id, in catalog order.
func (c *Catalog) GroupActions(id string) []string {
	g := c.groupIndex(id)
	if g < 0 {
		return nil
	}
	out := make([]string, len(c.members[g]))
	for k, i := range c.members[g] {
		out[k] = c.actions[i].Name
	}
	return out
}

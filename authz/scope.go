package authz

import (
	"encoding/json"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// LayerOverride: the member has an override on the request's project,
// which replaced its role-derived permissions there; its policies (the
// override's and those not from roles) decided.
const LayerOverride = "override"

// shared is what every snapshot of an Authorizer uses: the managed policies
// and the built-in roles, the same in every organization.
type shared struct {
	managed map[keyward.PolicyID]*policyNode
	builtin map[keyward.RoleID]builtinRole
}

// builtinRole is a built-in role as two role nodes: what it grants bound to
// the organization, and bound to one project.
type builtinRole struct {
	org, project *roleNode
}

// builtinRoles makes the nodes of the catalog's built-in roles. Each grants
// one policy, named for the role, whose id is the role's.
func builtinRoles(cat *policy.Catalog) map[keyward.RoleID]builtinRole {
	out := map[keyward.RoleID]builtinRole{}
	for _, b := range policy.BuiltinRoles(cat) {
		role := &keyward.Role{ID: keyward.RoleID(b.ID), Name: b.Name, Description: b.Description, Type: keyward.RoleAssignable}
		node := func(doc *policy.Document) *roleNode {
			return &roleNode{role: role, policies: []*policyNode{{
				id: keyward.PolicyID(b.ID), name: b.Name + " (built-in role)", managed: true, doc: doc,
			}}}
		}
		out[role.ID] = builtinRole{org: node(b.Doc), project: node(b.ProjectDoc)}
	}
	return out
}

// projectScope holds what ties requests to projects: the project of each
// registered resource and each member's overrides. Keys are lowercase.
type projectScope struct {
	projects  map[string]bool                           // the organization's project ids
	resources map[string]string                         // resource id → project id
	overrides map[keyward.UserID]map[string]*policyNode // user → project → override policy
}

// scopeProjects indexes g's resources and overrides, and gives each
// grid-defined role the policy its grid generated.
func (s *Snapshot) scopeProjects(cat *policy.Catalog, g *keyward.Graph) {
	s.scope = projectScope{projects: map[string]bool{}, resources: map[string]string{}, overrides: map[keyward.UserID]map[string]*policyNode{}}
	for _, p := range g.Projects {
		s.scope.projects[strings.ToLower(string(p.ID))] = true
	}
	for _, r := range g.Resources {
		s.scope.resources[strings.ToLower(r.ID)] = strings.ToLower(string(r.ProjectID))
	}
	for _, o := range g.Overrides {
		key := strings.ToLower(string(o.ProjectID))
		n := &policyNode{id: keyward.PolicyID(o.ProjectID), name: "override of project " + key}
		// JSON null: nothing from roles in this project. Anything else is
		// read as any stored document: a broken one can only deny.
		if len(o.Document) > 0 && string(o.Document) != "null" {
			n.doc, n.err = policy.Decode(cat, o.Document)
		} else {
			n.doc = &policy.Document{Version: policy.Version}
		}
		if s.scope.overrides[o.UserID] == nil {
			s.scope.overrides[o.UserID] = map[string]*policyNode{}
		}
		s.scope.overrides[o.UserID][key] = n
	}
	for _, rg := range g.RoleGrids {
		r := s.roles[rg.RoleID]
		if r == nil || len(rg.Document) == 0 || !json.Valid(rg.Document) {
			continue
		}
		n := &policyNode{id: keyward.PolicyID(rg.RoleID), name: r.role.Name + " (grid)", managed: true}
		n.doc, n.err = policy.Decode(cat, rg.Document)
		r.policies = append(r.policies, n)
	}
}

// projectOf returns the project of r: the one it names or, for a resource
// registered with keyward, the resource's.
func (s *Snapshot) projectOf(r *Request) string {
	if r.Own || r.Project != "" || r.Resource == "" {
		return r.Project
	}
	return s.scope.resources[strings.ToLower(r.Resource)]
}

// override returns u's override on the project (lowercase key), or nil.
func (s *Snapshot) override(u *userNode, key string) *policyNode {
	if key == "" {
		return nil
	}
	return s.scope.overrides[u.user.Account.ID][key]
}

// overrideVia is the path of an override's policy.
func overrideVia(project string) string { return "override @ project:" + project }

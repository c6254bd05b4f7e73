package authz

import (
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
	byName  map[string]*policyNode // the managed policies, by name
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
			return &roleNode{role: role, via: "role:" + role.Name, policies: []*policyNode{newPolicyNode(cat, policyNode{
				id: keyward.PolicyID(b.ID), name: b.Name + " (built-in role)", managed: true, doc: doc,
			})}}
		}
		out[role.ID] = builtinRole{org: node(b.Doc), project: node(b.ProjectDoc)}
	}
	return out
}

// projectScope holds what ties requests to projects: the organization's
// projects and the project and type of each registered resource. Keys are
// lowercase. A member's overrides are on its node (userNode.overrides).
type projectScope struct {
	projects  map[string]bool       // the organization's project ids
	resources map[string]registered // resource id → where it is, what it is
}

// registered is a registered resource's project and type.
type registered struct{ project, typ string }

func (p *projectScope) addProjects(ps []*keyward.Project) {
	for _, pr := range ps {
		p.projects[lowerID(string(pr.ID))] = true
	}
}

// addResources adds rs, each naming its project by the string the
// projects are keyed by (one per project, not one per resource).
func (p *projectScope) addResources(rs []*keyward.Resource) {
	projects := make(map[string]string, len(p.projects))
	for id := range p.projects {
		projects[id] = id
	}
	types := map[string]string{}
	for _, r := range rs {
		pr := lowerID(string(r.ProjectID))
		if c, ok := projects[pr]; ok {
			pr = c
		}
		typ, ok := types[r.Type]
		if !ok {
			typ = r.Type
			types[typ] = typ
		}
		p.resources[lowerID(r.ID)] = registered{pr, typ}
	}
}

// overrideNode is the policy of override o.
func overrideNode(cat *policy.Catalog, o *keyward.Override) *policyNode {
	key := lowerID(string(o.ProjectID))
	n := policyNode{id: keyward.PolicyID(o.ProjectID), name: "override of project " + key}
	// JSON null: nothing from roles in this project. Anything else is read
	// as any stored document: a broken one can only deny.
	if len(o.Document) > 0 && string(o.Document) != "null" {
		n.doc, n.err = policy.Decode(cat, o.Document)
	} else {
		n.doc = &policy.Document{Version: policy.Version}
	}
	return newPolicyNode(cat, n)
}

// projectOf returns the project of r: the one it names or, for a resource
// registered with keyward, the resource's.
func (s *Snapshot) projectOf(r *Request) string {
	if r.Own || r.Project != "" || r.Resource == "" {
		return r.Project
	}
	return s.scope.resources[lowerID(r.Resource)].project
}

// typeOf returns the type of r's resource: the one it names or, for a
// resource registered with keyward, the resource's; "" leaves it to the
// action (policy.Request.Type).
func (s *Snapshot) typeOf(r *Request) string {
	if r.Own || r.Type != "" || r.Resource == "" {
		return r.Type
	}
	return s.scope.resources[lowerID(r.Resource)].typ
}

// Registered returns the project and type of the resource id (any case)
// registered in the snapshot's organization; ok is false if it is not.
func (s *Snapshot) Registered(id string) (project, typ string, ok bool) {
	reg, ok := s.scope.resources[lowerID(id)]
	return reg.project, reg.typ, ok
}

// override returns u's override on the project (lowercase key), or nil.
func (s *Snapshot) override(u *userNode, key string) *policyNode {
	if key == "" {
		return nil
	}
	return u.overrides[key]
}

// overrideVia is the path of an override's policy.
func overrideVia(project string) string { return "override @ project:" + project }

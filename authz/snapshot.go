package authz

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// Snapshot is one organization's access graph at one revision. It is
// immutable but for each user's compiled set, and safe for concurrent use.
type Snapshot struct {
	Org      keyward.OrgID
	Revision int64

	cat      *policy.Catalog
	users    map[keyward.UserID]*userNode
	order    []*userNode // users in the graph's order, for who-can
	groups   map[keyward.GroupID]*groupNode
	scope    projectScope // registered resources and project overrides (scope.go)
	roles    map[keyward.RoleID]*roleNode
	policies map[keyward.PolicyID]*policyNode
	byName   map[string]*policyNode // the managed policies, by name
	assume   *assumeIndex           // role sets for sessions, automatic trusts (trust.go)
	// requireTenant denies a request about a resource that is neither
	// registered here nor named with its organization (Options).
	requireTenant bool
}

type userNode struct {
	user     *keyward.User
	groups   []*groupNode
	roles    []*roleNode              // org-wide bindings to the user
	policies []*policyNode            // attached directly
	set      atomic.Pointer[compiled] // the user's policies, compiled on first use
	projects projectRoles             // project bindings to the user
	// inProject holds the user's sets for the projects where it has project
	// bindings (directly or through a group): project id → *compiled.
	inProject sync.Map
}

type groupNode struct {
	group    *keyward.Group
	roles    []*roleNode
	policies []*policyNode
	projects projectRoles // project bindings to the group
}

type roleNode struct {
	role     *keyward.Role
	policies []*policyNode
}

type policyNode struct {
	id      keyward.PolicyID
	name    string
	managed bool
	doc     *policy.Document
	// err is set when a stored document no longer parses (for example an
	// action left the catalog). Its broken statements then never allow,
	// its Deny statements still deny, and the set's diagnostics say why.
	err error
}

// compiled is one principal's compiled policies.
type compiled struct {
	inputs []policy.Input
	set    *policy.Set
}

// docCache keeps parsed custom documents between snapshots, keyed by policy
// id and version, so that a rebuild parses only what changed.
type docCache map[docKey]*policyNode

type docKey struct {
	id      keyward.PolicyID
	version int64
}

// build makes the snapshot of g. Parsed documents are taken from prev when
// their version has not changed; the returned cache holds this snapshot's.
func build(cat *policy.Catalog, sh shared, g *keyward.Graph, prev docCache) (*Snapshot, docCache) {
	managed := sh.managed
	s := &Snapshot{
		Org:      g.Org.ID,
		Revision: g.Org.Revision,
		cat:      cat,
		users:    make(map[keyward.UserID]*userNode, len(g.Users)),
		order:    make([]*userNode, 0, len(g.Users)),
		groups:   make(map[keyward.GroupID]*groupNode, len(g.Groups)),
		roles:    make(map[keyward.RoleID]*roleNode, len(g.Roles)),
		policies: make(map[keyward.PolicyID]*policyNode, len(g.Policies)),
	}
	docs := make(docCache, len(g.Policies))
	for _, p := range g.Policies {
		k := docKey{p.ID, p.Version}
		n, ok := prev[k]
		if !ok {
			n = &policyNode{id: p.ID, name: p.Name}
			// Decode, not Parse: a stored document that has gone stale
			// (an action left the catalog) still denies what it denies,
			// and one that cannot be read at all denies everything.
			n.doc, n.err = policy.Decode(cat, p.Document)
		}
		docs[k] = n
		s.policies[p.ID] = n
	}
	for _, u := range g.Users {
		n := &userNode{user: u}
		s.users[u.Account.ID] = n
		s.order = append(s.order, n)
	}
	for _, gr := range g.Groups {
		s.groups[gr.ID] = &groupNode{group: gr}
	}
	for _, r := range g.Roles {
		s.roles[r.ID] = &roleNode{role: r}
	}
	for _, m := range g.GroupMembers {
		u, gr := s.users[m.UserID], s.groups[m.GroupID]
		if u != nil && gr != nil {
			u.groups = append(u.groups, gr)
		}
	}
	s.scopeProjects(cat, g)
	for _, b := range g.Bindings {
		r := s.roles[b.RoleID]
		if br, ok := sh.builtin[b.RoleID]; ok && r == nil {
			r = br.org
			if b.ProjectID != "" {
				r = br.project
			}
		}
		if r == nil || r.role.Type != keyward.RoleAssignable {
			continue
		}
		// A project binding applies inside its project only (project.go).
		switch b.PrincipalType {
		case keyward.PrincipalUser:
			if u := s.users[keyward.UserID(b.PrincipalID)]; u != nil {
				u.projects.add(b.ProjectID, r, &u.roles)
			}
		case keyward.PrincipalGroup:
			if gr := s.groups[keyward.GroupID(b.PrincipalID)]; gr != nil {
				gr.projects.add(b.ProjectID, r, &gr.roles)
			}
		}
	}
	for _, a := range g.Attachments {
		p := s.policies[a.PolicyID]
		if p == nil {
			p = managed[a.PolicyID]
		}
		if p == nil {
			continue // a deleted policy: it grants nothing until restored
		}
		switch a.TargetType {
		case keyward.PrincipalUser:
			if u := s.users[keyward.UserID(a.TargetID)]; u != nil {
				u.policies = append(u.policies, p)
			}
		case keyward.PrincipalGroup:
			if gr := s.groups[keyward.GroupID(a.TargetID)]; gr != nil {
				gr.policies = append(gr.policies, p)
			}
		case keyward.PrincipalRole:
			if r := s.roles[keyward.RoleID(a.TargetID)]; r != nil {
				r.policies = append(r.policies, p)
			}
		}
	}
	s.indexTrusts(g.Trusts)
	return s, docs
}

// inputs returns the policies that reach u, each with the path it comes
// through: "direct", "acl:<name>", "group:<name>", "role:<name>" or
// "group:<name> → role:<name>".
func (s *Snapshot) inputs(u *userNode, managedByName func(string) *policyNode) []policy.Input {
	return append(s.baseInputs(u, managedByName), s.roleDerivedInputs(u)...)
}

// baseInputs returns the policies that reach u other than through roles:
// attached to it, its legacy ACLs, attached to its groups. A project
// override replaces the rest (roleDerivedInputs) inside its project.
func (s *Snapshot) baseInputs(u *userNode, managedByName func(string) *policyNode) []policy.Input {
	var in []policy.Input
	add := func(p *policyNode, via string) {
		in = append(in, policy.Input{ID: string(p.id), Name: p.name, Via: via, Doc: p.doc})
	}
	for _, p := range u.policies {
		add(p, "direct")
	}
	for _, acl := range u.user.ACLs {
		names, _ := policy.ACLPolicyNames(acl)
		for _, name := range names {
			if p := managedByName(name); p != nil {
				add(p, "acl:"+acl)
			}
		}
	}
	for _, gr := range u.groups {
		for _, p := range gr.policies {
			add(p, "group:"+gr.group.Name)
		}
	}
	return in
}

// roleDerivedInputs returns the policies of the roles bound to u in the
// whole organization, directly or through its groups.
func (s *Snapshot) roleDerivedInputs(u *userNode) []policy.Input {
	var in []policy.Input
	for _, r := range u.roles {
		in = append(in, roleInputs(r, "role:"+r.role.Name)...)
	}
	for _, gr := range u.groups {
		for _, r := range gr.roles {
			in = append(in, roleInputs(r, fmt.Sprintf("group:%s → role:%s", gr.group.Name, r.role.Name))...)
		}
	}
	return in
}

package authz

import (
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// Snapshot is one organization's access graph at one revision. It is
// immutable but for each user's compiled set, and safe for concurrent use.
//
// A snapshot after a change is made from the one before by patch
// (patch.go), which replaces the nodes the change reached and shares the
// rest, compiled sets included.
type Snapshot struct {
	Org      keyward.OrgID
	Revision int64

	cat      *policy.Catalog
	sh       shared
	users    userMap
	reach    reach // the members each group, role and policy reaches (reach.go)
	groups   map[keyward.GroupID]*groupNode
	scope    projectScope // registered resources and projects (scope.go)
	roles    map[keyward.RoleID]*roleNode
	policies map[keyward.PolicyID]*policyNode
	byName   map[string]*policyNode // the managed policies, by name
	trusts   []*keyward.RoleTrust
	assume   *assumeIndex // role sets for sessions, automatic trusts (trust.go)
	// requireTenant denies a request about a resource that is neither
	// registered here nor named with its organization (Options).
	requireTenant bool
}

// A node holds the rows that make it (its edges, as the store has them)
// and what link resolved them to in its snapshot. Nodes are never changed
// once linked: a patch that reaches one makes a new one.

type userNode struct {
	user      *keyward.User
	memberOf  []keyward.GroupID
	bindings  []binding
	attached  []keyward.PolicyID
	overrides map[string]*policyNode // project (lowercase) → the override's policy
	// tags are user.Tags as the condition key keyward:PrincipalTag reads
	// them, made once per node so that a decision does not allocate; nil
	// when it has none.
	tags map[string]string

	// groups are the user's groups. The roles bound to it and the
	// policies attached to it are not kept resolved: only explanations
	// and links ask for them (eachPolicy), and a member's bytes count.
	groups []*groupNode
	// docs are the compiled documents of every policy that reaches the
	// user in the whole organization (those of inputs), each once, side by
	// side: what a decision reads (userNode.decide).
	docs     []*policy.Compiled
	projects projectRoles // project bindings to the user
	// sets holds the sets compiled for the user in projects, made when the
	// first is: most users never need one (decide walks docs).
	sets atomic.Pointer[userSets]
}

// userSets are the compiled sets of one user in one snapshot.
type userSets struct {
	// inProject holds its sets for the projects where it has project
	// bindings (directly or through a group) or an override: project id
	// → *compiled.
	inProject sync.Map
}

// compiledSets returns u's sets, making them on first use.
func (u *userNode) compiledSets() *userSets {
	if c := u.sets.Load(); c != nil {
		return c
	}
	u.sets.CompareAndSwap(nil, &userSets{})
	return u.sets.Load()
}

type groupNode struct {
	group    *keyward.Group
	via      string   // "group:<name>", the path of its policies
	roleVia  []string // "group:<name> → role:<name>" for each of roles
	bindings []binding
	attached []keyward.PolicyID

	roles    []*roleNode
	policies []*policyNode
	projects projectRoles // project bindings to the group
}

type roleNode struct {
	role     *keyward.Role
	via      string // "role:<name>", the path of its policies bound org-wide to a user
	attached []keyward.PolicyID
	grid     *policyNode // the policy a grid-defined role's grid generated; nil if none
	gridDoc  []byte      // the grid's document, as stored

	policies []*policyNode
}

type policyNode struct {
	id      keyward.PolicyID
	version int64 // of a custom policy
	name    string
	managed bool
	doc     *policy.Document
	// err is set when a stored document no longer parses (for example an
	// action left the catalog). Its broken statements then never allow,
	// its Deny statements still deny, and the set's diagnostics say why.
	err error
	// compiled is doc compiled, shared with every set that holds doc.
	compiled *policy.Compiled
}

// newPolicyNode returns n with its document compiled.
func newPolicyNode(cat *policy.Catalog, n policyNode) *policyNode {
	n.compiled = cat.CompileDocument(n.doc)
	return &n
}

// compiled is one principal's compiled policies.
type compiled struct {
	inputs []policy.Input
	set    *policy.Set
}

// docCache keeps parsed custom documents between snapshots, keyed by policy
// id and version, so that a rebuild parses only what changed. Only the
// organization's one update in flight uses it (Authorizer).
type docCache map[docKey]*policyNode

type docKey struct {
	id      keyward.PolicyID
	version int64
}

// node returns the node of p, parsed anew only if its version is not in c.
func (c docCache) node(cat *policy.Catalog, p *keyward.Policy) *policyNode {
	k := docKey{p.ID, p.Version}
	if n, ok := c[k]; ok {
		return n
	}
	n := policyNode{id: p.ID, version: p.Version, name: p.Name}
	// Decode, not Parse: a stored document that has gone stale (an action
	// left the catalog) still denies what it denies, and one that cannot be
	// read at all denies everything.
	n.doc, n.err = policy.Decode(cat, p.Document)
	c[k] = newPolicyNode(cat, n)
	return c[k]
}

// build makes the snapshot of g. Parsed documents are taken from docs when
// their version has not changed; docs is left holding this snapshot's.
func build(cat *policy.Catalog, sh shared, g *keyward.Graph, docs docCache) *Snapshot {
	s := &Snapshot{
		sh:       sh,
		byName:   sh.byName,
		Org:      g.Org.ID,
		Revision: g.Org.Revision,
		cat:      cat,
		users:    newUserMap(len(g.Users)),
		groups:   make(map[keyward.GroupID]*groupNode, len(g.Groups)),
		roles:    make(map[keyward.RoleID]*roleNode, len(g.Roles)),
		policies: make(map[keyward.PolicyID]*policyNode, len(g.Policies)),
		trusts:   g.Trusts,
	}
	live := make(map[docKey]bool, len(g.Policies))
	for _, p := range g.Policies {
		s.policies[p.ID] = docs.node(cat, p)
		live[docKey{p.ID, p.Version}] = true
	}
	for k := range docs {
		if !live[k] {
			delete(docs, k)
		}
	}
	e := edgesOf(g)
	for _, r := range g.Roles {
		s.roles[r.ID] = s.newRole(cat, r, e)
	}
	for _, gr := range g.Groups {
		s.groups[gr.ID] = s.newGroup(gr, e)
	}
	for _, u := range g.Users {
		s.users.add(s.newUser(cat, u, e))
	}
	s.reach = reachOf(s.users.nodes)
	s.scope = projectScope{projects: map[string]bool{}, resources: map[string]registered{}}
	s.scope.addProjects(g.Projects)
	s.scope.addResources(g.Resources)
	s.indexTrusts()
	return s
}

// edges are a graph's rows grouped by the node they belong to.
type edges struct {
	memberOf  map[keyward.UserID][]keyward.GroupID
	userBinds map[keyward.UserID][]binding
	userAtt   map[keyward.UserID][]keyward.PolicyID
	overrides map[keyward.UserID][]*keyward.Override
	grpBinds  map[keyward.GroupID][]binding
	grpAtt    map[keyward.GroupID][]keyward.PolicyID
	roleAtt   map[keyward.RoleID][]keyward.PolicyID
	grids     map[keyward.RoleID]*keyward.RoleGrid
}

func edgesOf(g *keyward.Graph) *edges {
	e := &edges{
		memberOf: map[keyward.UserID][]keyward.GroupID{}, userBinds: map[keyward.UserID][]binding{},
		userAtt: map[keyward.UserID][]keyward.PolicyID{}, overrides: map[keyward.UserID][]*keyward.Override{},
		grpBinds: map[keyward.GroupID][]binding{}, grpAtt: map[keyward.GroupID][]keyward.PolicyID{},
		roleAtt: map[keyward.RoleID][]keyward.PolicyID{}, grids: map[keyward.RoleID]*keyward.RoleGrid{},
	}
	// The ids of edges are interned: a group's id is one string however
	// many memberships name it (the store reads each anew), and the one
	// the snapshot's map of groups has as its key, so that linking a
	// member finds its groups, roles and policies by comparing pointers.
	in := map[string]string{}
	id := func(s string) string {
		if c, ok := in[s]; ok {
			return c
		}
		in[s] = s
		return s
	}
	for _, gr := range g.Groups {
		id(string(gr.ID))
	}
	for _, r := range g.Roles {
		id(string(r.ID))
	}
	for _, p := range g.Policies {
		id(string(p.ID))
	}
	for _, m := range g.GroupMembers {
		e.memberOf[m.UserID] = append(e.memberOf[m.UserID], keyward.GroupID(id(string(m.GroupID))))
	}
	for _, b := range g.Bindings {
		bd := binding{role: keyward.RoleID(id(string(b.RoleID))), project: id(b.ProjectID)}
		switch b.PrincipalType {
		case keyward.PrincipalUser:
			e.userBinds[keyward.UserID(b.PrincipalID)] = append(e.userBinds[keyward.UserID(b.PrincipalID)], bd)
		case keyward.PrincipalGroup:
			e.grpBinds[keyward.GroupID(b.PrincipalID)] = append(e.grpBinds[keyward.GroupID(b.PrincipalID)], bd)
		}
	}
	for _, a := range g.Attachments {
		p := keyward.PolicyID(id(string(a.PolicyID)))
		switch a.TargetType {
		case keyward.PrincipalUser:
			e.userAtt[keyward.UserID(a.TargetID)] = append(e.userAtt[keyward.UserID(a.TargetID)], p)
		case keyward.PrincipalGroup:
			e.grpAtt[keyward.GroupID(a.TargetID)] = append(e.grpAtt[keyward.GroupID(a.TargetID)], p)
		case keyward.PrincipalRole:
			e.roleAtt[keyward.RoleID(a.TargetID)] = append(e.roleAtt[keyward.RoleID(a.TargetID)], p)
		}
	}
	for _, o := range g.Overrides {
		e.overrides[o.UserID] = append(e.overrides[o.UserID], o)
	}
	for _, rg := range g.RoleGrids {
		e.grids[rg.RoleID] = rg
	}
	return e
}

// newRole makes and links the node of r from e.
func (s *Snapshot) newRole(cat *policy.Catalog, r *keyward.Role, e *edges) *roleNode {
	n := &roleNode{role: r, via: "role:" + r.Name, attached: e.roleAtt[r.ID]}
	if rg := e.grids[r.ID]; rg != nil && len(rg.Document) > 0 && json.Valid(rg.Document) {
		n.gridDoc = rg.Document
		grid := policyNode{id: keyward.PolicyID(r.ID), name: r.Name + " (grid)", managed: true}
		grid.doc, grid.err = policy.Decode(cat, rg.Document)
		n.grid = newPolicyNode(cat, grid)
	}
	s.linkRole(n)
	return n
}

// newGroup makes and links the node of gr from e.
func (s *Snapshot) newGroup(gr *keyward.Group, e *edges) *groupNode {
	n := &groupNode{group: gr, via: "group:" + gr.Name, bindings: e.grpBinds[gr.ID], attached: e.grpAtt[gr.ID]}
	s.linkGroup(n)
	return n
}

// newUser makes and links the node of u from e.
func (s *Snapshot) newUser(cat *policy.Catalog, u *keyward.User, e *edges) *userNode {
	id := u.Account.ID
	// The snapshot keeps what decides and what who-can shows: not the
	// password hash, and the ids it repeats once.
	row := *u
	row.PasswordHash = ""
	row.Member.OrgID, row.Member.UserID = s.Org, id
	n := &userNode{user: &row, memberOf: e.memberOf[id], bindings: e.userBinds[id], attached: e.userAtt[id], tags: tagMap(u.Tags)}
	for _, o := range e.overrides[id] {
		if n.overrides == nil {
			n.overrides = map[string]*policyNode{}
		}
		n.overrides[lowerID(string(o.ProjectID))] = overrideNode(cat, o)
	}
	s.linkUser(n)
	return n
}

// tagMap returns tags as a map from key to value, or nil for none.
func tagMap(tags []keyward.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// linkRole resolves r's attachments: a deleted policy grants nothing until
// restored.
func (s *Snapshot) linkRole(r *roleNode) {
	r.policies = s.attachedPolicies(r.attached)
	if r.grid != nil {
		r.policies = append(r.policies, r.grid)
	}
}

// linkGroup resolves g's bindings and attachments.
func (s *Snapshot) linkGroup(g *groupNode) {
	g.roles, g.projects = nil, nil
	for _, b := range g.bindings {
		switch r := s.boundRole(b); {
		case r == nil: // deleted, or not one that may be bound
		case b.project == "":
			g.roles = append(g.roles, r)
		default:
			g.projects.add(b.project, r)
		}
	}
	g.policies = s.attachedPolicies(g.attached)
	g.roleVia = make([]string, len(g.roles))
	for i, r := range g.roles {
		g.roleVia[i] = g.via + " → " + r.via
	}
}

// linkUser resolves u's groups, bindings and attachments. A group, role or
// policy the snapshot does not have (deleted) is left out.
func (s *Snapshot) linkUser(u *userNode) {
	u.groups, u.projects = make([]*groupNode, 0, len(u.memberOf)), nil
	for _, id := range u.memberOf {
		if g := s.groups[id]; g != nil {
			u.groups = append(u.groups, g)
		}
	}
	for _, b := range u.bindings {
		if b.project != "" {
			if r := s.boundRole(b); r != nil {
				u.projects.add(b.project, r)
			}
		}
	}
	// u.projects is not nil when a group of u has project bindings either,
	// so that a member with none anywhere is known by a glance
	// (projectSpecific).
	for _, g := range u.groups {
		if g.projects != nil && u.projects == nil {
			u.projects = projectRoles{}
		}
	}
	u.docs = s.docsOf(u)
}

// docsOf returns the compiled documents of the policies that reach u in
// the whole organization (eachPolicy), each once.
func (s *Snapshot) docsOf(u *userNode) []*policy.Compiled {
	// Listed on the stack, then copied once at its length: what the
	// snapshot keeps, a slice per member, is no larger than it must be.
	var buf [64]*policy.Compiled
	out := buf[:0]
	s.eachPolicy(u, true, true, func(p *policyNode, _ string) {
		if !slices.Contains(out, p.compiled) {
			out = append(out, p.compiled)
		}
	})
	return slices.Clone(out)
}

// binding is a role bound to a principal, in the whole organization
// (project "") or in one project.
type binding struct {
	role    keyward.RoleID
	project string
}

// boundRole returns the role node a binding grants, or nil: a deleted
// role, or one that may not be bound (assumable). A project binding
// applies inside its project only (project.go).
func (s *Snapshot) boundRole(b binding) *roleNode {
	r := s.roles[b.role]
	if r == nil {
		if br, ok := s.sh.builtin[b.role]; ok {
			r = br.org
			if b.project != "" {
				r = br.project
			}
		}
	}
	if r == nil || r.role.Type != keyward.RoleAssignable {
		return nil
	}
	return r
}

// attachedPolicies resolves attached policy ids: custom policies of the
// snapshot, else managed ones; others (deleted) are left out.
func (s *Snapshot) attachedPolicies(ids []keyward.PolicyID) []*policyNode {
	var out []*policyNode
	for _, id := range ids {
		if p := s.attachedPolicy(id); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// attachedPolicy resolves an attached policy id, or returns nil
// (attachedPolicies).
func (s *Snapshot) attachedPolicy(id keyward.PolicyID) *policyNode {
	if p := s.policies[id]; p != nil {
		return p
	}
	return s.sh.managed[id]
}

// inputs returns the policies that reach u, each with the path it comes
// through: "direct", "acl:<name>", "group:<name>", "role:<name>" or
// "group:<name> → role:<name>".
func (s *Snapshot) inputs(u *userNode) []policy.Input {
	return s.collectInputs(u, true, true)
}

// baseInputs returns the policies that reach u other than through roles:
// attached to it, its legacy ACLs, attached to its groups. A project
// override replaces the rest (roleDerivedInputs) inside its project.
func (s *Snapshot) baseInputs(u *userNode) []policy.Input {
	return s.collectInputs(u, true, false)
}

// roleDerivedInputs returns the policies of the roles bound to u in the
// whole organization, directly or through its groups.
func (s *Snapshot) roleDerivedInputs(u *userNode) []policy.Input {
	return s.collectInputs(u, false, true)
}

func (s *Snapshot) collectInputs(u *userNode, base, roles bool) []policy.Input {
	var in []policy.Input
	s.eachPolicy(u, base, roles, func(p *policyNode, via string) {
		in = append(in, p.input(via))
	})
	return in
}

// input is p as a policy of a member's set, reaching it through via.
func (p *policyNode) input(via string) policy.Input {
	return policy.Input{ID: string(p.id), Name: p.name, Via: via, Doc: p.doc, Compiled: p.compiled}
}

// eachPolicy is the one statement of which policies reach u in the whole
// organization: it calls fn with each and the path it comes through,
// when base those attached to u, of its legacy ACLs and attached to its
// groups, when roles those of the roles bound to u or its groups.
func (s *Snapshot) eachPolicy(u *userNode, base, roles bool, fn func(p *policyNode, via string)) {
	if base {
		for _, id := range u.attached {
			if p := s.attachedPolicy(id); p != nil {
				fn(p, Direct)
			}
		}
		for _, acl := range u.user.ACLs {
			names, _ := policy.ACLPolicyNames(acl)
			for _, name := range names {
				if p := s.byName[name]; p != nil {
					fn(p, "acl:"+acl)
				}
			}
		}
		for _, gr := range u.groups {
			for _, p := range gr.policies {
				fn(p, gr.via)
			}
		}
	}
	if roles {
		for _, b := range u.bindings {
			if b.project != "" {
				continue // project.go
			}
			if r := s.boundRole(b); r != nil {
				for _, p := range r.policies {
					fn(p, r.via)
				}
			}
		}
		for _, gr := range u.groups {
			for i, r := range gr.roles {
				for _, p := range r.policies {
					fn(p, gr.roleVia[i])
				}
			}
		}
	}
}

package keyward

// Graph is everything that decides access in one organization, read in one
// transaction at one revision: the input of an authorization snapshot.
// Deleted groups, roles and policies are left out (and so are the trusts
// and grids of deleted roles), but the memberships, bindings and
// attachments that reach them, or that a deleted group holds, are not: a
// snapshot links only the live groups, roles and policies it holds, so
// that when one is restored the principals that reach it already carry
// the edge.
type Graph struct {
	Org          *Organization
	Users        []*User // every member, suspended ones included
	Groups       []*Group
	GroupMembers []*GroupMember
	Roles        []*Role
	Bindings     []*RoleBinding
	Policies     []*Policy // custom policies only
	Attachments  []*Attachment
	// Trusts are the live trusts of live roles; expiry (ValidUntil) is
	// checked per request, since it does not move the revision.
	Trusts []*RoleTrust
	// Projects, the resources registered in them, the members' overrides on
	// them, and the grids of grid-defined roles (whose Document the role
	// grants as if attached), each in creation order.
	Projects  []*Project
	Resources []*Resource
	Overrides []*Override
	RoleGrids []*RoleGrid
}

// GraphChanges is what the changes committed to an organization after
// revision From, up to and including revision To, touched, as its change
// log records them. LoadGraphPart reads those entities anew.
type GraphChanges struct {
	From, To int64
	// All is set when the log cannot say: a revision in (From, To] has no
	// entry (older than the log keeps, or written before the log existed),
	// or a change touched something the log does not follow (the
	// organization itself, a project's deletion, a purge). The caller then
	// loads the whole graph.
	All       bool
	Users     []UserID // sorted, distinct
	Groups    []GroupID
	Roles     []RoleID
	Policies  []PolicyID
	Resources []string // resource ids (the provider's registered resources)
	Projects  bool     // a project was created or changed (not deleted: that is All)
	Trusts    bool     // a trust was created, changed or removed
}

// Empty reports whether c names nothing to reload.
func (c *GraphChanges) Empty() bool {
	return !c.All && len(c.Users) == 0 && len(c.Groups) == 0 && len(c.Roles) == 0 && len(c.Policies) == 0 &&
		len(c.Resources) == 0 && !c.Projects && !c.Trusts
}

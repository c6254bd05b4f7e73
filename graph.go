package keyward

// Graph is everything that decides access in one organization, read in one
// transaction at one revision: the input of an authorization snapshot.
// Deleted roles and policies are left out, and so are the bindings and
// attachments that reach them.
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

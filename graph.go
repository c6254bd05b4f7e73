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
}

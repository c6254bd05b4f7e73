package sqlstore_test

import (
	"cmp"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// patchGraph applies a change set to the graph at its From revision the
// way LoadGraphPart's contract allows: it drops from old every row the
// part's queries would have returned (the rows of c's entities, as
// GraphPart keeps them of old) and adds part's. With c.All, part is the
// whole graph.
func patchGraph(old, part *keyward.Graph, c *keyward.GraphChanges) *keyward.Graph {
	if c.All {
		return part
	}
	drop := sqlstore.GraphPart(old, c)
	return &keyward.Graph{
		Org:          part.Org,
		Users:        replaceRows(old.Users, drop.Users, part.Users),
		Groups:       replaceRows(old.Groups, drop.Groups, part.Groups),
		GroupMembers: replaceRows(old.GroupMembers, drop.GroupMembers, part.GroupMembers),
		Roles:        replaceRows(old.Roles, drop.Roles, part.Roles),
		Bindings:     replaceRows(old.Bindings, drop.Bindings, part.Bindings),
		Policies:     replaceRows(old.Policies, drop.Policies, part.Policies),
		Attachments:  replaceRows(old.Attachments, drop.Attachments, part.Attachments),
		Trusts:       replaceRows(old.Trusts, drop.Trusts, part.Trusts),
		Projects:     replaceRows(old.Projects, drop.Projects, part.Projects),
		Resources:    replaceRows(old.Resources, drop.Resources, part.Resources),
		Overrides:    replaceRows(old.Overrides, drop.Overrides, part.Overrides),
		RoleGrids:    replaceRows(old.RoleGrids, drop.RoleGrids, part.RoleGrids),
	}
}

// replaceRows returns old without the rows of drop (the same pointers),
// then part.
func replaceRows[T comparable](old, drop, part []T) []T {
	gone := make(map[T]bool, len(drop))
	for _, v := range drop {
		gone[v] = true
	}
	var out []T
	for _, v := range old {
		if !gone[v] {
			out = append(out, v)
		}
	}
	return append(out, part...)
}

// graphOrder compares graphs as sets of rows, each kind ordered by what
// identifies a row (a patched graph is in no particular order).
var graphOrder = gocmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.SortSlices(func(a, b *keyward.User) bool { return a.Account.ID < b.Account.ID }),
	cmpopts.SortSlices(func(a, b *keyward.Group) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b *keyward.GroupMember) bool {
		return cmp.Or(cmp.Compare(a.GroupID, b.GroupID), cmp.Compare(a.UserID, b.UserID)) < 0
	}),
	cmpopts.SortSlices(func(a, b *keyward.Role) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b *keyward.RoleBinding) bool {
		return cmp.Or(cmp.Compare(a.RoleID, b.RoleID), cmp.Compare(a.PrincipalType, b.PrincipalType),
			cmp.Compare(a.PrincipalID, b.PrincipalID), cmp.Compare(a.ProjectID, b.ProjectID)) < 0
	}),
	cmpopts.SortSlices(func(a, b *keyward.Policy) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b *keyward.Attachment) bool {
		return cmp.Or(cmp.Compare(a.PolicyID, b.PolicyID), cmp.Compare(a.TargetType, b.TargetType), cmp.Compare(a.TargetID, b.TargetID)) < 0
	}),
	cmpopts.SortSlices(func(a, b *keyward.RoleTrust) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b *keyward.Project) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b *keyward.Resource) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b *keyward.Override) bool {
		return cmp.Or(cmp.Compare(a.ProjectID, b.ProjectID), cmp.Compare(a.UserID, b.UserID)) < 0
	}),
	cmpopts.SortSlices(func(a, b *keyward.RoleGrid) bool { return a.RoleID < b.RoleID }),
}

// checkPatch reads, at org's current revision, the changes since the
// revision of old and the part they name, and checks that patching old
// with the part gives the whole graph, and that LoadGraphPart's queries
// return what the whole graph holds of c's entities. It returns the
// changes and the whole graph.
func checkPatch(t *testing.T, s keyward.Store, org keyward.OrgID, old *keyward.Graph) (*keyward.GraphChanges, *keyward.Graph) {
	t.Helper()
	ctx := t.Context()
	var c *keyward.GraphChanges
	var part, full *keyward.Graph
	read(t, s, func(tx keyward.Tx) (err error) {
		if c, err = tx.GraphChanges(ctx, org, old.Org.Revision); err != nil {
			return err
		}
		if part, err = tx.LoadGraphPart(ctx, org, c); err != nil {
			return err
		}
		full, err = tx.LoadGraph(ctx, org)
		return err
	})
	if c.From != old.Org.Revision || c.To != full.Org.Revision {
		t.Errorf("GraphChanges(%d) spans (%d, %d], want (%d, %d]", old.Org.Revision, c.From, c.To, old.Org.Revision, full.Org.Revision)
	}
	if diff := gocmp.Diff(full, patchGraph(old, part, c), graphOrder); diff != "" {
		t.Errorf("graph at %d patched with the changes since %d (%+v) differs from LoadGraph (-want +got):\n%s",
			full.Org.Revision, old.Org.Revision, c, diff)
	}
	if !c.All {
		if diff := gocmp.Diff(sqlstore.GraphPart(full, c), part, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("LoadGraphPart(%+v) differs from the whole graph's rows of its entities (-want +got):\n%s", c, diff)
		}
	}
	return c, full
}

// all returns the first error of errs, which ran in order.
func all(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func sortedIDs[T cmp.Ordered](s []T) []T {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

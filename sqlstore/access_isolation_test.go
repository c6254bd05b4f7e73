package sqlstore_test

import (
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestAccessCrossOrgIsolation checks that no method of GroupTx, RoleTx,
// PolicyTx or LoadGraph, asked about organization B, sees or changes a
// row of organization A.
func TestAccessCrossOrgIsolation(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		a, _, b, _, alice, shared := twoOrgs(t, s)
		gA, gB := newGroup(t, s, a.ID, "team-a"), newGroup(t, s, b.ID, "team-b")
		addToGroup(t, s, a.ID, gA.ID, alice.ID)
		addToGroup(t, s, a.ID, gA.ID, shared.ID)
		addToGroup(t, s, b.ID, gB.ID, shared.ID)
		rA, rB := newRole(t, s, a.ID, "role-a"), newRole(t, s, b.ID, "role-b")
		bind(t, s, a.ID, rA.ID, keyward.PrincipalUser, string(shared.ID), "")
		bind(t, s, a.ID, rA.ID, keyward.PrincipalGroup, string(gA.ID), "")
		bB := bind(t, s, b.ID, rB.ID, keyward.PrincipalUser, string(shared.ID), "")
		pA, pB := newPolicy(t, s, a.ID, "policy-a"), newPolicy(t, s, b.ID, "policy-b")
		attach(t, s, a.ID, pA.ID, keyward.PrincipalUser, string(shared.ID))
		attach(t, s, a.ID, pA.ID, keyward.PrincipalGroup, string(gA.ID))
		atB := attach(t, s, b.ID, pB.ID, keyward.PrincipalUser, string(shared.ID))

		graphOf := func(org keyward.OrgID) *keyward.Graph {
			t.Helper()
			var g *keyward.Graph
			read(t, s, func(tx keyward.Tx) (err error) { g, err = tx.LoadGraph(ctx, org); return err })
			return g
		}
		before := graphOf(a.ID)

		notFound := []writeCall{
			{"GetGroup", func(tx keyward.Tx) error { _, err := tx.GetGroup(ctx, b.ID, gA.ID); return err }},
			{"UpdateGroup", func(tx keyward.Tx) error {
				return tx.UpdateGroup(ctx, &keyward.Group{OrgID: b.ID, ID: gA.ID, Name: "stolen"})
			}},
			{"AddGroupMember(A's group)", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: b.ID, GroupID: gA.ID, UserID: shared.ID})
			}},
			{"AddGroupMember(A's user)", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: b.ID, GroupID: gB.ID, UserID: alice.ID})
			}},
			{"RemoveGroupMember", func(tx keyward.Tx) error { return tx.RemoveGroupMember(ctx, b.ID, gA.ID, alice.ID) }},
			{"RemoveGroupMember(member of both)", func(tx keyward.Tx) error { return tx.RemoveGroupMember(ctx, b.ID, gA.ID, shared.ID) }},
			{"ListGroupMembers", func(tx keyward.Tx) error {
				_, _, err := tx.ListGroupMembers(ctx, b.ID, gA.ID, keyward.Page{})
				return err
			}},
			{"GetRole", func(tx keyward.Tx) error { _, err := tx.GetRole(ctx, b.ID, rA.ID); return err }},
			{"UpdateRole", func(tx keyward.Tx) error {
				return tx.UpdateRole(ctx, &keyward.Role{OrgID: b.ID, ID: rA.ID, Name: "stolen", Type: keyward.RoleAssignable})
			}},
			{"CreateRoleBinding", func(tx keyward.Tx) error {
				return tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: b.ID, RoleID: rA.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(shared.ID)})
			}},
			{"DeleteRoleBinding", func(tx keyward.Tx) error {
				return tx.DeleteRoleBinding(ctx, &keyward.RoleBinding{OrgID: b.ID, RoleID: rA.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(shared.ID)})
			}},
			{"GetPolicy", func(tx keyward.Tx) error { _, err := tx.GetPolicy(ctx, b.ID, pA.ID); return err }},
			{"UpdatePolicy", func(tx keyward.Tx) error {
				return tx.UpdatePolicy(ctx, &keyward.Policy{OrgID: b.ID, ID: pA.ID, Name: "stolen", Document: pA.Document}, pA.Version)
			}},
			{"DeleteAttachment", func(tx keyward.Tx) error {
				return tx.DeleteAttachment(ctx, &keyward.Attachment{OrgID: b.ID, PolicyID: pA.ID, TargetType: keyward.PrincipalUser, TargetID: string(shared.ID)})
			}},
		}
		lists := []listCall{
			{"ListGroups", func(tx keyward.Tx) ([]string, error) {
				gs, _, err := tx.ListGroups(ctx, b.ID, keyward.GroupFilter{})
				return ids(gs, func(g *keyward.Group) keyward.GroupID { return g.ID }), err
			}, []string{string(gB.ID)}},
			{"ListGroups(A's member)", func(tx keyward.Tx) ([]string, error) {
				gs, _, err := tx.ListGroups(ctx, b.ID, keyward.GroupFilter{Member: alice.ID})
				return ids(gs, func(g *keyward.Group) keyward.GroupID { return g.ID }), err
			}, nil},
			{"ListGroups(A's name)", func(tx keyward.Tx) ([]string, error) {
				gs, _, err := tx.ListGroups(ctx, b.ID, keyward.GroupFilter{Name: gA.Name})
				return ids(gs, func(g *keyward.Group) keyward.GroupID { return g.ID }), err
			}, nil},
			{"ListRoles", func(tx keyward.Tx) ([]string, error) {
				rs, _, err := tx.ListRoles(ctx, b.ID, keyward.RoleFilter{})
				return ids(rs, func(r *keyward.Role) keyward.RoleID { return r.ID }), err
			}, []string{string(rB.ID)}},
			{"ListRoleBindings(A's role)", func(tx keyward.Tx) ([]string, error) {
				bs, _, err := tx.ListRoleBindings(ctx, b.ID, keyward.BindingFilter{RoleID: rA.ID})
				return ids(bs, func(b *keyward.RoleBinding) keyward.RoleID { return b.RoleID }), err
			}, nil},
			{"ListRoleBindings(users, one a member of both)", func(tx keyward.Tx) ([]string, error) {
				bs, _, err := tx.ListRoleBindings(ctx, b.ID, keyward.BindingFilter{PrincipalType: keyward.PrincipalUser})
				return ids(bs, func(b *keyward.RoleBinding) keyward.RoleID { return b.RoleID }), err
			}, []string{string(bB.RoleID)}},
			{"ListPolicies", func(tx keyward.Tx) ([]string, error) {
				ps, _, err := tx.ListPolicies(ctx, b.ID, keyward.PolicyFilter{})
				return ids(ps, func(p *keyward.Policy) keyward.PolicyID { return p.ID }), err
			}, []string{string(pB.ID)}},
			{"ListPolicies(A's name)", func(tx keyward.Tx) ([]string, error) {
				ps, _, err := tx.ListPolicies(ctx, b.ID, keyward.PolicyFilter{Name: pA.Name})
				return ids(ps, func(p *keyward.Policy) keyward.PolicyID { return p.ID }), err
			}, nil},
			{"ListAttachments(A's policy)", func(tx keyward.Tx) ([]string, error) {
				as, _, err := tx.ListAttachments(ctx, b.ID, keyward.AttachmentFilter{PolicyID: pA.ID})
				return ids(as, func(a *keyward.Attachment) keyward.PolicyID { return a.PolicyID }), err
			}, nil},
			{"ListAttachments(member of both)", func(tx keyward.Tx) ([]string, error) {
				as, _, err := tx.ListAttachments(ctx, b.ID, keyward.AttachmentFilter{TargetID: string(shared.ID)})
				return ids(as, func(a *keyward.Attachment) keyward.PolicyID { return a.PolicyID }), err
			}, []string{string(atB.PolicyID)}},
		}
		checkIsolation(t, s, notFound, lists)

		read(t, s, func(tx keyward.Tx) error {
			for _, tt := range []struct {
				name string
				fn   func() (int, error)
				want int
			}{
				{"CountGroups", func() (int, error) { return tx.CountGroups(ctx, b.ID) }, 1},
				{"CountGroupMembers(A's group)", func() (int, error) { return tx.CountGroupMembers(ctx, b.ID, gA.ID) }, 0},
				{"CountRoles", func() (int, error) { return tx.CountRoles(ctx, b.ID) }, 1},
				{"CountPolicies", func() (int, error) { return tx.CountPolicies(ctx, b.ID) }, 1},
				{"CountAttachments(A's group)", func() (int, error) {
					return tx.CountAttachments(ctx, b.ID, keyward.PrincipalGroup, string(gA.ID))
				}, 0},
				{"CountAttachments(member of both)", func() (int, error) {
					return tx.CountAttachments(ctx, b.ID, keyward.PrincipalUser, string(shared.ID))
				}, 1},
			} {
				got, err := tt.fn()
				if err != nil {
					return err
				}
				if got != tt.want {
					t.Errorf("%s for B = %d, want %d", tt.name, got, tt.want)
				}
			}
			return nil
		})

		gotB := graphOf(b.ID)
		wantB := &keyward.Graph{Org: gotB.Org, Users: gotB.Users,
			Groups: []*keyward.Group{gB}, GroupMembers: gotB.GroupMembers, Roles: []*keyward.Role{rB},
			Bindings: []*keyward.RoleBinding{bB}, Policies: []*keyward.Policy{pB}, Attachments: []*keyward.Attachment{atB}}
		wantB.Groups[0].MemberCount = 1
		if diff := cmp.Diff(wantB, gotB); diff != "" {
			t.Errorf("LoadGraph(B) mismatch (-want +got):\n%s", diff)
		}
		if len(gotB.Users) != 2 || len(gotB.GroupMembers) != 1 || gotB.GroupMembers[0].GroupID != gB.ID {
			t.Errorf("LoadGraph(B) users %d, group members %+v; want B's 2 users and 1 membership", len(gotB.Users), gotB.GroupMembers)
		}

		// Deleting through B, including the member both share, leaves A
		// as it was.
		write(t, s, func(tx keyward.Tx) error {
			if err := setGroupDeleted(ctx, tx, b.ID, gB.ID, true); err != nil {
				return err
			}
			return tx.DeleteMember(ctx, b.ID, shared.ID)
		})
		if diff := cmp.Diff(before, graphOf(a.ID)); diff != "" {
			t.Errorf("LoadGraph(A) changed through B (-before +after):\n%s", diff)
		}
	})
}

// TestAccessPagination walks every new listing through Next and Prev.
func TestAccessPagination(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		g := newGroup(t, s, o.ID, "everyone")
		r := newRole(t, s, o.ID, "deployer")
		const n = 7
		var groups, members, roles, bindings, policies, attachments []string
		for i := range n {
			groups = append(groups, string(newGroup(t, s, o.ID, fmt.Sprint("g", i)).ID))
			roles = append(roles, string(newRole(t, s, o.ID, fmt.Sprint("r", i)).ID))
			policies = append(policies, string(newPolicy(t, s, o.ID, fmt.Sprint("p", i)).ID))
		}
		// Members are added in the reverse order of their accounts, so
		// that adding order and user ID order differ.
		var accounts []*keyward.Account
		for i := range n {
			a := newAccount(t, s, fmt.Sprintf("u%d@example.com", i), false)
			addMember(t, s, o.ID, a)
			accounts = append(accounts, a)
		}
		for i := n - 1; i >= 0; i-- {
			u := accounts[i].ID
			addToGroup(t, s, o.ID, g.ID, u)
			members = append(members, string(u))
			bind(t, s, o.ID, r.ID, keyward.PrincipalUser, string(u), "")
			bindings = append(bindings, string(u))
			attach(t, s, o.ID, keyward.PolicyID(policies[0]), keyward.PrincipalUser, string(u))
			attachments = append(attachments, string(u))
		}
		groups = append([]string{string(g.ID)}, groups...)
		roles = append([]string{string(r.ID)}, roles...)

		checkPages(t, []pagedList{
			{"groups", lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
				gs, info, err := tx.ListGroups(ctx, o.ID, keyward.GroupFilter{Page: p})
				return ids(gs, func(g *keyward.Group) keyward.GroupID { return g.ID }), info, err
			}), groups},
			{"group members", lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
				ms, info, err := tx.ListGroupMembers(ctx, o.ID, g.ID, p)
				return ids(ms, func(m *keyward.GroupMemberView) keyward.UserID { return m.User.Account.ID }), info, err
			}), members},
			{"roles", lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
				rs, info, err := tx.ListRoles(ctx, o.ID, keyward.RoleFilter{Page: p})
				return ids(rs, func(r *keyward.Role) keyward.RoleID { return r.ID }), info, err
			}), roles},
			{"bindings", lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
				bs, info, err := tx.ListRoleBindings(ctx, o.ID, keyward.BindingFilter{Page: p})
				return ids(bs, func(b *keyward.RoleBinding) string { return b.PrincipalID }), info, err
			}), bindings},
			{"policies", lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
				ps, info, err := tx.ListPolicies(ctx, o.ID, keyward.PolicyFilter{Page: p})
				return ids(ps, func(p *keyward.Policy) keyward.PolicyID { return p.ID }), info, err
			}), policies},
			{"attachments", lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
				as, info, err := tx.ListAttachments(ctx, o.ID, keyward.AttachmentFilter{Page: p})
				return ids(as, func(a *keyward.Attachment) string { return a.TargetID }), info, err
			}), attachments},
		})

		// Bad cursors are CodeInvalid for the field "cursor".
		id := keyward.NewID(time.Now())
		for _, c := range []string{"not base64!", base64.RawURLEncoding.EncodeToString([]byte("n:" + id + "x"))} {
			read(t, s, func(tx keyward.Tx) error {
				p := keyward.Page{Cursor: c}
				calls := map[string]func() error{
					"ListGroups":       func() error { _, _, err := tx.ListGroups(ctx, o.ID, keyward.GroupFilter{Page: p}); return err },
					"ListGroupMembers": func() error { _, _, err := tx.ListGroupMembers(ctx, o.ID, g.ID, p); return err },
					"ListRoles":        func() error { _, _, err := tx.ListRoles(ctx, o.ID, keyward.RoleFilter{Page: p}); return err },
					"ListRoleBindings": func() error { _, _, err := tx.ListRoleBindings(ctx, o.ID, keyward.BindingFilter{Page: p}); return err },
					"ListPolicies":     func() error { _, _, err := tx.ListPolicies(ctx, o.ID, keyward.PolicyFilter{Page: p}); return err },
					"ListAttachments": func() error {
						_, _, err := tx.ListAttachments(ctx, o.ID, keyward.AttachmentFilter{Page: p})
						return err
					},
				}
				wantBadCursor(t, c, calls)
				return nil
			})
		}
	})
}

package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestGroupRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		g := newGroup(t, s, o.ID, "Ops")
		if !keyward.ValidID(string(g.ID)) || g.CreatedAt.IsZero() || !g.UpdatedAt.Equal(g.CreatedAt) {
			t.Fatalf("CreateGroup did not fill in ID and times: %+v", g)
		}
		get := func(want *keyward.Group) {
			t.Helper()
			read(t, s, func(tx keyward.Tx) error {
				got, err := tx.GetGroup(ctx, o.ID, g.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("GetGroup mismatch (-want +got):\n%s", diff)
				}
				return nil
			})
		}
		get(g)

		bob := newAccount(t, s, "bob@example.com", false)
		addMember(t, s, o.ID, bob)
		addToGroup(t, s, o.ID, g.ID, owner.ID)
		addToGroup(t, s, o.ID, g.ID, bob.ID)
		g.Name, g.Description, g.UpdatedAt = "Operations", "", g.UpdatedAt.Add(time.Hour)
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateGroup(ctx, g) })
		want := *g
		want.MemberCount = 2
		get(&want)
		read(t, s, func(tx keyward.Tx) error {
			for _, tt := range []struct {
				name string
				fn   func() (int, error)
				want int
			}{
				{"CountGroups", func() (int, error) { return tx.CountGroups(ctx, o.ID) }, 1},
				{"CountGroupMembers", func() (int, error) { return tx.CountGroupMembers(ctx, o.ID, g.ID) }, 2},
				{"CountGroupMembers(missing group)", func() (int, error) {
					return tx.CountGroupMembers(ctx, o.ID, keyward.GroupID(keyward.NewID(time.Now())))
				}, 0},
			} {
				got, err := tt.fn()
				if err != nil {
					return err
				}
				if got != tt.want {
					t.Errorf("%s = %d, want %d", tt.name, got, tt.want)
				}
			}
			return nil
		})
	})
}

func TestListGroupsFilters(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		ops := newGroup(t, s, o.ID, "Ops")
		dev := newGroup(t, s, o.ID, "Dev")
		empty := newGroup(t, s, o.ID, "Empty")
		bob := newAccount(t, s, "bob@example.com", false)
		addMember(t, s, o.ID, bob)
		addToGroup(t, s, o.ID, ops.ID, owner.ID)
		addToGroup(t, s, o.ID, dev.ID, owner.ID)
		addToGroup(t, s, o.ID, dev.ID, bob.ID)
		other, _ := newOrg(t, s, "other")
		addMember(t, s, other.ID, bob)
		otherOps := newGroup(t, s, other.ID, "ops")
		addToGroup(t, s, other.ID, otherOps.ID, bob.ID)

		tests := []struct {
			name   string
			filter keyward.GroupFilter
			want   []keyward.GroupID
			counts []int
		}{
			{"all", keyward.GroupFilter{}, []keyward.GroupID{ops.ID, dev.ID, empty.ID}, []int{1, 2, 0}},
			{"member", keyward.GroupFilter{Member: bob.ID}, []keyward.GroupID{dev.ID}, []int{2}},
			{"member of two", keyward.GroupFilter{Member: owner.ID}, []keyward.GroupID{ops.ID, dev.ID}, []int{1, 2}},
			{"name, other case", keyward.GroupFilter{Name: "OPS"}, []keyward.GroupID{ops.ID}, []int{1}},
			{"name and member", keyward.GroupFilter{Name: "ops", Member: bob.ID}, nil, nil},
			{"missing name", keyward.GroupFilter{Name: "nope"}, nil, nil},
			{"search, other case", keyward.GroupFilter{Search: "P"}, []keyward.GroupID{ops.ID, empty.ID}, []int{1, 0}},
			{"search a part", keyward.GroupFilter{Search: "eV"}, []keyward.GroupID{dev.ID}, []int{2}},
			{"search and member", keyward.GroupFilter{Search: "o", Member: bob.ID}, nil, nil},
			{"search's wildcard is literal", keyward.GroupFilter{Search: "_"}, nil, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				read(t, s, func(tx keyward.Tx) error {
					groups, info, err := tx.ListGroups(ctx, o.ID, tt.filter)
					if err != nil {
						return err
					}
					var got []keyward.GroupID
					var counts []int
					for _, g := range groups {
						got = append(got, g.ID)
						counts = append(counts, g.MemberCount)
					}
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("ListGroups(%+v) mismatch (-want +got):\n%s", tt.filter, diff)
					}
					if diff := cmp.Diff(tt.counts, counts); diff != "" {
						t.Errorf("ListGroups(%+v) member counts mismatch (-want +got):\n%s", tt.filter, diff)
					}
					if info.Total != len(tt.want) {
						t.Errorf("ListGroups(%+v) Total = %d, want %d", tt.filter, info.Total, len(tt.want))
					}
					return nil
				})
			})
		}
	})
}

func TestGroupErrors(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		ops := newGroup(t, s, o.ID, "Ops")
		dev := newGroup(t, s, o.ID, "Dev")
		addToGroup(t, s, o.ID, ops.ID, owner.ID)
		other, otherOwner := newOrg(t, s, "other")
		otherGroup := newGroup(t, s, other.ID, "Theirs")
		outsider := newAccount(t, s, "out@example.com", false) // a member of no organization
		missing := keyward.NewID(time.Now())
		tests := []writeCase{
			{"same name", func(tx keyward.Tx) error {
				return tx.CreateGroup(ctx, &keyward.Group{OrgID: o.ID, Name: "Ops"})
			}, keyward.CodeConflict, "A group with this name already exists."},
			{"same name, other case", func(tx keyward.Tx) error {
				return tx.CreateGroup(ctx, &keyward.Group{OrgID: o.ID, Name: "oPS"})
			}, keyward.CodeConflict, "A group with this name already exists."},
			{"same ID", func(tx keyward.Tx) error {
				return tx.CreateGroup(ctx, &keyward.Group{ID: dev.ID, OrgID: o.ID, Name: "Another"})
			}, keyward.CodeConflict, "A group with this ID already exists."},
			{"rename into a taken name", func(tx keyward.Tx) error {
				c := *dev
				c.Name = "OPS"
				return tx.UpdateGroup(ctx, &c)
			}, keyward.CodeConflict, "A group with this name already exists."},
			{"missing organization", func(tx keyward.Tx) error {
				return tx.CreateGroup(ctx, &keyward.Group{OrgID: keyward.OrgID(missing), Name: "x"})
			}, keyward.CodeNotFound, "Organization not found."},
			{"get missing", func(tx keyward.Tx) error {
				_, err := tx.GetGroup(ctx, o.ID, keyward.GroupID(missing))
				return err
			}, keyward.CodeNotFound, "Group not found."},
			{"update missing", func(tx keyward.Tx) error {
				return tx.UpdateGroup(ctx, &keyward.Group{OrgID: o.ID, ID: keyward.GroupID(missing), Name: "x"})
			}, keyward.CodeNotFound, "Group not found."},
			{"member twice", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: ops.ID, UserID: owner.ID})
			}, keyward.CodeConflict, "The user is already a member of the group."},
			{"add to missing group", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: keyward.GroupID(missing), UserID: owner.ID})
			}, keyward.CodeNotFound, "The group or the user does not exist in this organization."},
			{"add to another org's group", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: otherGroup.ID, UserID: owner.ID})
			}, keyward.CodeNotFound, "The group or the user does not exist in this organization."},
			{"add a member of another org", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: dev.ID, UserID: otherOwner.ID})
			}, keyward.CodeNotFound, "The group or the user does not exist in this organization."},
			{"add an account that is no member", func(tx keyward.Tx) error {
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: dev.ID, UserID: outsider.ID})
			}, keyward.CodeNotFound, "The group or the user does not exist in this organization."},
			{"remove a non-member", func(tx keyward.Tx) error { return tx.RemoveGroupMember(ctx, o.ID, dev.ID, owner.ID) },
				keyward.CodeNotFound, "The user is not a member of the group."},
			{"list members of missing group", func(tx keyward.Tx) error {
				_, _, err := tx.ListGroupMembers(ctx, o.ID, keyward.GroupID(missing), keyward.Page{})
				return err
			}, keyward.CodeNotFound, "Group not found."},
		}
		wantWrites(t, s, tests)

		// A failed statement leaves its transaction usable on both
		// databases, and the conflicts above changed nothing.
		write(t, s, func(tx keyward.Tx) error {
			err := tx.CreateGroup(ctx, &keyward.Group{OrgID: o.ID, Name: "ops"})
			wantCode(t, "CreateGroup(taken name)", err, keyward.CodeConflict)
			return tx.CreateGroup(ctx, &keyward.Group{OrgID: o.ID, Name: "ops2"})
		})
		read(t, s, func(tx keyward.Tx) error {
			for id, want := range map[keyward.GroupID]int{ops.ID: 1, dev.ID: 0} {
				if n, err := tx.CountGroupMembers(ctx, o.ID, id); err != nil || n != want {
					t.Errorf("CountGroupMembers(%s) = %d, %v; want %d", id, n, err, want)
				}
			}
			return nil
		})
	})
}

func TestGroupMembers(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		g := newGroup(t, s, o.ID, "Ops")
		var accounts []*keyward.Account
		for _, email := range []string{"a@example.com", "b@example.com", "robot@example.com", "d@example.com"} {
			a := newAccount(t, s, email, email == "robot@example.com")
			addMember(t, s, o.ID, a)
			accounts = append(accounts, a)
		}
		// Added in another order than the accounts were made: the listing
		// follows the adding.
		var want []*keyward.GroupMemberView
		for _, a := range []*keyward.Account{accounts[2], owner, accounts[0], accounts[3], accounts[1]} {
			m := addToGroup(t, s, o.ID, g.ID, a.ID)
			var u *keyward.User
			read(t, s, func(tx keyward.Tx) (err error) {
				u, err = tx.GetUser(ctx, o.ID, a.ID)
				return err
			})
			want = append(want, &keyward.GroupMemberView{GroupMember: *m, User: u})
		}
		read(t, s, func(tx keyward.Tx) error {
			got, info, err := tx.ListGroupMembers(ctx, o.ID, g.ID, keyward.Page{})
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ListGroupMembers mismatch (-want +got):\n%s", diff)
			}
			if info.Total != len(want) || info.Next != "" || info.Prev != "" {
				t.Errorf("ListGroupMembers info = %+v, want Total %d and no links", info, len(want))
			}
			return nil
		})

		write(t, s, func(tx keyward.Tx) error { return tx.RemoveGroupMember(ctx, o.ID, g.ID, owner.ID) })
		want = append(want[:1], want[2:]...)
		read(t, s, func(tx keyward.Tx) error {
			got, _, err := tx.ListGroupMembers(ctx, o.ID, g.ID, keyward.Page{})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ListGroupMembers after a removal mismatch (-want +got):\n%s", diff)
			}
			return err
		})
		// The member is still in the organization.
		read(t, s, func(tx keyward.Tx) error { _, err := tx.GetUser(ctx, o.ID, owner.ID); return err })
	})
}

// TestDeleteGroupSoftly deletes a group softly and restores it: while it
// is deleted it is out of the live listings, the access graph and the
// listings of who holds a role, a policy or a trust, and its name is
// free; its memberships, bindings, attachments and trusts stay, in the
// graph's edges too, and come back with it.
func TestDeleteGroupSoftly(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		doomed := newGroup(t, s, o.ID, "Doomed")
		kept := newGroup(t, s, o.ID, "Kept")
		members := []*keyward.GroupMember{addToGroup(t, s, o.ID, doomed.ID, owner.ID), addToGroup(t, s, o.ID, kept.ID, owner.ID)}
		r := newRole(t, s, o.ID, "deployer")
		p := newPolicy(t, s, o.ID, "vm-admin")
		doomedBinding := bind(t, s, o.ID, r.ID, keyward.PrincipalGroup, string(doomed.ID), "")
		keptBindings := []*keyward.RoleBinding{
			bind(t, s, o.ID, r.ID, keyward.PrincipalGroup, string(kept.ID), ""),
			bind(t, s, o.ID, r.ID, keyward.PrincipalUser, string(owner.ID), ""),
		}
		doomedAttachment := attach(t, s, o.ID, p.ID, keyward.PrincipalGroup, string(doomed.ID))
		keptAttachments := []*keyward.Attachment{
			attach(t, s, o.ID, p.ID, keyward.PrincipalGroup, string(kept.ID)),
			attach(t, s, o.ID, p.ID, keyward.PrincipalUser, string(owner.ID)),
		}
		assumable := &keyward.Role{OrgID: o.ID, Name: "breakglass", Type: keyward.RoleAssumable}
		trust := &keyward.RoleTrust{OrgID: o.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeAutomatic, TrustedGroupID: doomed.ID}
		write(t, s, func(tx keyward.Tx) error {
			if err := tx.CreateRole(ctx, assumable); err != nil {
				return err
			}
			trust.RoleID = assumable.ID
			return tx.CreateRoleTrust(ctx, trust)
		})
		all := func(first *keyward.RoleBinding, rest []*keyward.RoleBinding) []*keyward.RoleBinding {
			return append([]*keyward.RoleBinding{first}, rest...)
		}
		allAttachments := append([]*keyward.Attachment{doomedAttachment}, keptAttachments...)
		trustIDs := func(tx keyward.Tx) []keyward.RoleTrustID {
			ts, _, err := tx.ListRoleTrusts(ctx, o.ID, keyward.TrustFilter{Page: keyward.Page{Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			out := []keyward.RoleTrustID{}
			for _, rt := range ts {
				out = append(out, rt.ID)
			}
			return out
		}
		// check compares what the store shows with the group live or not
		// and the groups gone deleted.
		check := func(t *testing.T, live bool, gone ...keyward.GroupID) {
			t.Helper()
			read(t, s, func(tx keyward.Tx) error {
				g, err := tx.GetGroup(ctx, o.ID, doomed.ID)
				if err != nil {
					return err
				}
				if got := g.DeletedAt == nil; got != live {
					t.Errorf("GetGroup: live = %v, want %v", got, live)
				}
				liveGroups, _, err := tx.ListGroups(ctx, o.ID, keyward.GroupFilter{})
				if err != nil {
					return err
				}
				deletedGroups, _, err := tx.ListGroups(ctx, o.ID, keyward.GroupFilter{Deleted: true})
				if err != nil {
					return err
				}
				n, err := tx.CountGroups(ctx, o.ID)
				if err != nil {
					return err
				}
				graph, err := tx.LoadGraph(ctx, o.ID)
				if err != nil {
					return err
				}
				byRole, _, err := tx.ListRoleBindings(ctx, o.ID, keyward.BindingFilter{RoleID: r.ID})
				if err != nil {
					return err
				}
				byPolicy, _, err := tx.ListAttachments(ctx, o.ID, keyward.AttachmentFilter{PolicyID: p.ID})
				if err != nil {
					return err
				}
				wantLive, wantDeleted, wantCount := []keyward.GroupID{doomed.ID, kept.ID}, append([]keyward.GroupID{}, gone...), 2
				wantByRole, wantByPolicy, wantTrusts := all(doomedBinding, keptBindings), allAttachments, []keyward.RoleTrustID{trust.ID}
				if !live {
					wantLive, wantDeleted, wantCount = []keyward.GroupID{kept.ID}, append([]keyward.GroupID{doomed.ID}, gone...), 1
					wantByRole, wantByPolicy, wantTrusts = keptBindings, keptAttachments, []keyward.RoleTrustID{}
				}
				for _, c := range []struct {
					name      string
					got, want any
				}{
					{"ListGroups", groupIDs(liveGroups), wantLive},
					{"ListGroups(Deleted)", groupIDs(deletedGroups), wantDeleted},
					{"CountGroups", n, wantCount},
					{"LoadGraph groups", groupIDs(graph.Groups), wantLive},
					{"LoadGraph memberships", graph.GroupMembers, members},
					{"LoadGraph bindings", graph.Bindings, all(doomedBinding, keptBindings)},
					{"LoadGraph attachments", graph.Attachments, allAttachments},
					{"ListRoleBindings(role)", byRole, wantByRole},
					{"ListAttachments(policy)", byPolicy, wantByPolicy},
					{"ListRoleTrusts", trustIDs(tx), wantTrusts},
				} {
					if diff := cmp.Diff(c.want, c.got); diff != "" {
						t.Errorf("%s with the group live=%v mismatch (-want +got):\n%s", c.name, live, diff)
					}
				}
				return nil
			})
		}
		check(t, true)
		write(t, s, func(tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, doomed.ID, true) })
		check(t, false)

		// Its name is free while it is deleted, so a restore may clash.
		taker := newGroup(t, s, o.ID, "DOOMED")
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, doomed.ID, false) })
		wantCode(t, "restore into a taken name", err, keyward.CodeConflict)
		// Two deleted groups may share a name; the restore then succeeds.
		write(t, s, func(tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, taker.ID, true) })
		write(t, s, func(tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, doomed.ID, false) })
		check(t, true, taker.ID)
	})
}

func groupIDs(gs []*keyward.Group) []keyward.GroupID {
	out := []keyward.GroupID{}
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}

func TestDeleteMemberCascade(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		o, owner, other, bob := orgsSharingBob(t, s, "acme")
		g := newGroup(t, s, o.ID, "Ops")
		og := newGroup(t, s, other.ID, "Ops")
		r := newRole(t, s, o.ID, "deployer")
		or := newRole(t, s, other.ID, "deployer")
		p := newPolicy(t, s, o.ID, "vm-admin")
		op := newPolicy(t, s, other.ID, "vm-admin")

		addToGroup(t, s, o.ID, g.ID, bob.ID)
		ownerMember := addToGroup(t, s, o.ID, g.ID, owner.ID)
		bind(t, s, o.ID, r.ID, keyward.PrincipalUser, string(bob.ID), "")
		bind(t, s, o.ID, r.ID, keyward.PrincipalUser, string(bob.ID), "0190b6f4-1d3c-7a52-9c43-5b1c2d3e4f50")
		groupBinding := bind(t, s, o.ID, r.ID, keyward.PrincipalGroup, string(g.ID), "")
		attach(t, s, o.ID, p.ID, keyward.PrincipalUser, string(bob.ID))
		groupAttachment := attach(t, s, o.ID, p.ID, keyward.PrincipalGroup, string(g.ID))
		// Bob in the other organization keeps everything.
		otherMember := addToGroup(t, s, other.ID, og.ID, bob.ID)
		otherBinding := bind(t, s, other.ID, or.ID, keyward.PrincipalUser, string(bob.ID), "")
		otherAttachment := attach(t, s, other.ID, op.ID, keyward.PrincipalUser, string(bob.ID))

		write(t, s, func(tx keyward.Tx) error { return tx.DeleteMember(ctx, o.ID, bob.ID) })
		for _, tt := range []struct {
			org         keyward.OrgID
			members     []*keyward.GroupMember
			bindings    []*keyward.RoleBinding
			attachments []*keyward.Attachment
		}{
			{o.ID, []*keyward.GroupMember{ownerMember}, []*keyward.RoleBinding{groupBinding}, []*keyward.Attachment{groupAttachment}},
			{other.ID, []*keyward.GroupMember{otherMember}, []*keyward.RoleBinding{otherBinding}, []*keyward.Attachment{otherAttachment}},
		} {
			read(t, s, func(tx keyward.Tx) error {
				g, err := tx.LoadGraph(ctx, tt.org)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.members, g.GroupMembers); diff != "" {
					t.Errorf("group members of %s after DeleteMember mismatch (-want +got):\n%s", tt.org, diff)
				}
				if diff := cmp.Diff(tt.bindings, g.Bindings); diff != "" {
					t.Errorf("bindings of %s after DeleteMember mismatch (-want +got):\n%s", tt.org, diff)
				}
				if diff := cmp.Diff(tt.attachments, g.Attachments); diff != "" {
					t.Errorf("attachments of %s after DeleteMember mismatch (-want +got):\n%s", tt.org, diff)
				}
				return nil
			})
		}
	})
}

package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestUserRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		a := newAccount(t, s, "bob@example.com", false)
		m := &keyward.Member{OrgID: o.ID, UserID: a.ID, Status: keyward.StatusActive, ACLs: []string{"manage_users", "billing"}}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateMember(ctx, m) })
		get := func(want *keyward.User) {
			t.Helper()
			read(t, s, func(tx keyward.Tx) error {
				got, err := tx.GetUser(ctx, o.ID, a.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("GetUser(%s, %s) mismatch (-want +got):\n%s", o.ID, a.ID, diff)
				}
				return nil
			})
		}
		get(&keyward.User{Account: *a, Member: *m})

		suspended := m.CreatedAt.Add(time.Minute)
		m.Status, m.APIEnabled, m.ACLs, m.UpdatedAt, m.SuspendedAt = keyward.StatusSuspended, true, nil, suspended, &suspended
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateMember(ctx, m) })
		if m.ACLs == nil {
			t.Errorf("UpdateMember left nil ACLs in the member, want them normalized to empty")
		}
		get(&keyward.User{Account: *a, Member: *m})

		tags := []keyward.Tag{{Key: "cost-center", Value: ""}, {Key: "Team", Value: "payments/eu"}}
		write(t, s, func(tx keyward.Tx) error { return tx.SetMemberTags(ctx, o.ID, a.ID, tags) })
		m.Tags, m.UpdatedAt = tags, time.Time{}
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetUser(ctx, o.ID, a.ID)
			if err != nil {
				return err
			}
			if got.Member.UpdatedAt.Equal(suspended) {
				t.Errorf("SetMemberTags left UpdatedAt %v, want it set to the transaction's time", got.Member.UpdatedAt)
			}
			m.UpdatedAt = got.Member.UpdatedAt
			return nil
		})
		get(&keyward.User{Account: *a, Member: *m})
		write(t, s, func(tx keyward.Tx) error { return tx.SetMemberTags(ctx, o.ID, a.ID, nil) })
		m.Tags = nil
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetUser(ctx, o.ID, a.ID)
			if err != nil {
				return err
			}
			if got.Tags != nil {
				t.Errorf("GetUser after SetMemberTags(nil): Tags = %v, want none", got.Tags)
			}
			return nil
		})

		read(t, s, func(tx keyward.Tx) error {
			for id, want := range map[keyward.UserID]int{a.ID: 1, o.OwnerID: 1, "nobody": 0} {
				n, err := tx.CountMemberships(ctx, id)
				if err != nil {
					return err
				}
				if n != want {
					t.Errorf("CountMemberships(%s) = %d, want %d", id, n, want)
				}
			}
			return nil
		})
	})
}

func TestMemberErrors(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		a := newAccount(t, s, "bob@example.com", false)
		missing := keyward.NewID(time.Now())
		tests := []writeCase{
			{"missing organization", func(tx keyward.Tx) error {
				return tx.CreateMember(ctx, &keyward.Member{OrgID: keyward.OrgID(missing), UserID: a.ID})
			}, keyward.CodeNotFound, "The organization or the account does not exist."},
			{"missing account", func(tx keyward.Tx) error {
				return tx.CreateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: keyward.UserID(missing)})
			}, keyward.CodeNotFound, "The organization or the account does not exist."},
			{"member twice", func(tx keyward.Tx) error {
				return tx.CreateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: owner.ID})
			}, keyward.CodeConflict, "The account is already a member of this organization."},
			{"second root owner", func(tx keyward.Tx) error {
				return tx.CreateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: a.ID, Owner: true})
			}, keyward.CodeConflict, "The organization already has a root owner."},
			{"get missing", func(tx keyward.Tx) error { _, err := tx.GetUser(ctx, o.ID, a.ID); return err }, keyward.CodeNotFound, "User not found."},
			{"tag missing", func(tx keyward.Tx) error {
				return tx.SetMemberTags(ctx, o.ID, a.ID, []keyward.Tag{{Key: "team", Value: "x"}})
			}, keyward.CodeNotFound, "User not found."},
			{"update missing", func(tx keyward.Tx) error {
				return tx.UpdateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: a.ID, Status: keyward.StatusActive})
			}, keyward.CodeNotFound, "User not found."},
			{"delete missing", func(tx keyward.Tx) error { return tx.DeleteMember(ctx, o.ID, a.ID) }, keyward.CodeNotFound, "User not found."},
			{"unknown kind", func(tx keyward.Tx) error {
				_, _, err := tx.ListUsers(ctx, o.ID, keyward.UserFilter{Kind: "robot"})
				return err
			}, keyward.CodeInvalid, `Unknown user kind "robot".`},
		}
		wantWrites(t, s, tests)
	})
}

func TestListUsersFilters(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		alice := newAccount(t, s, "Alice@example.com", false)
		robot := newAccount(t, s, "robot@example.com", true)
		carol := newAccount(t, s, "carol@example.com", false)
		addMember(t, s, o.ID, alice)
		addMember(t, s, o.ID, robot)
		m := addMember(t, s, o.ID, carol)
		m.Status = keyward.StatusSuspended
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateMember(ctx, m) })
		// Members of another organization never show.
		other, _ := newOrg(t, s, "other")
		addMember(t, s, other.ID, newAccount(t, s, "dave@example.com", false))

		tests := []struct {
			name   string
			filter keyward.UserFilter
			want   []keyward.UserID
		}{
			{"all", keyward.UserFilter{}, []keyward.UserID{owner.ID, alice.ID, robot.ID, carol.ID}},
			{"root owner", keyward.UserFilter{Kind: keyward.KindRootOwner}, []keyward.UserID{owner.ID}},
			{"normal", keyward.UserFilter{Kind: keyward.KindNormal}, []keyward.UserID{alice.ID, carol.ID}},
			{"service", keyward.UserFilter{Kind: keyward.KindService}, []keyward.UserID{robot.ID}},
			{"suspended", keyward.UserFilter{Status: keyward.StatusSuspended}, []keyward.UserID{carol.ID}},
			{"active normal", keyward.UserFilter{Kind: keyward.KindNormal, Status: keyward.StatusActive}, []keyward.UserID{alice.ID}},
			{"email, other case", keyward.UserFilter{Email: "ALICE@example.com"}, []keyward.UserID{alice.ID}},
			{"service user's email", keyward.UserFilter{Email: "Robot@Example.com"}, []keyward.UserID{robot.ID}},
			{"other org's email", keyward.UserFilter{Email: "dave@example.com"}, nil},
			{"search in the email, other case", keyward.UserFilter{Search: "LICE@"}, []keyward.UserID{alice.ID}},
			{"search in the name", keyward.UserFilter{Search: "name of r"}, []keyward.UserID{robot.ID}},
			{"search for a domain", keyward.UserFilter{Search: "@example.com"}, []keyward.UserID{alice.ID, robot.ID, carol.ID}},
			{"search and kind", keyward.UserFilter{Search: "@example.com", Kind: keyward.KindService}, []keyward.UserID{robot.ID}},
			{"search's wildcards are literal", keyward.UserFilter{Search: "a%e"}, nil},
			{"search's underscore is literal", keyward.UserFilter{Search: "c_rol"}, nil},
			{"search in other org", keyward.UserFilter{Search: "dave"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				read(t, s, func(tx keyward.Tx) error {
					users, info, err := tx.ListUsers(ctx, o.ID, tt.filter)
					if err != nil {
						return err
					}
					var got []keyward.UserID
					for _, u := range users {
						if u.Member.OrgID != o.ID || u.Account.ID != u.Member.UserID {
							t.Errorf("ListUsers returned %s in %s", u.Account.ID, u.Member.OrgID)
						}
						got = append(got, u.Account.ID)
					}
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("ListUsers(%+v) mismatch (-want +got):\n%s", tt.filter, diff)
					}
					if info.Total != len(tt.want) {
						t.Errorf("ListUsers(%+v) Total = %d, want %d", tt.filter, info.Total, len(tt.want))
					}
					return nil
				})
			})
		}
	})
}

package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestEndRoleSessionsSelect ends sessions by trust, by role, by member, by
// group (of one member or all), by issuer and one by one: each ends the live sessions it
// selects and those chained from them, and counts what it ended.
func TestEndRoleSessionsSelect(t *testing.T) {
	forEachOrg(t, "ending", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "elsewhere")
		bob := newAccount(t, s, "bob@ending.example", false)
		addMember(t, s, o.ID, bob)
		ops, dev := newGroup(t, s, o.ID, "ops"), newGroup(t, s, o.ID, "dev")
		addToGroup(t, s, o.ID, ops.ID, owner.ID)
		addToGroup(t, s, o.ID, ops.ID, bob.ID)
		addToGroup(t, s, o.ID, dev.ID, owner.ID)
		r := newRole(t, s, o.ID, "deployer")
		trust := func(u keyward.UserID, g keyward.GroupID) *keyward.RoleTrust {
			return &keyward.RoleTrust{OrgID: o.ID, RoleID: r.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeManual, TrustedUserID: u, TrustedGroupID: g}
		}
		const issuer = "0193a000-0000-7000-8000-0000000000aa"
		tu, tops, tdev, tiss := trust(owner.ID, ""), trust("", ops.ID), trust("", dev.ID), trust("", "")
		tiss.Type, tiss.TrustedOIDCIssuerID = keyward.TrustFederated, issuer
		write(t, s, func(tx keyward.Tx) error {
			for _, tr := range []*keyward.RoleTrust{tu, tops, tdev, tiss} {
				if err := tx.CreateRoleTrust(ctx, tr); err != nil {
					return err
				}
			}
			return nil
		})
		start := time.Now().UTC().Truncate(time.Microsecond)
		names := map[keyward.RoleSessionID]string{}
		mk := func(name string, u keyward.UserID, tr *keyward.RoleTrust, parent *keyward.RoleSession, life time.Duration) *keyward.RoleSession {
			ss := &keyward.RoleSession{ID: keyward.RoleSessionID(keyward.NewID(start)), OrgID: o.ID, RoleID: r.ID, TrustID: tr.ID, UserID: u,
				Name: name, SecretHash: []byte{1}, CreatedAt: start.Add(-time.Minute), ExpiresAt: start.Add(life)}
			if parent != nil {
				ss.ParentID = parent.ID
			}
			write(t, s, func(tx keyward.Tx) error { return tx.CreateRoleSession(ctx, ss) })
			names[ss.ID] = name
			return ss
		}
		mk("owner-direct", owner.ID, tu, nil, time.Hour)
		mk("owner-expired", owner.ID, tu, nil, -time.Second)
		mk("owner-ops", owner.ID, tops, nil, time.Hour)
		mk("owner-dev", owner.ID, tdev, nil, time.Hour)
		bobOps := mk("bob-ops", bob.ID, tops, nil, time.Hour)
		mk("bob-chained", bob.ID, tu, bobOps, time.Hour)
		mk("federated", "", tiss, nil, time.Hour)

		for _, tc := range []struct {
			name string
			end  func(tx keyward.Tx) (int, error)
			want []string
		}{
			{"a trust's", func(tx keyward.Tx) (int, error) { return tx.EndRoleSessions(ctx, o.ID, r.ID, tops.ID, start) },
				[]string{"bob-chained", "bob-ops", "owner-ops"}},
			{"a role's", func(tx keyward.Tx) (int, error) { return tx.EndRoleSessions(ctx, o.ID, r.ID, "", start) },
				[]string{"bob-chained", "bob-ops", "federated", "owner-dev", "owner-direct", "owner-ops"}},
			{"a member's", func(tx keyward.Tx) (int, error) { return tx.EndUserRoleSessions(ctx, o.ID, owner.ID, start) },
				[]string{"owner-dev", "owner-direct", "owner-ops"}},
			{"a member's, chained included", func(tx keyward.Tx) (int, error) { return tx.EndUserRoleSessions(ctx, o.ID, bob.ID, start) },
				[]string{"bob-chained", "bob-ops"}},
			{"a group's", func(tx keyward.Tx) (int, error) { return tx.EndGroupRoleSessions(ctx, o.ID, ops.ID, "", start) },
				[]string{"bob-chained", "bob-ops", "owner-ops"}},
			{"a group's, of one member", func(tx keyward.Tx) (int, error) { return tx.EndGroupRoleSessions(ctx, o.ID, ops.ID, owner.ID, start) },
				[]string{"owner-ops"}},
			{"an issuer's", func(tx keyward.Tx) (int, error) { return tx.EndIssuerRoleSessions(ctx, o.ID, issuer, start) },
				[]string{"federated"}},
			{"one, with its chained", func(tx keyward.Tx) (int, error) {
				return -1, tx.TerminateRoleSession(ctx, o.ID, bobOps.ID, start) // -1: it does not count
			}, []string{"bob-chained", "bob-ops"}},
			{"another organization's", func(tx keyward.Tx) (int, error) { return tx.EndUserRoleSessions(ctx, other.ID, owner.ID, start) },
				nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := rolledBack(t, s, func(tx keyward.Tx) error {
					n, err := tc.end(tx)
					if err != nil {
						return err
					}
					ss, _, err := tx.ListRoleSessions(ctx, o.ID, keyward.SessionFilter{Page: keyward.Page{Limit: 100}})
					if err != nil {
						return err
					}
					var got []string
					for _, ss := range ss {
						if ss.TerminatedAt != nil {
							if !ss.TerminatedAt.Equal(start) {
								t.Errorf("%s ended at %v, want %v", names[ss.ID], ss.TerminatedAt, start)
							}
							got = append(got, names[ss.ID])
						}
					}
					slices.Sort(got)
					if n >= 0 && n != len(tc.want) || !slices.Equal(got, tc.want) {
						t.Errorf("ended %d: %v, want %d: %v", n, got, len(tc.want), tc.want)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestIsGroupMember answers for members, non-members and groups that do
// not exist or are of another organization.
func TestIsGroupMember(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		o, owner := newOrg(t, s, "membership")
		other, stranger := newOrg(t, s, "elsewhere")
		ops, dev := newGroup(t, s, o.ID, "ops"), newGroup(t, s, o.ID, "dev")
		addToGroup(t, s, o.ID, ops.ID, owner.ID)
		for _, tc := range []struct {
			name  string
			org   keyward.OrgID
			group keyward.GroupID
			user  keyward.UserID
			want  bool
		}{
			{"member", o.ID, ops.ID, owner.ID, true},
			{"not a member", o.ID, dev.ID, owner.ID, false},
			{"of another organization", o.ID, ops.ID, stranger.ID, false},
			{"group seen from another organization", other.ID, ops.ID, owner.ID, false},
			{"no such group", o.ID, "0193a000-0000-7000-8000-0000000000aa", owner.ID, false},
		} {
			read(t, s, func(tx keyward.Tx) error {
				got, err := tx.IsGroupMember(t.Context(), tc.org, tc.group, tc.user)
				if err != nil || got != tc.want {
					t.Errorf("%s: IsGroupMember = %v, %v; want %v", tc.name, got, err, tc.want)
				}
				return nil
			})
		}
	})
}

package sqlstore_test

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestRoleTrusts stores trusts with every field, lists them by role and by
// user (directly or through a group), and keeps them inside their
// organization.
func TestRoleTrusts(t *testing.T) {
	forEachOrg(t, "trusts", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "elsewhere")
		g := newGroup(t, s, o.ID, "ops")
		addToGroup(t, s, o.ID, g.ID, owner.ID)
		r := newRole(t, s, o.ID, "deployer")
		until := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
		direct := &keyward.RoleTrust{OrgID: o.ID, RoleID: r.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeManual,
			TrustedUserID: owner.ID, ValidUntil: &until, CreatedBy: owner.ID,
			Conditions: keyward.TrustConditions{TimeOfDay: &keyward.TimeOfDay{Start: 22, End: 5},
				DaysOfWeek: []time.Weekday{time.Monday, time.Friday}, IPAddress: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
		viaGroup := &keyward.RoleTrust{OrgID: o.ID, RoleID: r.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeAutomatic, TrustedGroupID: g.ID}
		issuer := &keyward.RoleTrust{OrgID: o.ID, RoleID: r.ID, Type: keyward.TrustFederated, Mode: keyward.AssumeAutomatic,
			TrustedOIDCIssuerID: "0193a000-0000-7000-8000-0000000000aa", ClaimConditions: map[string]string{"sub": "repo:acme/*"}}
		write(t, s, func(tx keyward.Tx) error {
			for _, tr := range []*keyward.RoleTrust{direct, viaGroup, issuer} {
				if err := tx.CreateRoleTrust(ctx, tr); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetRoleTrust(ctx, o.ID, direct.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, direct) {
				t.Errorf("GetRoleTrust = %+v,\nwant %+v", got, direct)
			}
			_, err = tx.GetRoleTrust(ctx, other.ID, direct.ID)
			wantCode(t, "GetRoleTrust(other org)", err, keyward.CodeNotFound)
			for _, tc := range []struct {
				f    keyward.TrustFilter
				want []keyward.RoleTrustID
			}{
				{keyward.TrustFilter{}, []keyward.RoleTrustID{direct.ID, viaGroup.ID, issuer.ID}},
				{keyward.TrustFilter{RoleID: r.ID}, []keyward.RoleTrustID{direct.ID, viaGroup.ID, issuer.ID}},
				{keyward.TrustFilter{User: owner.ID}, []keyward.RoleTrustID{direct.ID, viaGroup.ID}},
				{keyward.TrustFilter{Deleted: true}, nil},
			} {
				ts, info, err := tx.ListRoleTrusts(ctx, o.ID, tc.f)
				if err != nil {
					return err
				}
				var ids []keyward.RoleTrustID
				for _, tr := range ts {
					ids = append(ids, tr.ID)
				}
				if !slices.Equal(ids, tc.want) || info.Total != len(tc.want) {
					t.Errorf("ListRoleTrusts(%+v) = %v (total %d), want %v", tc.f, ids, info.Total, tc.want)
				}
			}
			g, err := tx.LoadGraph(ctx, o.ID)
			if err != nil {
				return err
			}
			if len(g.Trusts) != 3 {
				t.Errorf("LoadGraph trusts = %d, want 3", len(g.Trusts))
			}
			return nil
		})
		// A deleted trust leaves the live listings and the graph; a deleted
		// role takes its trusts with it.
		write(t, s, func(tx keyward.Tx) error {
			now := tx.Now()
			direct.DeletedAt, direct.UpdatedAt = &now, now
			return tx.UpdateRoleTrust(ctx, direct)
		})
		deleteRole(t, s, r, true)
		read(t, s, func(tx keyward.Tx) error {
			ts, _, err := tx.ListRoleTrusts(ctx, o.ID, keyward.TrustFilter{})
			if err != nil || len(ts) != 0 {
				t.Errorf("trusts of a deleted role = %v, %v; want none", ts, err)
			}
			g, err := tx.LoadGraph(ctx, o.ID)
			if err == nil && len(g.Trusts) != 0 {
				t.Errorf("LoadGraph trusts of a deleted role = %d", len(g.Trusts))
			}
			return err
		})
	})
}

// TestRoleSessions stores sessions, lists the live ones and ends them by
// trust, by role and one by one.
func TestRoleSessions(t *testing.T) {
	forEachOrg(t, "sessions", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		r := newRole(t, s, o.ID, "deployer")
		tr := &keyward.RoleTrust{OrgID: o.ID, RoleID: r.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeManual, TrustedUserID: owner.ID}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateRoleTrust(ctx, tr) })
		start := time.Now().UTC().Truncate(time.Microsecond)
		mk := func(name string) *keyward.RoleSession {
			return &keyward.RoleSession{OrgID: o.ID, RoleID: r.ID, TrustID: tr.ID, UserID: owner.ID, Name: name,
				SecretHash: []byte{1, 2, 3}, AuthMethod: "api_key", SourceIP: "127.0.0.1", ConditionsMet: []string{"ip_address"},
				Policy: []byte(`{"Version":"2026-03-20"}`), CreatedBy: owner.ID, CreatedAt: start, ExpiresAt: start.Add(time.Hour)}
		}
		a, b := mk("a"), mk("b")
		// a also has a named session policy and carries two narrowing
		// layers, which must read back as they were written.
		doc := func(action string) json.RawMessage {
			return json.RawMessage(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["` + action + `"],"Resource":["*"]}]}`)
		}
		a.Policies = []keyward.SessionDocument{{PolicyID: "0193a000-0000-7000-8000-0000000000b1", Name: "readers", Document: doc("iam.user.Read")}}
		a.Narrowing = []keyward.NarrowingLayer{
			{Source: "api_key:0193a000-0000-7000-8000-0000000000b2", Documents: []keyward.SessionDocument{{Document: doc("iam.group.List")}}},
			{Source: "session:0193a000-0000-7000-8000-0000000000b3", Documents: []keyward.SessionDocument{
				{Document: doc("iam.role.List")}, {PolicyID: "0193a000-0000-7000-8000-0000000000b4", Name: "auditors", Document: doc("iam.auditevent.List")}}},
		}
		write(t, s, func(tx keyward.Tx) error {
			if err := tx.CreateRoleSession(ctx, a); err != nil {
				return err
			}
			return tx.CreateRoleSession(ctx, b)
		})
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetRoleSession(ctx, a.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, a) {
				t.Errorf("GetRoleSession = %+v,\nwant %+v", got, a)
			}
			ss, info, err := tx.ListRoleSessions(ctx, o.ID, keyward.SessionFilter{UserID: owner.ID, LiveAt: start})
			if err != nil || len(ss) != 2 || info.Total != 2 || ss[0].ID != b.ID {
				t.Errorf("ListRoleSessions = %v (%d), %v; want b, a", ss, info.Total, err)
			}
			if ss, _, _ := tx.ListRoleSessions(ctx, o.ID, keyward.SessionFilter{LiveAt: start.Add(2 * time.Hour)}); len(ss) != 0 {
				t.Errorf("sessions live after their expiry = %d", len(ss))
			}
			n, err := tx.CountRoleSessions(ctx, o.ID, r.ID, start)
			if err != nil || n != 2 {
				t.Errorf("CountRoleSessions = %d, %v; want 2", n, err)
			}
			return nil
		})
		write(t, s, func(tx keyward.Tx) error {
			if err := tx.TerminateRoleSession(ctx, o.ID, a.ID, start.Add(time.Minute)); err != nil {
				return err
			}
			n, err := tx.EndRoleSessions(ctx, o.ID, r.ID, tr.ID, start.Add(2*time.Minute))
			if err != nil || n != 1 {
				t.Errorf("EndRoleSessions = %d, %v; want 1 (b, a being ended)", n, err)
			}
			wantCode(t, "TerminateRoleSession(unknown)", tx.TerminateRoleSession(ctx, o.ID, "0193a000-0000-7000-8000-0000000000aa", start), keyward.CodeNotFound)
			return nil
		})
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetRoleSession(ctx, a.ID)
			if err != nil || got.TerminatedAt == nil || !got.TerminatedAt.Equal(start.Add(time.Minute)) {
				t.Errorf("a after terminate = %+v, %v", got, err)
			}
			n, err := tx.CountRoleSessions(ctx, o.ID, r.ID, start)
			if err != nil || n != 0 {
				t.Errorf("CountRoleSessions after ending = %d, %v", n, err)
			}
			return nil
		})
	})
}

// TestTrusteeGoneTakesItsTrusts: removing a member or deleting a group
// deletes the trusts that name it, live or deleted, in its organization
// only, and leaves every other trust.
func TestTrusteeGoneTakesItsTrusts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		o, owner, other, bob := orgsSharingBob(t, s, "trustees")
		ops := newGroup(t, s, o.ID, "ops")
		r, otherRole := newRole(t, s, o.ID, "deployer"), newRole(t, s, other.ID, "deployer")
		names := map[keyward.RoleTrustID]string{}
		mk := func(name string, org keyward.OrgID, role keyward.RoleID, u keyward.UserID, g keyward.GroupID, deleted bool) {
			tr := &keyward.RoleTrust{OrgID: org, RoleID: role, Type: keyward.TrustTemporary, Mode: keyward.AssumeAutomatic, TrustedUserID: u, TrustedGroupID: g}
			write(t, s, func(tx keyward.Tx) error {
				if deleted {
					now := tx.Now()
					tr.DeletedAt = &now
				}
				return tx.CreateRoleTrust(ctx, tr)
			})
			names[tr.ID] = name
		}
		mk("bob", o.ID, r.ID, bob.ID, "", false)
		mk("bob deleted", o.ID, r.ID, bob.ID, "", true)
		mk("owner", o.ID, r.ID, owner.ID, "", false)
		mk("ops", o.ID, r.ID, "", ops.ID, false)
		mk("bob elsewhere", other.ID, otherRole.ID, bob.ID, "", false)
		left := func(tx keyward.Tx) []string {
			var out []string
			for id, name := range names {
				org := o.ID
				if name == "bob elsewhere" {
					org = other.ID
				}
				if _, err := tx.GetRoleTrust(ctx, org, id); err == nil {
					out = append(out, name)
				}
			}
			slices.Sort(out)
			return out
		}
		for _, tc := range []struct {
			name string
			gone func(tx keyward.Tx) error
			want []string
		}{
			{"member removed", func(tx keyward.Tx) error { return tx.DeleteMember(ctx, o.ID, bob.ID) },
				[]string{"bob elsewhere", "ops", "owner"}},
			// A group is deleted softly: its trusts stay for its restore.
			{"group deleted", func(tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, ops.ID, true) },
				[]string{"bob", "bob deleted", "bob elsewhere", "ops", "owner"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := rolledBack(t, s, func(tx keyward.Tx) error {
					if err := tc.gone(tx); err != nil {
						return err
					}
					if got := left(tx); !slices.Equal(got, tc.want) {
						t.Errorf("trusts left = %v, want %v", got, tc.want)
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

package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// listed reads one page of a listing in a read transaction and returns
// key of each item, and the page's total.
func listed[T, K any](t *testing.T, s keyward.Store, list func(tx keyward.Tx) ([]T, keyward.PageInfo, error), key func(T) K) ([]K, int) {
	t.Helper()
	var out []K
	var info keyward.PageInfo
	read(t, s, func(tx keyward.Tx) error {
		items, i, err := list(tx)
		for _, it := range items {
			out = append(out, key(it))
		}
		info = i
		return err
	})
	return out, info.Total
}

func TestFleetRoles(t *testing.T) {
	s := keywardtest.OpenStore(t)
	ada := newAccount(t, s, "ada@example.com", false)
	bob := newAccount(t, s, "bob@example.com", false)
	grant := func(u keyward.UserID, role string) func(tx keyward.Tx) error {
		return func(tx keyward.Tx) error {
			return tx.GrantFleetRole(t.Context(), &keyward.FleetRoleGrant{UserID: u, Role: role, GrantedBy: ada.ID})
		}
	}
	write(t, s, grant(ada.ID, keyward.FleetAdmin))
	write(t, s, grant(bob.ID, keyward.FleetViewer))
	write(t, s, grant(bob.ID, keyward.FleetAdmin))
	wantWrites(t, s, []writeCase{
		{"twice", grant(ada.ID, keyward.FleetAdmin), keyward.CodeConflict, "The resource already exists."},
		{"no account", grant("0193a000-0000-7000-8000-00000000dead", keyward.FleetViewer), keyward.CodeNotFound, "Account not found."},
		{"revoke what is not held", func(tx keyward.Tx) error {
			return tx.RevokeFleetRole(t.Context(), ada.ID, keyward.FleetViewer)
		}, keyward.CodeNotFound, "The account does not hold that fleet role."},
	})
	for _, tt := range []struct {
		name string
		f    keyward.FleetRoleFilter
		want []string // user/role, in grant order
	}{
		{"all", keyward.FleetRoleFilter{}, []string{"ada/fleet.admin", "bob/fleet.viewer", "bob/fleet.admin"}},
		{"by role", keyward.FleetRoleFilter{Role: keyward.FleetAdmin}, []string{"ada/fleet.admin", "bob/fleet.admin"}},
		{"by account", keyward.FleetRoleFilter{UserID: bob.ID}, []string{"bob/fleet.viewer", "bob/fleet.admin"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, total := listed(t, s, func(tx keyward.Tx) ([]*keyward.FleetRoleGrant, keyward.PageInfo, error) {
				return tx.ListFleetRoles(t.Context(), tt.f)
			}, func(g *keyward.FleetRoleGrant) string { return g.Email[:3] + "/" + g.Role })
			if !slices.Equal(got, tt.want) || total != len(tt.want) {
				t.Errorf("grants %q (total %d), want %q", got, total, tt.want)
			}
		})
	}
	write(t, s, func(tx keyward.Tx) error { return tx.RevokeFleetRole(t.Context(), bob.ID, keyward.FleetAdmin) })
	wantWrites(t, s, []writeCase{
		{"the last admin", func(tx keyward.Tx) error {
			return tx.RevokeFleetRole(t.Context(), ada.ID, keyward.FleetAdmin)
		}, keyward.CodeConflict, "The deployment's last fleet administrator cannot be revoked; grant fleet.admin to another account first."},
	})
	read(t, s, func(tx keyward.Tx) error {
		roles, err := tx.FleetRolesOf(t.Context(), bob.ID)
		if !slices.Equal(roles, []string{keyward.FleetViewer}) {
			t.Errorf("bob's roles %q, want fleet.viewer alone", roles)
		}
		return err
	})
}

func TestListAllOrganizations(t *testing.T) {
	s := keywardtest.OpenStore(t)
	acme, _ := newOrg(t, s, "acme")
	globex, _ := newOrg(t, s, "globex")
	gone, _ := newOrg(t, s, "gone")
	now := time.Now()
	write(t, s, func(tx keyward.Tx) error {
		globex.SuspendedAt, globex.IdentityMode = &now, keyward.IdentityIdP
		if err := tx.UpdateOrganization(t.Context(), globex); err != nil {
			return err
		}
		gone.DeletedAt = &now
		return tx.UpdateOrganization(t.Context(), gone)
	})
	yes, no := true, false
	for _, tt := range []struct {
		name string
		f    keyward.OrgFilter
		want []keyward.OrgID
	}{
		{"every live one", keyward.OrgFilter{}, []keyward.OrgID{acme.ID, globex.ID}},
		{"name, any case", keyward.OrgFilter{Name: "LOB"}, []keyward.OrgID{globex.ID}},
		{"a wildcard is text", keyward.OrgFilter{Name: "%"}, nil},
		{"suspended", keyward.OrgFilter{Suspended: &yes}, []keyward.OrgID{globex.ID}},
		{"not suspended", keyward.OrgFilter{Suspended: &no}, []keyward.OrgID{acme.ID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := listed(t, s, func(tx keyward.Tx) ([]*keyward.Organization, keyward.PageInfo, error) {
				return tx.ListAllOrganizations(t.Context(), tt.f)
			}, func(o *keyward.Organization) keyward.OrgID { return o.ID })
			if !slices.Equal(got, tt.want) {
				t.Errorf("organizations %v, want %v", got, tt.want)
			}
		})
	}
	read(t, s, func(tx keyward.Tx) error {
		o, err := tx.GetOrganization(t.Context(), globex.ID)
		if err == nil && (o.SuspendedAt == nil || !o.SuspendedAt.Equal(now.Truncate(time.Microsecond)) || o.IdentityMode != keyward.IdentityIdP) {
			t.Errorf("globex read back as suspended %v, mode %q; want %v, idp", o.SuspendedAt, o.IdentityMode, now)
		}
		if a, err := tx.GetOrganization(t.Context(), acme.ID); err == nil && a.IdentityMode != keyward.IdentityLocal {
			t.Errorf("a new organization's identity mode %q, want local", a.IdentityMode)
		}
		return err
	})
}

// The fleet audit trail is its own: an organization's listing does not
// hold its events, nor it theirs, and its events outlive the purge of the
// organization they are about.
func TestFleetAuditTrail(t *testing.T) {
	s := keywardtest.OpenStore(t)
	org, owner := newOrg(t, s, "acme")
	appendAudit(t, s, &keyward.AuditEvent{OrgID: org.ID, ActorID: owner.ID, Action: "iam.user.Create"})
	for _, action := range []string{"fleet.organization.Suspend", "fleet.role.Grant"} {
		write(t, s, func(tx keyward.Tx) error {
			return tx.AppendFleetAudit(t.Context(), &keyward.AuditEvent{OrgID: org.ID, ActorID: owner.ID, Action: action, TargetID: string(org.ID)})
		})
	}
	write(t, s, func(tx keyward.Tx) error { return tx.PurgeOrganization(t.Context(), org.ID) })
	for _, tt := range []struct {
		name string
		f    keyward.AuditFilter
		want []string
	}{
		{"newest first", keyward.AuditFilter{}, []string{"fleet.role.Grant", "fleet.organization.Suspend"}},
		{"by action", keyward.AuditFilter{Action: "fleet.role.Grant"}, []string{"fleet.role.Grant"}},
		{"by target", keyward.AuditFilter{TargetID: string(org.ID)}, []string{"fleet.role.Grant", "fleet.organization.Suspend"}},
		{"until the beginning", keyward.AuditFilter{Until: time.Unix(0, 0)}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := listed(t, s, func(tx keyward.Tx) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
				return tx.ListFleetAuditEvents(t.Context(), tt.f)
			}, func(e *keyward.AuditEvent) string { return e.Action })
			if !slices.Equal(got, tt.want) {
				t.Errorf("events %q, want %q", got, tt.want)
			}
		})
	}
}

// A database an older keyward left gets the owner of its oldest
// organization, the account bootstrap made, as its fleet administrator.
func TestFleetMigrationGrantsTheFirstOwner(t *testing.T) {
	s := keywardtest.OpenStore(t)
	_, first := newOrg(t, s, "first")
	_, second := newOrg(t, s, "second")
	if err := sqlstore.Remigrate(t.Context(), s, 11); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who  *keyward.Account
		want []string
	}{
		{first, []string{keyward.FleetAdmin}},
		{second, nil},
	} {
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.FleetRolesOf(t.Context(), tt.who.ID)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: fleet roles %q, want %q", tt.who.Email, got, tt.want)
			}
			return err
		})
	}
}

// Two fleet administrators revoked at once leave one: the second
// revocation sees the first and is refused.
func TestRevokeFleetAdminsAtOnce(t *testing.T) {
	s := keywardtest.OpenStore(t)
	admins := []*keyward.Account{newAccount(t, s, "ada@example.com", false), newAccount(t, s, "bob@example.com", false)}
	for _, a := range admins {
		write(t, s, func(tx keyward.Tx) error {
			return tx.GrantFleetRole(t.Context(), &keyward.FleetRoleGrant{UserID: a.ID, Role: keyward.FleetAdmin})
		})
	}
	errs := make(chan error, len(admins))
	for _, a := range admins {
		go func() {
			errs <- s.WriteTx(t.Context(), func(tx keyward.Tx) error { return tx.RevokeFleetRole(t.Context(), a.ID, keyward.FleetAdmin) })
		}()
	}
	var codes []keyward.Code
	for range admins {
		codes = append(codes, keyward.ErrorCode(<-errs))
	}
	slices.Sort(codes)
	if want := []keyward.Code{"", keyward.CodeConflict}; !slices.Equal(codes, want) {
		t.Errorf("revocations ended %q, want one done and one conflict", codes)
	}
	left, _ := listed(t, s, func(tx keyward.Tx) ([]*keyward.FleetRoleGrant, keyward.PageInfo, error) {
		return tx.ListFleetRoles(t.Context(), keyward.FleetRoleFilter{Role: keyward.FleetAdmin})
	}, func(g *keyward.FleetRoleGrant) keyward.UserID { return g.UserID })
	if len(left) != 1 {
		t.Errorf("fleet admins left %v, want one", left)
	}
}

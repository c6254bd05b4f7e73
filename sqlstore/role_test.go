package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestRoleRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		r := &keyward.Role{OrgID: o.ID, Name: "Deployer", Description: "Deploys"}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateRole(ctx, r) })
		if !keyward.ValidID(string(r.ID)) || r.CreatedAt.IsZero() || !r.UpdatedAt.Equal(r.CreatedAt) || r.Type != keyward.RoleAssignable {
			t.Fatalf("CreateRole did not fill in ID, times and type: %+v", r)
		}
		get := func(want *keyward.Role) {
			t.Helper()
			read(t, s, func(tx keyward.Tx) error {
				got, err := tx.GetRole(ctx, o.ID, r.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("GetRole mismatch (-want +got):\n%s", diff)
				}
				return nil
			})
		}
		get(r)

		deleted := r.CreatedAt.Add(time.Hour + time.Nanosecond)
		r.Name, r.Description, r.Type, r.MaxSessionSeconds = "Assumer", "", keyward.RoleAssumable, 7200
		r.UpdatedAt, r.DeletedAt = deleted, &deleted
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateRole(ctx, r) })
		if r.DeletedAt.Nanosecond()%1000 != 0 {
			t.Errorf("UpdateRole left DeletedAt %v, want it truncated to microseconds", r.DeletedAt)
		}
		get(r) // a deleted role is still found
		read(t, s, func(tx keyward.Tx) error {
			n, err := tx.CountRoles(ctx, o.ID)
			if n != 0 {
				t.Errorf("CountRoles with only a deleted role = %d, want 0", n)
			}
			return err
		})
	})
}

func TestRoleNames(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		old := newRole(t, s, o.ID, "Deployer")
		deleteRole(t, s, old, true)
		// A deleted role's name is free, in any case.
		live := newRole(t, s, o.ID, "DEPLOYER")
		// Several deleted roles may share a name.
		deleteRole(t, s, live, true)
		third := newRole(t, s, o.ID, "deployer")
		// Another organization has its own names.
		newRole(t, s, other.ID, "Deployer")

		tests := []writeCase{
			{"same name as a live role", func(tx keyward.Tx) error {
				return tx.CreateRole(ctx, &keyward.Role{OrgID: o.ID, Name: "Deployer"})
			}, keyward.CodeConflict, "A role with this name already exists."},
			{"restore into a taken name", func(tx keyward.Tx) error {
				c := *old
				c.DeletedAt = nil
				return tx.UpdateRole(ctx, &c)
			}, keyward.CodeConflict, "A role with this name already exists."},
			{"rename a live role into a taken name", func(tx keyward.Tx) error {
				r := &keyward.Role{OrgID: o.ID, Name: "Viewer"}
				if err := tx.CreateRole(ctx, r); err != nil {
					return err
				}
				r.Name = "deployer"
				return tx.UpdateRole(ctx, r)
			}, keyward.CodeConflict, "A role with this name already exists."},
			{"rename a deleted role into a taken name", func(tx keyward.Tx) error {
				c := *old
				c.Name = "DePlOyEr"
				return tx.UpdateRole(ctx, &c)
			}, "", ""},
			{"same ID", func(tx keyward.Tx) error {
				return tx.CreateRole(ctx, &keyward.Role{ID: old.ID, OrgID: o.ID, Name: "Other"})
			}, keyward.CodeConflict, "A role with this ID already exists."},
			{"missing organization", func(tx keyward.Tx) error {
				return tx.CreateRole(ctx, &keyward.Role{OrgID: keyward.OrgID(keyward.NewID(time.Now())), Name: "x"})
			}, keyward.CodeNotFound, "Organization not found."},
			{"get missing", func(tx keyward.Tx) error {
				_, err := tx.GetRole(ctx, o.ID, keyward.RoleID(keyward.NewID(time.Now())))
				return err
			}, keyward.CodeNotFound, "Role not found."},
			{"update missing", func(tx keyward.Tx) error {
				return tx.UpdateRole(ctx, &keyward.Role{OrgID: o.ID, ID: keyward.RoleID(keyward.NewID(time.Now())), Name: "x"})
			}, keyward.CodeNotFound, "Role not found."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := rolledBack(t, s, tt.fn)
				wantCode(t, tt.name, err, tt.want)
				if tt.message != "" && keyward.ErrorMessage(err) != tt.message {
					t.Errorf("%s: message = %q, want %q", tt.name, keyward.ErrorMessage(err), tt.message)
				}
			})
		}

		// Once the live role is deleted, the old one can come back.
		deleteRole(t, s, third, true)
		deleteRole(t, s, old, false)
		read(t, s, func(tx keyward.Tx) error {
			live, _, err := tx.ListRoles(ctx, o.ID, keyward.RoleFilter{})
			if diff := cmp.Diff([]*keyward.Role{old}, live); diff != "" {
				t.Errorf("live roles mismatch (-want +got):\n%s", diff)
			}
			n, err2 := tx.CountRoles(ctx, o.ID)
			if n != 1 {
				t.Errorf("CountRoles = %d, want 1", n)
			}
			if err == nil {
				err = err2
			}
			return err
		})
	})
}

func TestListRolesFilters(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		a := newRole(t, s, o.ID, "a")
		b := &keyward.Role{OrgID: o.ID, Name: "b", Type: keyward.RoleAssumable, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateRole(ctx, b) })
		c := newRole(t, s, o.ID, "c")
		deleteRole(t, s, c, true)
		other, _ := newOrg(t, s, "other")
		newRole(t, s, other.ID, "a")

		tests := []struct {
			name   string
			filter keyward.RoleFilter
			want   []keyward.RoleID
		}{
			{"live", keyward.RoleFilter{}, []keyward.RoleID{a.ID, b.ID}},
			{"deleted", keyward.RoleFilter{Deleted: true}, []keyward.RoleID{c.ID}},
			{"assignable", keyward.RoleFilter{Type: keyward.RoleAssignable}, []keyward.RoleID{a.ID}},
			{"assumable", keyward.RoleFilter{Type: keyward.RoleAssumable}, []keyward.RoleID{b.ID}},
			{"search, other case", keyward.RoleFilter{Search: "B"}, []keyward.RoleID{b.ID}},
			{"search, deleted", keyward.RoleFilter{Search: "c", Deleted: true}, []keyward.RoleID{c.ID}},
			{"search, no match", keyward.RoleFilter{Search: "%"}, nil},
			{"deleted assumable", keyward.RoleFilter{Type: keyward.RoleAssumable, Deleted: true}, nil},
		}
		for _, tt := range tests {
			read(t, s, func(tx keyward.Tx) error {
				roles, info, err := tx.ListRoles(ctx, o.ID, tt.filter)
				if err != nil {
					return err
				}
				got := ids(roles, func(r *keyward.Role) keyward.RoleID { return r.ID })
				if diff := cmp.Diff(ids(tt.want, func(id keyward.RoleID) keyward.RoleID { return id }), got); diff != "" {
					t.Errorf("ListRoles(%s) mismatch (-want +got):\n%s", tt.name, diff)
				}
				if info.Total != len(tt.want) {
					t.Errorf("ListRoles(%s) Total = %d, want %d", tt.name, info.Total, len(tt.want))
				}
				return nil
			})
		}
	})
}

func TestRoleBindings(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		r := newRole(t, s, o.ID, "deployer")
		viewer := newRole(t, s, o.ID, "viewer")
		g := newGroup(t, s, o.ID, "ops")
		other, _ := newOrg(t, s, "other")
		otherRole := newRole(t, s, other.ID, "deployer")
		project := keyward.NewID(time.Now())

		orgWide := bind(t, s, o.ID, r.ID, keyward.PrincipalUser, string(owner.ID), "")
		inProject := bind(t, s, o.ID, r.ID, keyward.PrincipalUser, string(owner.ID), project)
		toGroup := bind(t, s, o.ID, r.ID, keyward.PrincipalGroup, string(g.ID), "")
		viewerOfGroup := bind(t, s, o.ID, viewer.ID, keyward.PrincipalGroup, string(g.ID), "")
		bind(t, s, other.ID, otherRole.ID, keyward.PrincipalUser, string(owner.ID), "")

		tests := []writeCase{
			{"same binding", func(tx keyward.Tx) error {
				return tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: r.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID), ProjectID: project})
			}, keyward.CodeConflict, "The role is already bound to this principal."},
			{"missing role", func(tx keyward.Tx) error {
				return tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: keyward.RoleID(keyward.NewID(time.Now())), PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)})
			}, keyward.CodeNotFound, "Role not found."},
			{"role of another org", func(tx keyward.Tx) error {
				return tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: otherRole.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)})
			}, keyward.CodeNotFound, "Role not found."},
			{"delete missing", func(tx keyward.Tx) error {
				return tx.DeleteRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: viewer.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)})
			}, keyward.CodeNotFound, "Role binding not found."},
			{"delete with the wrong principal type", func(tx keyward.Tx) error {
				return tx.DeleteRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: r.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(g.ID)})
			}, keyward.CodeNotFound, "Role binding not found."},
		}
		wantWrites(t, s, tests)

		list := func(f keyward.BindingFilter) []*keyward.RoleBinding {
			t.Helper()
			var got []*keyward.RoleBinding
			read(t, s, func(tx keyward.Tx) error {
				bs, info, err := tx.ListRoleBindings(ctx, o.ID, f)
				if err == nil && info.Total != len(bs) {
					t.Errorf("ListRoleBindings(%+v) Total = %d for %d bindings", f, info.Total, len(bs))
				}
				got = bs
				return err
			})
			return got
		}
		filters := []struct {
			name   string
			filter keyward.BindingFilter
			want   []*keyward.RoleBinding
		}{
			{"all", keyward.BindingFilter{}, []*keyward.RoleBinding{orgWide, inProject, toGroup, viewerOfGroup}},
			{"role", keyward.BindingFilter{RoleID: viewer.ID}, []*keyward.RoleBinding{viewerOfGroup}},
			{"principal type", keyward.BindingFilter{PrincipalType: keyward.PrincipalUser}, []*keyward.RoleBinding{orgWide, inProject}},
			{"group", keyward.BindingFilter{PrincipalType: keyward.PrincipalGroup}, []*keyward.RoleBinding{toGroup, viewerOfGroup}},
			{"role and principal type", keyward.BindingFilter{RoleID: r.ID, PrincipalType: keyward.PrincipalGroup}, []*keyward.RoleBinding{toGroup}},
			{"other org's role", keyward.BindingFilter{RoleID: otherRole.ID}, nil},
		}
		for _, tt := range filters {
			if diff := cmp.Diff(tt.want, list(tt.filter)); diff != "" {
				t.Errorf("ListRoleBindings(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		}

		// Deleting removes exactly the binding with that project.
		write(t, s, func(tx keyward.Tx) error {
			return tx.DeleteRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: r.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID), ProjectID: project})
		})
		if diff := cmp.Diff([]*keyward.RoleBinding{orgWide}, list(keyward.BindingFilter{PrincipalType: keyward.PrincipalUser})); diff != "" {
			t.Errorf("user bindings after DeleteRoleBinding mismatch (-want +got):\n%s", diff)
		}
		// A deleted role keeps its bindings, for a restore.
		deleteRole(t, s, viewer, true)
		if diff := cmp.Diff([]*keyward.RoleBinding{viewerOfGroup}, list(keyward.BindingFilter{RoleID: viewer.ID})); diff != "" {
			t.Errorf("bindings of a deleted role mismatch (-want +got):\n%s", diff)
		}
	})
}

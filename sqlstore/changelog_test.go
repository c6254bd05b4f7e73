package sqlstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/sqlstore"
)

// changeStep is one write of TestGraphChangeLog: fn runs in a write
// transaction that then bumps the revision; want is what GraphChanges
// since the revision before reports (From and To aside).
type changeStep struct {
	name string
	fn   func(ctx context.Context, tx keyward.Tx) error
	want func() keyward.GraphChanges
}

// TestGraphChangeLog makes a series of writes, each bumping the revision,
// and checks after each what the change log says it touched, and that
// patching the graph before it with LoadGraphPart gives LoadGraph's.
func TestGraphChangeLog(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		bob := newAccount(t, s, "bob@example.com", false)
		carol := newAccount(t, s, "carol@example.com", true)
		var graph *keyward.Graph
		read(t, s, func(tx keyward.Tx) (err error) { graph, err = tx.LoadGraph(ctx, o.ID); return err })

		group := func(name string) *keyward.Group { return &keyward.Group{OrgID: o.ID, Name: name} }
		ops, devs, qa := group("ops"), group("devs"), group("qa")
		role := func(name string) *keyward.Role {
			return &keyward.Role{OrgID: o.ID, Name: name, Type: keyward.RoleAssignable}
		}
		deployer, gone := role("deployer"), role("gone")
		pol := func(name string) *keyward.Policy {
			return &keyward.Policy{OrgID: o.ID, Name: name, Document: json.RawMessage(testDocument)}
		}
		vm, dropped := pol("vm"), pol("dropped")
		managed := keyward.PolicyID("0193a000-0000-7000-8000-00000000aaaa")
		prod := &keyward.Project{OrgID: o.ID, Name: "prod"}
		viewerRole, _ := policy.BuiltinRoleByName(nil, "viewer")
		viewer := keyward.RoleID(viewerRole.ID)
		binding := func(r keyward.RoleID, typ keyward.PrincipalType, id string) *keyward.RoleBinding {
			return &keyward.RoleBinding{OrgID: o.ID, RoleID: r, PrincipalType: typ, PrincipalID: id}
		}
		attachment := func(p keyward.PolicyID, typ keyward.PrincipalType, id string) *keyward.Attachment {
			return &keyward.Attachment{OrgID: o.ID, PolicyID: p, TargetType: typ, TargetID: id}
		}
		bobDeploys := binding("", keyward.PrincipalUser, string(bob.ID))
		var droppedOnOps *keyward.Attachment
		u := func(ids ...keyward.UserID) []keyward.UserID { return ids }
		gs := func(gs ...*keyward.Group) (out []keyward.GroupID) {
			for _, g := range gs {
				out = append(out, g.ID)
			}
			return sortedIDs(out)
		}
		rs := func(ids ...keyward.RoleID) []keyward.RoleID { return sortedIDs(ids) }
		ps := func(ids ...keyward.PolicyID) []keyward.PolicyID { return sortedIDs(ids) }
		setDeleted := func(tx keyward.Tx, at **time.Time, deleted bool) {
			*at = nil
			if deleted {
				now := tx.Now()
				*at = &now
			}
		}
		var checkpoint *keyward.Graph // the graph after the bare bump

		steps := []changeStep{
			{"members", func(ctx context.Context, tx keyward.Tx) error {
				if err := tx.CreateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: bob.ID, Status: keyward.StatusActive}); err != nil {
					return err
				}
				return tx.CreateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: carol.ID, Status: keyward.StatusActive})
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Users: sortedIDs(u(bob.ID, carol.ID))} }},
			{"groups", func(ctx context.Context, tx keyward.Tx) error {
				return all(tx.CreateGroup(ctx, ops), tx.CreateGroup(ctx, devs),
					tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: ops.ID, UserID: bob.ID}),
					tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: ops.ID, UserID: carol.ID}),
					tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: devs.ID, UserID: carol.ID}))
			}, func() keyward.GraphChanges {
				return keyward.GraphChanges{Users: sortedIDs(u(bob.ID, carol.ID)), Groups: gs(ops, devs)}
			}},
			{"roles and policies", func(ctx context.Context, tx keyward.Tx) error {
				return all(tx.CreateRole(ctx, deployer), tx.CreateRole(ctx, gone), tx.CreatePolicy(ctx, vm), tx.CreatePolicy(ctx, dropped))
			}, func() keyward.GraphChanges {
				return keyward.GraphChanges{Roles: rs(deployer.ID, gone.ID), Policies: ps(vm.ID, dropped.ID)}
			}},
			{"bindings and attachments", func(ctx context.Context, tx keyward.Tx) error {
				bobDeploys.RoleID = deployer.ID
				droppedOnOps = attachment(dropped.ID, keyward.PrincipalGroup, string(ops.ID))
				return all(tx.CreateRoleBinding(ctx, bobDeploys),
					tx.CreateRoleBinding(ctx, binding(deployer.ID, keyward.PrincipalGroup, string(ops.ID))),
					tx.CreateRoleBinding(ctx, binding(gone.ID, keyward.PrincipalUser, string(bob.ID))),
					tx.CreateAttachment(ctx, attachment(vm.ID, keyward.PrincipalUser, string(bob.ID))),
					tx.CreateAttachment(ctx, droppedOnOps),
					tx.CreateAttachment(ctx, attachment(vm.ID, keyward.PrincipalRole, string(deployer.ID))),
					tx.CreateAttachment(ctx, attachment(dropped.ID, keyward.PrincipalRole, string(gone.ID))),
					tx.CreateAttachment(ctx, attachment(managed, keyward.PrincipalUser, string(carol.ID))))
			}, func() keyward.GraphChanges {
				return keyward.GraphChanges{Users: sortedIDs(u(bob.ID, carol.ID)), Groups: gs(ops), Roles: rs(deployer.ID, gone.ID),
					Policies: ps(vm.ID, dropped.ID, managed)}
			}},
			{"project", func(ctx context.Context, tx keyward.Tx) error {
				return all(tx.CreateProject(ctx, prod),
					tx.CreateResource(ctx, &keyward.Resource{OrgID: o.ID, ID: "vm-1", Type: "instance", ProjectID: prod.ID}),
					tx.CreateResource(ctx, &keyward.Resource{OrgID: o.ID, ID: "vm-2", Type: "instance", ProjectID: prod.ID}),
					tx.PutOverride(ctx, &keyward.Override{OrgID: o.ID, ProjectID: prod.ID, UserID: carol.ID, Grid: json.RawMessage(`{}`), Document: json.RawMessage(`null`)}),
					tx.ReplaceScopeBindings(ctx, o.ID, prod.ID, []*keyward.RoleBinding{
						binding(deployer.ID, keyward.PrincipalUser, string(carol.ID)), binding(gone.ID, keyward.PrincipalGroup, string(ops.ID))}))
			}, func() keyward.GraphChanges {
				return keyward.GraphChanges{Projects: true, Resources: []string{"vm-1", "vm-2"}, Users: u(carol.ID), Groups: gs(ops),
					Roles: rs(deployer.ID, gone.ID)}
			}},
			{"grid and trusts", func(ctx context.Context, tx keyward.Tx) error {
				return all(tx.PutRoleGrid(ctx, &keyward.RoleGrid{OrgID: o.ID, RoleID: deployer.ID, Grid: json.RawMessage(`{}`), Document: json.RawMessage(testDocument)}),
					tx.CreateRoleTrust(ctx, &keyward.RoleTrust{OrgID: o.ID, RoleID: deployer.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeManual, TrustedUserID: bob.ID}),
					tx.CreateRoleTrust(ctx, &keyward.RoleTrust{OrgID: o.ID, RoleID: gone.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeManual, TrustedGroupID: ops.ID}))
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Roles: rs(deployer.ID), Trusts: true} }},
			{"tags", func(ctx context.Context, tx keyward.Tx) error {
				return tx.SetMemberTags(ctx, o.ID, bob.ID, []keyward.Tag{{Key: "team", Value: "payments"}})
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Users: u(bob.ID)} }},
			{"an API key only", func(ctx context.Context, tx keyward.Tx) error {
				return tx.CreateAPIKey(ctx, &keyward.APIKey{OrgID: o.ID, UserID: bob.ID, Name: "ci", SecretHash: []byte("hash"), CreatedBy: bob.ID})
			}, func() keyward.GraphChanges { return keyward.GraphChanges{} }},
			{"a bare bump", func(ctx context.Context, tx keyward.Tx) error { return nil },
				func() keyward.GraphChanges { return keyward.GraphChanges{All: true} }},
			{"role deleted", func(ctx context.Context, tx keyward.Tx) error {
				setDeleted(tx, &gone.DeletedAt, true)
				return tx.UpdateRole(ctx, gone)
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Roles: rs(gone.ID)} }},
			{"policy updated", func(ctx context.Context, tx keyward.Tx) error {
				vm.Description = "changed"
				return tx.UpdatePolicy(ctx, vm, vm.Version)
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Policies: ps(vm.ID)} }},
			{"policy deleted", func(ctx context.Context, tx keyward.Tx) error {
				setDeleted(tx, &dropped.DeletedAt, true)
				return tx.UpdatePolicy(ctx, dropped, dropped.Version)
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Policies: ps(dropped.ID)} }},
			{"role restored", func(ctx context.Context, tx keyward.Tx) error {
				setDeleted(tx, &gone.DeletedAt, false)
				return tx.UpdateRole(ctx, gone)
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Roles: rs(gone.ID)} }},
			{"binding removed", func(ctx context.Context, tx keyward.Tx) error { return tx.DeleteRoleBinding(ctx, bobDeploys) },
				func() keyward.GraphChanges { return keyward.GraphChanges{Users: u(bob.ID), Roles: rs(deployer.ID)} }},
			{"attachment removed", func(ctx context.Context, tx keyward.Tx) error { return tx.DeleteAttachment(ctx, droppedOnOps) },
				func() keyward.GraphChanges { return keyward.GraphChanges{Groups: gs(ops), Policies: ps(dropped.ID)} }},
			{"project bindings replaced", func(ctx context.Context, tx keyward.Tx) error {
				return tx.ReplaceScopeBindings(ctx, o.ID, prod.ID, []*keyward.RoleBinding{binding(viewer, keyward.PrincipalUser, string(bob.ID))})
			}, func() keyward.GraphChanges {
				return keyward.GraphChanges{Users: sortedIDs(u(bob.ID, carol.ID)), Groups: gs(ops), Roles: rs(deployer.ID, gone.ID, viewer)}
			}},
			{"resource deleted", func(ctx context.Context, tx keyward.Tx) error { return tx.DeleteResource(ctx, o.ID, "vm-1") },
				func() keyward.GraphChanges { return keyward.GraphChanges{Resources: []string{"vm-1"}} }},
			{"override removed", func(ctx context.Context, tx keyward.Tx) error { return tx.DeleteOverride(ctx, o.ID, prod.ID, carol.ID) },
				func() keyward.GraphChanges { return keyward.GraphChanges{Users: u(carol.ID)} }},
			{"member leaves a group", func(ctx context.Context, tx keyward.Tx) error {
				return tx.RemoveGroupMember(ctx, o.ID, devs.ID, carol.ID)
			},
				func() keyward.GraphChanges { return keyward.GraphChanges{Users: u(carol.ID), Groups: gs(devs)} }},
			{"account renamed", func(ctx context.Context, tx keyward.Tx) error {
				carol.Name = "Carol"
				return tx.UpdateAccount(ctx, carol)
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Users: u(carol.ID)} }},
			{"member removed", func(ctx context.Context, tx keyward.Tx) error { return tx.DeleteMember(ctx, o.ID, bob.ID) },
				func() keyward.GraphChanges {
					return keyward.GraphChanges{Users: u(bob.ID), Groups: gs(ops), Trusts: true}
				}},
			{"group deleted", func(ctx context.Context, tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, ops.ID, true) },
				func() keyward.GraphChanges { return keyward.GraphChanges{Groups: gs(ops)} }},
			{"group restored", func(ctx context.Context, tx keyward.Tx) error { return setGroupDeleted(ctx, tx, o.ID, ops.ID, false) },
				func() keyward.GraphChanges { return keyward.GraphChanges{Groups: gs(ops)} }},
			{"two revisions in one transaction", func(ctx context.Context, tx keyward.Tx) error {
				if err := tx.CreateGroup(ctx, qa); err != nil {
					return err
				}
				if _, err := tx.BumpRevision(ctx, o.ID); err != nil {
					return err
				}
				return tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.ID, GroupID: qa.ID, UserID: carol.ID})
			}, func() keyward.GraphChanges { return keyward.GraphChanges{Users: u(carol.ID), Groups: gs(qa)} }},
			{"organization renamed", func(ctx context.Context, tx keyward.Tx) error {
				o.Name = "Acme"
				return tx.UpdateOrganization(ctx, o)
			}, func() keyward.GraphChanges { return keyward.GraphChanges{All: true} }},
			{"project deleted", func(ctx context.Context, tx keyward.Tx) error { return tx.DeleteProject(ctx, o.ID, prod.ID) },
				func() keyward.GraphChanges { return keyward.GraphChanges{All: true} }},
		}
		for _, st := range steps {
			if st.name == "organization renamed" {
				// Every change since the bare bump, as one change set.
				checkPatch(t, s, o.ID, checkpoint)
			}
			write(t, s, func(tx keyward.Tx) error {
				if err := st.fn(ctx, tx); err != nil {
					return err
				}
				_, err := tx.BumpRevision(ctx, o.ID)
				return err
			})
			c, full := checkPatch(t, s, o.ID, graph)
			want := st.want()
			want.From, want.To = c.From, c.To
			if diff := gocmp.Diff(&want, c, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: GraphChanges mismatch (-want +got):\n%s", st.name, diff)
			}
			if st.name == "a bare bump" {
				checkpoint = full
			}
			graph = full
		}

		// The later revision of a transaction holds its changes; the
		// earlier one is merged into it.
		read(t, s, func(tx keyward.Tx) error {
			c, err := tx.GraphChanges(ctx, o.ID, graph.Org.Revision)
			if err == nil && (!c.Empty() || c.From != c.To) {
				t.Errorf("GraphChanges(current) = %+v, want empty", c)
			}
			return err
		})
	})
}

// The log keeps the last 1,000 revisions: a snapshot older than that loads
// the whole graph.
func TestGraphChangeLogPruned(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		g := &keyward.Group{OrgID: o.ID, Name: "ops"}
		var last int64
		write(t, s, func(tx keyward.Tx) (err error) {
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			for range 1001 {
				if last, err = tx.BumpRevision(ctx, o.ID); err != nil {
					return err
				}
			}
			return nil
		})
		write(t, s, func(tx keyward.Tx) (err error) {
			if err := tx.UpdateGroup(ctx, g); err != nil {
				return err
			}
			last, err = tx.BumpRevision(ctx, o.ID)
			return err
		})
		for _, tt := range []struct {
			since int64
			want  keyward.GraphChanges
		}{
			{0, keyward.GraphChanges{All: true}},
			{last - 1001, keyward.GraphChanges{All: true}},
			{last - 1000, keyward.GraphChanges{Groups: []keyward.GroupID{g.ID}}},
			{last - 1, keyward.GraphChanges{Groups: []keyward.GroupID{g.ID}}},
			{last, keyward.GraphChanges{}},
			{last + 5, keyward.GraphChanges{}},
		} {
			read(t, s, func(tx keyward.Tx) error {
				got, err := tx.GraphChanges(ctx, o.ID, tt.since)
				if err != nil {
					return err
				}
				tt.want.From, tt.want.To = min(tt.since, last), last
				if diff := gocmp.Diff(&tt.want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("GraphChanges(%d) at %d mismatch (-want +got):\n%s", tt.since, last, diff)
				}
				return nil
			})
		}
		read(t, s, func(tx keyward.Tx) error {
			_, err := tx.GraphChanges(ctx, keyward.OrgID(keyward.NewID(tx.Now())), 0)
			wantCode(t, "GraphChanges(missing org)", err, keyward.CodeNotFound)
			return nil
		})
	})
}

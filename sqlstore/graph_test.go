package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestLoadGraph(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		bob := newAccount(t, s, "bob@example.com", false)
		robot := newAccount(t, s, "robot@example.com", true)
		addMember(t, s, o.ID, bob)
		suspended := addMember(t, s, o.ID, robot)
		suspended.Status = keyward.StatusSuspended
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateMember(ctx, suspended) })

		ops := newGroup(t, s, o.ID, "ops")
		empty := newGroup(t, s, o.ID, "empty")
		inOps := []*keyward.GroupMember{addToGroup(t, s, o.ID, ops.ID, robot.ID), addToGroup(t, s, o.ID, ops.ID, bob.ID)}
		ops.MemberCount = 2

		deployer := newRole(t, s, o.ID, "deployer")
		gone := newRole(t, s, o.ID, "gone")
		restored := newRole(t, s, o.ID, "restored")
		project := keyward.NewID(time.Now())
		bindings := []*keyward.RoleBinding{
			bind(t, s, o.ID, deployer.ID, keyward.PrincipalGroup, string(ops.ID), ""),
			bind(t, s, o.ID, deployer.ID, keyward.PrincipalUser, string(bob.ID), project),
		}
		// Bindings of deleted roles are in the graph too (keyward.Graph).
		bindings = append(bindings,
			bind(t, s, o.ID, gone.ID, keyward.PrincipalUser, string(bob.ID), ""),
			bind(t, s, o.ID, restored.ID, keyward.PrincipalUser, string(bob.ID), ""))

		vm := newPolicy(t, s, o.ID, "vm")
		dropped := newPolicy(t, s, o.ID, "dropped")
		managed := keyward.PolicyID(keyward.NewID(time.Now()))
		missingRole := keyward.NewID(time.Now())
		attachments := []*keyward.Attachment{
			attach(t, s, o.ID, vm.ID, keyward.PrincipalUser, string(bob.ID)),
			attach(t, s, o.ID, managed, keyward.PrincipalGroup, string(ops.ID)),
			attach(t, s, o.ID, vm.ID, keyward.PrincipalRole, string(deployer.ID)),
		}
		// So are attachments of deleted policies, to deleted or missing roles.
		attachments = append(attachments,
			attach(t, s, o.ID, dropped.ID, keyward.PrincipalUser, string(bob.ID)),
			attach(t, s, o.ID, dropped.ID, keyward.PrincipalRole, string(deployer.ID)),
			attach(t, s, o.ID, vm.ID, keyward.PrincipalRole, string(gone.ID)),
			attach(t, s, o.ID, managed, keyward.PrincipalRole, string(gone.ID)),
			attach(t, s, o.ID, managed, keyward.PrincipalRole, missingRole),
			attach(t, s, o.ID, managed, keyward.PrincipalRole, string(restored.ID)))

		deleteRole(t, s, gone, true)
		deleteRole(t, s, restored, true)
		deleteRole(t, s, restored, false)
		deletePolicy(t, s, dropped, true)

		// Another organization's rows, some with this one's IDs.
		other, _ := newOrg(t, s, "other")
		addMember(t, s, other.ID, bob)
		og := newGroup(t, s, other.ID, "ops")
		addToGroup(t, s, other.ID, og.ID, bob.ID)
		or := newRole(t, s, other.ID, "deployer")
		bind(t, s, other.ID, or.ID, keyward.PrincipalUser, string(bob.ID), "")
		newPolicy(t, s, other.ID, "vm")
		attach(t, s, other.ID, vm.ID, keyward.PrincipalUser, string(bob.ID))
		attach(t, s, other.ID, managed, keyward.PrincipalRole, string(deployer.ID))

		write(t, s, func(tx keyward.Tx) error { _, err := tx.BumpRevision(ctx, o.ID); return err })
		var want keyward.Graph
		read(t, s, func(tx keyward.Tx) (err error) {
			if want.Org, err = tx.GetOrganization(ctx, o.ID); err != nil {
				return err
			}
			want.Users, _, err = tx.ListUsers(ctx, o.ID, keyward.UserFilter{})
			return err
		})
		if len(want.Users) != 3 || want.Org.Revision != 1 {
			t.Fatalf("setup: %d users, revision %d", len(want.Users), want.Org.Revision)
		}
		want.Groups = []*keyward.Group{ops, empty}
		want.GroupMembers = inOps
		want.Roles = []*keyward.Role{deployer, restored}
		want.Bindings = bindings
		want.Policies = []*keyward.Policy{vm}
		want.Attachments = attachments

		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.LoadGraph(ctx, o.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("LoadGraph mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.LoadGraph(ctx, keyward.OrgID(keyward.NewID(time.Now())))
			wantCode(t, "LoadGraph(missing org)", err, keyward.CodeNotFound)
			return nil
		})
	})
}

// Sizes of the tenant BenchmarkLoadGraph loads.
const (
	benchUsers    = 10000
	benchGroups   = 1000
	benchRoles    = 500
	benchPolicies = 2000
)

// BenchmarkLoadGraph loads a large tenant from SQLite: 10,000 users (each
// in 3 groups), 1,000 groups, 500 roles (each bound to 2 groups and 4
// users), 2,000 custom policies (each attached to a role, a group and a
// user), with a tenth of the roles and policies deleted.
func BenchmarkLoadGraph(b *testing.B) {
	ctx := b.Context()
	s := keywardtest.OpenDialect(b, sqlstore.DialectSQLite, sqlstore.Config{})
	org := newBigTenant(b, s)
	var g *keyward.Graph
	for b.Loop() {
		err := s.ReadTx(ctx, func(tx keyward.Tx) (err error) {
			g, err = tx.LoadGraph(ctx, org)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(g.Users) != benchUsers+1 || len(g.Groups) != benchGroups || len(g.Roles) != benchRoles*9/10 || len(g.Policies) != benchPolicies*9/10 {
		b.Fatalf("LoadGraph read %d users, %d groups, %d roles, %d policies", len(g.Users), len(g.Groups), len(g.Roles), len(g.Policies))
	}
	b.ReportMetric(float64(len(g.GroupMembers)), "members")
	b.ReportMetric(float64(len(g.Bindings)), "bindings")
	b.ReportMetric(float64(len(g.Attachments)), "attachments")
}

// newBigTenant creates the organization BenchmarkLoadGraph loads.
func newBigTenant(tb testing.TB, s keyward.Store) keyward.OrgID {
	ctx := tb.Context()
	o, _ := newOrg(tb, s, "big")
	write(tb, s, func(tx keyward.Tx) error {
		users := make([]keyward.UserID, benchUsers)
		for i := range users {
			a := &keyward.Account{Email: fmt.Sprintf("user%d@big.example", i), Name: "User"}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			if err := tx.CreateMember(ctx, &keyward.Member{OrgID: o.ID, UserID: a.ID}); err != nil {
				return err
			}
			users[i] = a.ID
		}
		groups := make([]keyward.GroupID, benchGroups)
		for i := range groups {
			g := &keyward.Group{OrgID: o.ID, Name: fmt.Sprint("group ", i)}
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			groups[i] = g.ID
		}
		for i, u := range users {
			for j := range 3 {
				m := &keyward.GroupMember{OrgID: o.ID, GroupID: groups[(i+j*337)%benchGroups], UserID: u}
				if err := tx.AddGroupMember(ctx, m); err != nil {
					return err
				}
			}
		}
		roles := make([]keyward.RoleID, benchRoles)
		for i := range roles {
			r := &keyward.Role{OrgID: o.ID, Name: fmt.Sprint("role ", i)}
			if i%10 == 0 {
				now := tx.Now()
				r.DeletedAt = &now
			}
			if err := tx.CreateRole(ctx, r); err != nil {
				return err
			}
			roles[i] = r.ID
			for j := range 2 {
				if err := tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: r.ID,
					PrincipalType: keyward.PrincipalGroup, PrincipalID: string(groups[(i*2+j)%benchGroups])}); err != nil {
					return err
				}
			}
			for j := range 4 {
				if err := tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.ID, RoleID: r.ID,
					PrincipalType: keyward.PrincipalUser, PrincipalID: string(users[(i*4+j)%benchUsers])}); err != nil {
					return err
				}
			}
		}
		for i := range benchPolicies {
			p := &keyward.Policy{OrgID: o.ID, Name: fmt.Sprint("policy ", i), Document: []byte(testDocument)}
			if i%10 == 0 {
				now := tx.Now()
				p.DeletedAt = &now
			}
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
			for _, a := range []*keyward.Attachment{
				{OrgID: o.ID, PolicyID: p.ID, TargetType: keyward.PrincipalRole, TargetID: string(roles[i%benchRoles])},
				{OrgID: o.ID, PolicyID: p.ID, TargetType: keyward.PrincipalGroup, TargetID: string(groups[i%benchGroups])},
				{OrgID: o.ID, PolicyID: p.ID, TargetType: keyward.PrincipalUser, TargetID: string(users[i*5%benchUsers])},
			} {
				if err := tx.CreateAttachment(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return o.ID
}

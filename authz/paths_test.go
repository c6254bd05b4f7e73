package authz_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// pathStrings renders paths as "role <name> <via> <project>" and
// "policy <id> <role> <via> <project>" lines.
func pathStrings(p *authz.Paths) []string {
	var out []string
	for _, r := range p.Roles {
		out = append(out, fmt.Sprintf("role %s %s %s %v", r.Role.Name, r.Via, r.Project, r.Policies))
	}
	for _, pv := range p.Policies {
		out = append(out, fmt.Sprintf("policy %s %s %s %s", pv.ID, pv.Role, pv.Via, pv.Project))
	}
	return out
}

// TestReach checks the paths of a small organization: u joined g2 before
// g1, so that the order of groups (by id) differs from that of its
// memberships; a deleted role and a deleted policy reach nothing; a
// project binding says its project; a built-in role and a grid-defined
// role bring no policy of their own.
func TestReach(t *testing.T) {
	const org = keyward.OrgID("0193a000-0000-7000-8000-000000000001")
	id := func(n int) string { return fmt.Sprintf("0193a000-0000-7000-8000-%012d", n) }
	u := &keyward.User{Account: keyward.Account{ID: keyward.UserID(id(10))}, Member: keyward.Member{Status: keyward.StatusActive}}
	g1 := &keyward.Group{OrgID: org, ID: keyward.GroupID(id(21)), Name: "g1"}
	g2 := &keyward.Group{OrgID: org, ID: keyward.GroupID(id(22)), Name: "g2"}
	r1 := &keyward.Role{OrgID: org, ID: keyward.RoleID(id(31)), Name: "r1", Type: keyward.RoleAssignable}
	grid := &keyward.Role{OrgID: org, ID: keyward.RoleID(id(32)), Name: "grid", Type: keyward.RoleAssignable}
	gone := keyward.RoleID(id(39)) // deleted: not in the graph
	doc := []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	p1 := &keyward.Policy{OrgID: org, ID: keyward.PolicyID(id(41)), Name: "p1", Document: doc, Version: 1}
	p2 := &keyward.Policy{OrgID: org, ID: keyward.PolicyID(id(42)), Name: "p2", Document: doc, Version: 1}
	deleted := keyward.PolicyID(id(49))
	managed := keyward.PolicyID(policy.ManagedPolicyID("ComputeReadOnly"))
	viewer, _ := policy.BuiltinRoleByName(nil, "Viewer")
	project := id(51)
	att := func(p keyward.PolicyID, typ keyward.PrincipalType, target string) *keyward.Attachment {
		return &keyward.Attachment{OrgID: org, PolicyID: p, TargetType: typ, TargetID: target}
	}
	bind := func(r keyward.RoleID, typ keyward.PrincipalType, principal, project string) *keyward.RoleBinding {
		return &keyward.RoleBinding{OrgID: org, RoleID: r, PrincipalType: typ, PrincipalID: principal, ProjectID: project}
	}
	snap := authz.NewSnapshot(&keyward.Graph{
		Org:    &keyward.Organization{ID: org},
		Users:  []*keyward.User{u},
		Groups: []*keyward.Group{g1, g2},
		GroupMembers: []*keyward.GroupMember{
			{OrgID: org, GroupID: g2.ID, UserID: u.ID}, {OrgID: org, GroupID: g1.ID, UserID: u.ID},
		},
		Roles:    []*keyward.Role{r1, grid},
		Policies: []*keyward.Policy{p1, p2},
		Bindings: []*keyward.RoleBinding{
			bind(r1.ID, keyward.PrincipalUser, string(u.ID), ""),
			bind(gone, keyward.PrincipalUser, string(u.ID), ""),
			bind(keyward.RoleID(viewer.ID), keyward.PrincipalUser, string(u.ID), ""),
			bind(r1.ID, keyward.PrincipalGroup, string(g1.ID), project),
			bind(grid.ID, keyward.PrincipalGroup, string(g2.ID), ""),
		},
		Attachments: []*keyward.Attachment{
			att(deleted, keyward.PrincipalUser, string(u.ID)),
			att(p1.ID, keyward.PrincipalUser, string(u.ID)),
			att(p1.ID, keyward.PrincipalGroup, string(g2.ID)),
			att(managed, keyward.PrincipalGroup, string(g1.ID)),
			att(p2.ID, keyward.PrincipalRole, string(r1.ID)),
			att(managed, keyward.PrincipalRole, string(grid.ID)),
		},
		Projects:  []*keyward.Project{{OrgID: org, ID: keyward.ProjectID(project), Name: "pr"}},
		RoleGrids: []*keyward.RoleGrid{{OrgID: org, RoleID: grid.ID, Document: doc}},
	}, authz.Options{})

	for _, tc := range []struct {
		name string
		get  func() (*authz.Paths, error)
		want []string
	}{
		{"user", func() (*authz.Paths, error) { return snap.Reach(u.ID) }, []string{
			fmt.Sprintf("role r1 direct  [%s]", p2.ID),
			"role Viewer direct  []",
			fmt.Sprintf("role r1 group:g1 %s [%s]", project, p2.ID),
			fmt.Sprintf("role grid group:g2  [%s]", managed),
			fmt.Sprintf("policy %s  direct ", p1.ID),
			fmt.Sprintf("policy %s  group:g1 ", managed),
			fmt.Sprintf("policy %s  group:g2 ", p1.ID),
			fmt.Sprintf("policy %s %s role:r1 ", p2.ID, r1.ID),
			fmt.Sprintf("policy %s %s group:g1 → role:r1 %s", p2.ID, r1.ID, project),
			fmt.Sprintf("policy %s %s group:g2 → role:grid ", managed, grid.ID),
		}},
		{"group", func() (*authz.Paths, error) { return snap.GroupReach(g1.ID) }, []string{
			fmt.Sprintf("role r1 direct %s [%s]", project, p2.ID),
			fmt.Sprintf("policy %s  direct ", managed),
			fmt.Sprintf("policy %s %s role:r1 %s", p2.ID, r1.ID, project),
		}},
	} {
		p, err := tc.get()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := pathStrings(p); !slices.Equal(got, tc.want) {
			t.Errorf("%s paths:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
	if _, err := snap.Reach(keyward.UserID(id(11))); keyward.ErrorCode(err) != keyward.CodeNotFound {
		t.Errorf("Reach of an unknown user: %v, want CodeNotFound", err)
	}
	if _, err := snap.GroupReach(keyward.GroupID(id(29))); keyward.ErrorCode(err) != keyward.CodeNotFound {
		t.Errorf("GroupReach of an unknown group: %v, want CodeNotFound", err)
	}
}

// checkPaths fails t unless the policy paths Reach gives for user are
// those its effective access names, less those that are no attached
// policy: legacy ACLs, overrides, automatic trusts, and the documents of
// built-in and grid-defined roles (whose id is a role's, among roles).
func checkPaths(t *testing.T, where string, s *authz.Snapshot, user keyward.UserID, roles map[string]bool) {
	t.Helper()
	p, err := s.Reach(user)
	acc, accErr := s.EffectiveAccess(user)
	if keyward.ErrorCode(err) != keyward.ErrorCode(accErr) {
		t.Fatalf("%s: Reach(%s) error %v, EffectiveAccess error %v", where, user, err, accErr)
	}
	if err != nil {
		return
	}
	var got, want []string
	for _, pv := range p.Policies {
		via := pv.Via
		if pv.Project != "" {
			via += " @ project:" + strings.ToLower(pv.Project)
		}
		got = append(got, string(pv.ID)+" "+via)
	}
	for _, pp := range acc.Policies {
		if _, builtin := policy.BuiltinRoleByID(nil, string(pp.ID)); builtin || roles[string(pp.ID)] {
			continue
		}
		for _, via := range pp.Via {
			if !strings.HasPrefix(via, "acl:") && !strings.HasPrefix(via, "override") && !strings.HasPrefix(via, "trust:") {
				want = append(want, string(pp.ID)+" "+via)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if got, want = slices.Compact(got), slices.Compact(want); !slices.Equal(got, want) {
		t.Fatalf("%s: Reach(%s) policy paths\n%q\nEffectiveAccess paths\n%q", where, user, got, want)
	}
}

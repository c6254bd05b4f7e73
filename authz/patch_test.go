package authz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/sqlstore"
)

// patchSeeds and patchSteps size TestPatchProperty.
const (
	patchSeeds = 20
	patchSteps = 40
)

// TestPatchProperty checks that a snapshot an Authorizer reaches by
// patching decides exactly as one built from scratch at the same revision.
// For each seed it writes a small organization (pWorld.write), takes its
// snapshot, then commits patchSteps random changes, each in its own
// transaction with its own revision (pMutations), and after each compares
// the Authorizer's snapshot with a fresh Authorizer's on every user ever
// created: EffectiveAccess, Decide and Explain over a fixed sample of
// actions, resources, projects and contexts (also through a session of
// every role), and WhoCan. The comparison
// itself compiles every user's sets in the patched snapshot, so that a
// patch that shared a node it should have replaced would show. Most steps
// must have been patches.
func TestPatchProperty(t *testing.T) {
	seeds, steps := patchSeeds, patchSteps
	if testing.Short() {
		seeds, steps = 5, 20
	}
	keywardtest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		var total authz.UpdateStats
		used := map[string]int{}
		for seed := int64(1); seed <= int64(seeds); seed++ {
			st := runPatchProperty(t, db, seed, steps, used)
			total.Patches += st.Patches
			total.Builds += st.Builds
			total.Failed += st.Failed
			if t.Failed() {
				return
			}
		}
		t.Logf("%d seeds × %d steps: %d patches, %d builds (%d failed); mutations %v",
			seeds, steps, total.Patches, total.Builds, total.Failed, used)
		if total.Failed != 0 || total.Patches < int64(seeds*steps*8/10) {
			t.Errorf("updates: %+v; want most of the %d steps patched", total, seeds*steps)
		}
		if testing.Short() {
			// 100 steps among some 30 kinds, the rare ones skipped 3 times in
			// 4: too short a walk to meet every kind. The full walk must.
			return
		}
		for _, m := range pMutations {
			if used[m.name] == 0 {
				t.Errorf("mutation %s never applied", m.name)
			}
		}
	})
}

// runPatchProperty runs one seed and returns its Authorizer's counts.
func runPatchProperty(t *testing.T, db *sqlstore.DB, seed int64, steps int, used map[string]int) authz.UpdateStats {
	ctx := context.Background()
	w := newPWorld(seed)
	rev := w.write(t, ctx, db)
	a := authz.New(db, authz.Options{})
	p, err := a.Snapshot(ctx, w.org, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.warm(p)
	w.compare(t, ctx, db, a, rev, fmt.Sprintf("seed %d, initial", seed))
	for step := 1; step <= steps; step++ {
		// Now and then several revisions before the next snapshot, one
		// patch for all; or several changes, and revisions, in one
		// transaction.
		var what []string
		switch w.rng.Intn(8) {
		case 0, 1:
			for range 2 + w.rng.Intn(2) {
				d, r := w.apply(t, ctx, db, 1, used)
				what, rev = append(what, d), r
			}
		case 2:
			d, r := w.apply(t, ctx, db, 2, used)
			what, rev = append(what, d), r
		default:
			d, r := w.apply(t, ctx, db, 1, used)
			what, rev = append(what, d), r
		}
		w.compare(t, ctx, db, a, rev, fmt.Sprintf("seed %d, step %d %q", seed, step, what))
		if t.Failed() {
			break
		}
	}
	return a.Stats()
}

// apply commits n random mutations in one transaction, each with its
// revision, and returns what they were and the last revision. A mutation
// that does not apply, or conflicts, makes it try others.
func (w *pWorld) apply(t *testing.T, ctx context.Context, db *sqlstore.DB, n int, used map[string]int) (string, int64) {
	t.Helper()
	for try := 0; try < 200; try++ {
		accounts := len(w.accounts)
		var (
			names, what []string
			rev         int64
		)
		err := db.WriteTx(ctx, func(tx keyward.Tx) error {
			for range n {
				m := pickMutation(w)
				d, err := m.fn(w, ctx, tx)
				names, what = append(names, m.name), append(what, d)
				if err != nil {
					return err
				}
				if rev, err = tx.BumpRevision(ctx, w.org); err != nil {
					return err
				}
			}
			return nil
		})
		switch {
		case err == errSkip || keyward.ErrorCode(err) == keyward.CodeConflict:
			w.accounts = w.accounts[:accounts] // rolled back
			continue
		case err != nil:
			t.Fatalf("%s: %v", strings.Join(what, "; "), err)
		}
		for _, name := range names {
			used[name]++
		}
		return strings.Join(what, "; "), rev
	}
	t.Fatal("no mutation applies")
	return "", 0
}

// errSkip is what a mutation returns when it does not apply to the
// organization as it is (nothing to delete, say).
var errSkip = fmt.Errorf("skip")

// pWorld is one seed's organization and what the test remembers of it.
type pWorld struct {
	rng       *rand.Rand
	gen       *tWorld // mints ids from the seed
	org       keyward.OrgID
	owner     keyward.UserID
	accounts  []keyward.UserID // every account ever created
	projects  []string         // project ids, created or not yet
	resources []string         // resource ids, registered or not
	unknown   string           // an id nothing has
	n         int              // names made
}

var (
	pActions = []string{"compute.instance.Read", "compute.instance.Delete", "compute.instance.Update", "compute.instance.List",
		"compute.instance.Create", "compute.snapshot.Read", "iam.user.Read", "iam.user.Create", "iam.user.Update", "iam.group.Read",
		"iam.role.Read", "iam.policy.Update", "iam.project.Read", "iam.apikey.List", "account.user.Delete", "account.billing.Read",
		"billing.invoice.Read", "network.dns.Create", "storage.block.Read", "user.acl.ManageUsers"}
	pPatterns = []string{"compute.instance.*", "compute.instance.Read", "compute.instance.Delete", "compute.*", "*",
		"iam.user.Read", "iam.*", "*.Read", "billing.invoice.*", "network.dns.Create"}
	pACLs     = []string{"manage_users", "billing", "dns", "subscriptions_view", "provisioning"}
	pManaged  []keyward.PolicyID
	pContexts = []policy.Context{
		{Time: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), SourceIP: netip.MustParseAddr("10.1.2.3")},
		{Time: time.Date(2026, 11, 24, 3, 30, 0, 0, time.UTC), SourceIP: netip.MustParseAddr("192.0.2.7")},
	}
)

func init() {
	for _, m := range policy.ManagedPolicies(policy.DefaultCatalog()) {
		pManaged = append(pManaged, keyward.PolicyID(m.ID))
	}
}

func newPWorld(seed int64) *pWorld {
	w := &pWorld{rng: rand.New(rand.NewSource(seed))}
	w.gen = &tWorld{rng: w.rng}
	w.org = keyward.OrgID(w.gen.id())
	for range 4 {
		w.projects = append(w.projects, w.gen.id())
	}
	for range 6 {
		w.resources = append(w.resources, w.gen.id())
	}
	w.unknown = w.gen.id()
	return w
}

func (w *pWorld) name(prefix string) string {
	w.n++
	return fmt.Sprint(prefix, w.n)
}

// document returns a random policy document: one to three statements,
// Allow or Deny, some with a condition on the source address or on the
// principal's tag team (which the "tag" mutation sets).
func (w *pWorld) document() []byte {
	type stmt struct {
		Effect    string
		Action    []string
		Resource  []string
		Condition map[string]map[string]string `json:",omitempty"`
	}
	doc := struct {
		Version   string
		Statement []stmt
	}{Version: policy.Version}
	for range 1 + w.rng.Intn(3) {
		st := stmt{Effect: "Allow"}
		if w.rng.Intn(4) == 0 {
			st.Effect = "Deny"
		}
		for range 1 + w.rng.Intn(2) {
			st.Action = append(st.Action, tPick(w.rng, pPatterns))
		}
		for range 1 + w.rng.Intn(2) {
			switch w.rng.Intn(6) {
			case 0, 1:
				st.Resource = append(st.Resource, "*")
			case 2:
				st.Resource = append(st.Resource, string(w.org))
			case 3:
				st.Resource = append(st.Resource, tPick(w.rng, w.projects))
			default:
				st.Resource = append(st.Resource, tPick(w.rng, w.resources))
			}
		}
		switch w.rng.Intn(6) {
		case 0:
			st.Condition = map[string]map[string]string{"IpAddress": {"keyward:SourceIp": "10.0.0.0/8"}}
		case 1:
			st.Condition = map[string]map[string]string{"NotIpAddress": {"keyward:SourceIp": "10.0.0.0/8"}}
		case 2:
			st.Condition = map[string]map[string]string{"StringEquals": {"keyward:PrincipalTag/team": "red"}}
		}
		doc.Statement = append(doc.Statement, st)
	}
	b, err := json.Marshal(doc)
	if err == nil {
		_, err = policy.Parse(policy.DefaultCatalog(), b)
	}
	if err != nil {
		panic(fmt.Sprintf("generated policy %s: %v", b, err))
	}
	return b
}

// write writes the seed's organization in one transaction and returns its
// revision: twelve members (the root owner, a service user, a suspended
// one, two with ACLs), two of four projects with three of six resources,
// four groups, four roles (one assumable, trusted automatically), six
// custom policies, attachments of custom and managed policies, bindings
// org-wide and in projects, and an override.
func (w *pWorld) write(t *testing.T, ctx context.Context, db *sqlstore.DB) int64 {
	t.Helper()
	var rev int64
	err := db.WriteTx(ctx, func(tx keyward.Tx) error {
		now := tx.Now()
		for i := range 12 {
			a := &keyward.Account{ID: keyward.UserID(w.gen.id()), Name: fmt.Sprint("u", i), Service: i == 1}
			if !a.Service {
				a.Email = string(a.ID) + "@example.com"
			}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			w.accounts = append(w.accounts, a.ID)
		}
		w.owner = w.accounts[0]
		if err := tx.CreateOrganization(ctx, &keyward.Organization{ID: w.org, Name: "patch", Type: keyward.OrgTypeTeam, OwnerID: w.owner}); err != nil {
			return err
		}
		for i, id := range w.accounts {
			m := &keyward.Member{OrgID: w.org, UserID: id, Owner: i == 0, Status: keyward.StatusActive, APIEnabled: true}
			switch i {
			case 2:
				m.Status, m.SuspendedAt = keyward.StatusSuspended, &now
			case 3:
				m.ACLs = []string{"manage_users"}
			case 4:
				m.ACLs = []string{"billing", "dns"}
			}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		for i, p := range w.projects[:2] {
			if err := tx.CreateProject(ctx, &keyward.Project{ID: keyward.ProjectID(p), OrgID: w.org, Name: fmt.Sprint("project", i)}); err != nil {
				return err
			}
		}
		for i, r := range w.resources[:3] {
			if err := tx.CreateResource(ctx, &keyward.Resource{OrgID: w.org, ID: r, Type: "compute.instance", ProjectID: keyward.ProjectID(w.projects[i%2])}); err != nil {
				return err
			}
		}
		var groups []keyward.GroupID
		for range 4 {
			g := &keyward.Group{ID: keyward.GroupID(w.gen.id()), OrgID: w.org, Name: w.name("g")}
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			groups = append(groups, g.ID)
			for _, u := range w.accounts[1:] {
				if w.rng.Intn(3) == 0 {
					if err := tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: w.org, GroupID: g.ID, UserID: u, AddedAt: now}); err != nil {
						return err
					}
				}
			}
		}
		var roles []keyward.RoleID
		for i := range 4 {
			r := &keyward.Role{ID: keyward.RoleID(w.gen.id()), OrgID: w.org, Name: w.name("r"), Type: keyward.RoleAssignable, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds}
			if i == 3 {
				r.Type = keyward.RoleAssumable
			}
			if err := tx.CreateRole(ctx, r); err != nil {
				return err
			}
			roles = append(roles, r.ID)
		}
		target := func() (keyward.PrincipalType, string) {
			switch w.rng.Intn(3) {
			case 0:
				return keyward.PrincipalUser, string(tPick(w.rng, w.accounts[1:]))
			case 1:
				return keyward.PrincipalGroup, string(tPick(w.rng, groups))
			}
			return keyward.PrincipalRole, string(tPick(w.rng, roles))
		}
		seen := map[string]bool{}
		for range 6 {
			p := &keyward.Policy{ID: keyward.PolicyID(w.gen.id()), OrgID: w.org, Name: w.name("p"), Document: w.document(), Version: 1}
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
			for range 1 + w.rng.Intn(2) {
				typ, id := target()
				if k := string(p.ID) + string(typ) + id; !seen[k] {
					seen[k] = true
					if err := tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: w.org, PolicyID: p.ID, TargetType: typ, TargetID: id, CreatedAt: now}); err != nil {
						return err
					}
				}
			}
		}
		for range 3 {
			p := tPick(w.rng, pManaged)
			typ, id := target()
			if k := string(p) + string(typ) + id; !seen[k] {
				seen[k] = true
				if err := tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: w.org, PolicyID: p, TargetType: typ, TargetID: id, CreatedAt: now}); err != nil {
					return err
				}
			}
		}
		for range 5 {
			b := &keyward.RoleBinding{OrgID: w.org, RoleID: tPick(w.rng, roles[:3]), PrincipalType: keyward.PrincipalUser,
				PrincipalID: string(tPick(w.rng, w.accounts[1:])), CreatedAt: now}
			if w.rng.Intn(2) == 0 {
				b.PrincipalType, b.PrincipalID = keyward.PrincipalGroup, string(tPick(w.rng, groups))
			}
			if w.rng.Intn(2) == 0 {
				b.ProjectID = tPick(w.rng, w.projects[:2])
			}
			if k := fmt.Sprint(b.RoleID, b.PrincipalType, b.PrincipalID, b.ProjectID); !seen[k] {
				seen[k] = true
				if err := tx.CreateRoleBinding(ctx, b); err != nil {
					return err
				}
			}
		}
		if err := tx.PutOverride(ctx, &keyward.Override{OrgID: w.org, ProjectID: keyward.ProjectID(w.projects[0]), UserID: w.accounts[5],
			Grid: []byte("{}"), Document: w.document()}); err != nil {
			return err
		}
		rt := &keyward.RoleTrust{OrgID: w.org, RoleID: roles[3], Type: keyward.TrustTemporary, Mode: keyward.AssumeAutomatic, CreatedAt: now,
			TrustedGroupID: groups[0]}
		rt.Conditions.IPAddress = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		if err := tx.CreateRoleTrust(ctx, rt); err != nil {
			return err
		}
		var err error
		rev, err = tx.BumpRevision(ctx, w.org)
		return err
	})
	if err != nil {
		t.Fatalf("write org: %v", err)
	}
	return rev
}

// requests returns the sample of requests compared: every user ever
// created, each action, and resources and projects of every kind
// (registered or not, created or not), in two contexts.
func (w *pWorld) requests() []authz.Request {
	var out []authz.Request
	for _, u := range w.accounts {
		for i, act := range pActions {
			c := pContexts[i%2]
			add := func(res, project string) {
				out = append(out, authz.Request{Principal: u, Action: act, Resource: res, Project: project, Context: c})
			}
			add("", "")
			add(string(w.org), "")
			add("", w.projects[0])
			add("", w.projects[2])
			add(w.projects[1], "")
			for _, r := range w.resources {
				add(r, "")
			}
			add(w.resources[0], w.projects[1])
			add(w.unknown, "")
			add(string(u), "")
		}
	}
	return out
}

// warm decides a few requests of every user in s, so that their compiled
// sets exist.
func (w *pWorld) warm(s *authz.Snapshot) {
	for _, u := range w.accounts {
		for _, res := range []string{"", w.resources[0], w.resources[2]} {
			s.Decide(&authz.Request{Principal: u, Action: "compute.instance.Read", Resource: res, Context: pContexts[0]})
		}
	}
}

// compare fails t if a's snapshot at rev and a fresh Authorizer's differ.
func (w *pWorld) compare(t *testing.T, ctx context.Context, db *sqlstore.DB, a *authz.Authorizer, rev int64, where string) {
	t.Helper()
	p, err := a.Snapshot(ctx, w.org, rev)
	if err != nil {
		t.Fatalf("%s: patched snapshot: %v", where, err)
	}
	f, err := authz.New(db, authz.Options{}).Snapshot(ctx, w.org, rev)
	if err != nil {
		t.Fatalf("%s: built snapshot: %v", where, err)
	}
	if p.Revision != rev || f.Revision != rev {
		t.Fatalf("%s: revisions %d (patched), %d (built); want %d", where, p.Revision, f.Revision, rev)
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// The reverse index a patch keeps (which members each group, role
	// and policy reaches) must be the one a build makes.
	pr, err := authz.ReachOf(p)
	if err != nil {
		t.Fatalf("%s: patched snapshot's reverse index: %v", where, err)
	}
	fr, err := authz.ReachOf(f)
	if err != nil {
		t.Fatalf("%s: built snapshot's reverse index: %v", where, err)
	}
	if js(pr) != js(fr) {
		t.Fatalf("%s: reverse index differs: %s", where, diffAt(js(pr), js(fr)))
	}
	for _, u := range w.accounts {
		pa, perr := p.EffectiveAccess(u)
		fa, ferr := f.EffectiveAccess(u)
		if keyward.ErrorCode(perr) != keyward.ErrorCode(ferr) || js(pa) != js(fa) {
			t.Fatalf("%s: EffectiveAccess(%s) (errors %v, %v) differ: %s", where, u, perr, ferr, diffAt(js(pa), js(fa)))
		}
	}
	reqs := w.requests()
	for i := range reqs {
		r := &reqs[i]
		pd, pl := p.Decide(r)
		fd, fl := f.Decide(r)
		if pd != fd || pl != fl {
			t.Fatalf("%s: Decide(%+v) = %s/%s patched, %s/%s built", where, *r, pd, pl, fd, fl)
		}
		// Explain costs more: a third of the sample.
		if i%3 == 0 {
			if pe, fe := js(p.Explain(r)), js(f.Explain(r)); pe != fe {
				t.Fatalf("%s: Explain(%+v) differs: %s", where, *r, diffAt(pe, fe))
			}
		}
	}
	// Requests through a session of every role, deleted ones too, by
	// members and others.
	var roles []*keyward.Role
	err = db.ReadTx(ctx, func(tx keyward.Tx) error {
		for _, deleted := range []bool{false, true} {
			rs, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Deleted: deleted, Page: pAll})
			if err != nil {
				return err
			}
			roles = append(roles, rs...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// What reaches each user, as the views list it, is the same in both,
	// and is what the engine evaluates.
	roleIDs := map[string]bool{}
	for _, r := range roles {
		roleIDs[string(r.ID)] = true
	}
	for _, u := range w.accounts {
		pp, perr := p.Reach(u)
		fp, ferr := f.Reach(u)
		if keyward.ErrorCode(perr) != keyward.ErrorCode(ferr) || js(pp) != js(fp) {
			t.Fatalf("%s: Reach(%s) (errors %v, %v) differ: %s", where, u, perr, ferr, diffAt(js(pp), js(fp)))
		}
		checkPaths(t, where, p, u, roleIDs)
	}
	for i, role := range roles {
		for j, act := range pActions[:8] {
			for _, res := range []string{"", w.resources[j%len(w.resources)], w.projects[j%2]} {
				r := &authz.Request{Principal: w.accounts[(i+j)%len(w.accounts)], Action: act, Resource: res,
					Context: pContexts[j%2], Session: &authz.Session{Role: role.ID}}
				if pe, fe := js(p.Explain(r)), js(f.Explain(r)); pe != fe {
					t.Fatalf("%s: Explain(%+v) as role %s differs: %s", where, *r, role.ID, diffAt(pe, fe))
				}
				pd, pl := p.Decide(r)
				if fd, fl := f.Decide(r); pd != fd || pl != fl {
					t.Fatalf("%s: Decide(%+v) as role %s = %s/%s patched, %s/%s built", where, *r, role.ID, pd, pl, fd, fl)
				}
			}
		}
	}
	for i, act := range pActions[:6] {
		for _, res := range []string{"", w.resources[i%len(w.resources)], w.projects[i%2]} {
			r := authz.Request{Action: act, Resource: res, Context: pContexts[i%2]}
			if pw, fw := js(p.WhoCan(r)), js(f.WhoCan(r)); pw != fw {
				t.Fatalf("%s: WhoCan(%+v) differs: %s", where, r, diffAt(pw, fw))
			}
		}
	}
}

// diffAt shows where the JSON forms a (patched) and b (built) part.
func diffAt(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-150, 0)
	cut := func(s string) string { return s[min(from, len(s)):min(i+150, len(s))] }
	return fmt.Sprintf("at byte %d:\n patched …%s…\n built   …%s…", i, cut(a), cut(b))
}

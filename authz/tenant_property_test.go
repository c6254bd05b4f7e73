package authz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
)

// tenantSeeds and tenantRequests size TestTenantProperty: worlds, and
// requests asked in each organization of a world.
const (
	tenantSeeds    = 25
	tenantRequests = 200
)

// TestTenantProperty checks the tenant layer against a naive reference
// (tenantWant) over random worlds of two or three organizations written to
// one store: projects, resources registered in one organization or in
// several under the same id, members (some belonging to two organizations)
// with custom policies attached directly and roles bound org-wide or in one
// project. Random requests about a member of each organization, naming
// resources, projects and organizations of its own, of another tenant or of
// none, in any case, must get the reference's decision and layer from
//
//   - the organization's snapshot, by Decide and by Explain alike, and by
//     WhoCan (the principal is listed exactly when allowed);
//   - a snapshot of an Authorizer with RequireTenant;
//   - the authorize API (service.Authorize as the root owner, without and
//     with RequireTenant), which also places a resource that another
//     organization registered when the request names no organization.
//
// A mismatch names the seed, the request and both answers.
func TestTenantProperty(t *testing.T) {
	keywardtest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		now := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
		svc := service.New(db, service.Options{Now: now})
		strictSvc := service.New(db, service.Options{Now: now, RequireTenant: true})
		seen := map[string]int{}
		for seed := int64(1); seed <= tenantSeeds; seed++ {
			t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
				runTenantProperty(t, db, svc, strictSvc, seed, seen)
			})
		}
		// The generator must reach every case of the reference.
		for _, k := range []string{"tenant/org", "tenant/project", "tenant/registry", "strict/unregistered",
			"authorize/placed", "policy/allow", "policy/explicit_deny", "policy/implicit_deny",
			"root_owner/allow", "principal/implicit_deny"} {
			if seen[k] == 0 {
				t.Errorf("no request of the %d seeds was decided as %s", tenantSeeds, k)
			}
		}
		t.Logf("requests by case: %v", seen)
	})
}

// tStmt is one statement of the reference: an effect, action patterns and
// resource references.
type tStmt struct {
	Deny      bool
	Actions   []string
	Resources []string
}

// tMember is an account's membership in one organization and the
// statements it holds there.
type tMember struct {
	id     keyward.UserID
	owner  bool
	direct [][]tStmt            // the policies attached to the member
	bound  map[string][][]tStmt // project ("" for the whole org) → policies of the roles bound there
}

// tOrg is one organization of a world.
type tOrg struct {
	id        keyward.OrgID
	projects  []string
	resources map[string]string // resource id → its project in this org
	members   map[keyward.UserID]*tMember
	order     []keyward.UserID // the owner, then the other members, as generated
	owner     keyward.UserID
}

// tWorld is the reference's copy of what a seed wrote to the store.
type tWorld struct {
	rng      *rand.Rand
	orgs     []*tOrg
	accounts []keyward.UserID
	resIDs   []string          // every registered resource id, once
	label    map[string]string // id → a readable name for messages
}

// Action patterns of statements and actions of requests. Patterns must
// each match some catalog action (policy.Parse refuses others).
var (
	tPatterns = []string{"compute.instance.Read", "compute.instance.Delete", "compute.instance.*", "compute.*", "*",
		"COMPUTE.Instance.read", "*.Read", "compute.inst*.Delete", "compute.snapshot.Read"}
	tActions = []string{"compute.instance.Read", "compute.instance.Delete", "compute.instance.Update",
		"compute.instance.List", "compute.snapshot.Read", "Compute.Instance.DELETE"}
)

// id mints an id from w's seed, so a seed makes the same world every run.
func (w *tWorld) id() string {
	r := w.rng
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", r.Uint32(), r.Intn(1<<16), r.Intn(1<<12), 0x8000|r.Intn(1<<14), r.Int63n(1<<48))
}

func tPick[T any](r *rand.Rand, s []T) T { return s[r.Intn(len(s))] }

// mixCase returns id in upper case now and then: ids compare ignoring case.
func (w *tWorld) mixCase(id string) string {
	if w.rng.Intn(6) == 0 {
		return strings.ToUpper(id)
	}
	return id
}

// other returns a random organization of w other than x.
func (w *tWorld) other(x *tOrg) *tOrg {
	for {
		if o := tPick(w.rng, w.orgs); o != x {
			return o
		}
	}
}

// newTenantWorld generates a world from seed.
func newTenantWorld(seed int64) *tWorld {
	w := &tWorld{rng: rand.New(rand.NewSource(seed)), label: map[string]string{}}
	r := w.rng
	for i := range 2 + r.Intn(2) {
		o := &tOrg{id: keyward.OrgID(w.id()), resources: map[string]string{}, members: map[keyward.UserID]*tMember{}}
		w.label[string(o.id)] = fmt.Sprintf("org%d", i)
		for j := range 2 + r.Intn(2) {
			p := w.id()
			o.projects = append(o.projects, p)
			w.label[p] = fmt.Sprintf("org%d/project%d", i, j)
		}
		o.owner = keyward.UserID(w.id())
		w.accounts = append(w.accounts, o.owner)
		w.label[string(o.owner)] = fmt.Sprintf("org%d/owner", i)
		o.members[o.owner] = &tMember{id: o.owner, owner: true}
		o.order = append(o.order, o.owner)
		for j := range 2 + r.Intn(3) {
			var id keyward.UserID
			if i > 0 && r.Intn(4) == 0 { // a member of an earlier organization joins this one too
				id = tPick(r, w.accounts)
				if o.members[id] != nil {
					continue
				}
				w.label[string(id)] += fmt.Sprintf("+org%d/member%d", i, j)
			} else {
				id = keyward.UserID(w.id())
				w.accounts = append(w.accounts, id)
				w.label[string(id)] = fmt.Sprintf("org%d/member%d", i, j)
			}
			o.members[id] = &tMember{id: id, bound: map[string][][]tStmt{}}
			o.order = append(o.order, id)
		}
		w.orgs = append(w.orgs, o)
	}
	for i := range 6 + r.Intn(5) {
		id := w.id()
		w.resIDs = append(w.resIDs, id)
		n := 1 // in one organization, or in two or all under the same id
		if k := r.Intn(10); k >= 8 {
			n = len(w.orgs)
		} else if k >= 5 {
			n = 2
		}
		var where []string
		for _, i := range r.Perm(len(w.orgs))[:n] {
			o := w.orgs[i]
			o.resources[id] = tPick(r, o.projects)
			where = append(where, w.label[o.resources[id]])
		}
		w.label[id] = fmt.Sprintf("resource%d (in %s)", i, strings.Join(where, ", "))
	}
	for _, o := range w.orgs {
		for _, id := range o.order[1:] {
			m := o.members[id]
			for range 1 + r.Intn(2) {
				m.direct = append(m.direct, w.policy(o))
			}
			if r.Intn(5) < 2 {
				p := ""
				if r.Intn(3) > 0 {
					p = tPick(r, o.projects)
				}
				m.bound[p] = append(m.bound[p], w.policy(o))
			}
		}
	}
	return w
}

// policy generates the statements of a policy of organization x.
func (w *tWorld) policy(x *tOrg) []tStmt {
	r := w.rng
	var out []tStmt
	for range 1 + r.Intn(3) {
		st := tStmt{Deny: r.Intn(10) < 3}
		for range 1 + r.Intn(2) {
			st.Actions = append(st.Actions, tPick(r, tPatterns))
		}
		for range 1 + r.Intn(2) {
			var ref string
			switch r.Intn(8) {
			case 0:
				ref = "*"
			case 1:
				ref = string(x.id)
			case 2, 3:
				ref = tPick(r, x.projects)
			case 4, 5:
				ref = tPick(r, w.resIDs)
			case 6:
				ref = tPick(r, w.other(x).projects)
			default:
				ref = string(w.other(x).id)
			}
			st.Resources = append(st.Resources, w.mixCase(ref))
		}
		out = append(out, st)
	}
	return out
}

// tDocument is the policy document of statements; it must parse.
func tDocument(t *testing.T, sts []tStmt) []byte {
	t.Helper()
	type stmt struct {
		Effect   string
		Action   []string
		Resource []string
	}
	doc := struct {
		Version   string
		Statement []stmt
	}{Version: policy.Version}
	for _, st := range sts {
		eff := "Allow"
		if st.Deny {
			eff = "Deny"
		}
		doc.Statement = append(doc.Statement, stmt{eff, st.Actions, st.Resources})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Parse(nil, b); err != nil {
		t.Fatalf("generated policy %s: %v", b, err)
	}
	return b
}

// write writes w to db in one transaction.
func (w *tWorld) write(t *testing.T, ctx context.Context, db *sqlstore.DB) {
	t.Helper()
	err := db.WriteTx(ctx, func(tx keyward.Tx) error {
		now := tx.Now()
		for _, a := range w.accounts {
			if err := tx.CreateAccount(ctx, &keyward.Account{ID: a, Name: "u", Email: string(a) + "@example.com"}); err != nil {
				return err
			}
		}
		n := 0
		newPolicy := func(o *tOrg, sts []tStmt, kind keyward.PrincipalType, target string) error {
			n++
			p := &keyward.Policy{ID: keyward.PolicyID(w.id()), OrgID: o.id, Name: fmt.Sprint("p", n), Document: tDocument(t, sts), Version: 1}
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
			return tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: o.id, PolicyID: p.ID, TargetType: kind, TargetID: target, CreatedAt: now})
		}
		for i, o := range w.orgs {
			if err := tx.CreateOrganization(ctx, &keyward.Organization{ID: o.id, Name: fmt.Sprint("org", i), Type: keyward.OrgTypeTeam, OwnerID: o.owner}); err != nil {
				return err
			}
			for j, p := range o.projects {
				if err := tx.CreateProject(ctx, &keyward.Project{ID: keyward.ProjectID(p), OrgID: o.id, Name: fmt.Sprint("project", j)}); err != nil {
					return err
				}
			}
			for id, p := range o.resources {
				if err := tx.CreateResource(ctx, &keyward.Resource{OrgID: o.id, ID: id, Type: "compute.instance", ProjectID: keyward.ProjectID(p)}); err != nil {
					return err
				}
			}
			for _, id := range o.order {
				m := o.members[id]
				if err := tx.CreateMember(ctx, &keyward.Member{OrgID: o.id, UserID: m.id, Owner: m.owner, Status: keyward.StatusActive, APIEnabled: true}); err != nil {
					return err
				}
				for _, sts := range m.direct {
					if err := newPolicy(o, sts, keyward.PrincipalUser, string(m.id)); err != nil {
						return err
					}
				}
				for _, project := range slices.Sorted(maps.Keys(m.bound)) {
					for _, sts := range m.bound[project] {
						role := &keyward.Role{ID: keyward.RoleID(w.id()), OrgID: o.id, Name: fmt.Sprint("r", n), Type: keyward.RoleAssignable, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds}
						if err := tx.CreateRole(ctx, role); err != nil {
							return err
						}
						if err := newPolicy(o, sts, keyward.PrincipalRole, string(role.ID)); err != nil {
							return err
						}
						rb := &keyward.RoleBinding{OrgID: o.id, RoleID: role.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(m.id), ProjectID: project, CreatedAt: now}
						if err := tx.CreateRoleBinding(ctx, rb); err != nil {
							return err
						}
					}
				}
			}
			if _, err := tx.BumpRevision(ctx, o.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("write world: %v", err)
	}
}

// request generates a request about a principal of organization x (now and
// then another organization's member), with lowercase ids as the
// authorize API takes them.
func (w *tWorld) request(x *tOrg) authz.Request {
	r := w.rng
	var req authz.Request
	switch r.Intn(10) {
	case 0:
		req.Principal = x.owner
	case 1, 2:
		req.Principal = tPick(r, w.accounts)
	default:
		req.Principal = x.owner
		if len(x.order) > 1 {
			req.Principal = tPick(r, x.order[1:])
		}
	}
	req.Action = tPick(r, tActions)
	switch r.Intn(6) {
	case 0:
	case 4:
		req.Resource = w.id() // registered nowhere
	case 5:
		req.Resource = tPick(r, x.projects) // the project itself
	default:
		req.Resource = tPick(r, w.resIDs)
	}
	switch r.Intn(8) {
	case 3, 4:
		req.Project = x.resources[req.Resource]
	case 5:
		req.Project = tPick(r, x.projects)
	case 6:
		req.Project = tPick(r, w.other(x).projects)
	case 7:
		req.Project = w.id()
	}
	switch r.Intn(8) {
	case 4, 5:
		req.Org = string(x.id)
	case 6:
		req.Org = string(w.other(x).id)
	case 7:
		req.Org = w.id()
	}
	return req
}

// tenantWant is the reference decision of r in organization x, with why
// the tenant layer denied it (org, project, registry or unregistered) if it
// did. The tenant rule comes first; then the member's statements, those of roles bound in
// a project only in that project, decide in the request's project or, when
// it names none, in the project x registered the resource in. With
// strict (RequireTenant), a resource neither registered in x nor named
// with an organization is denied at the tenant layer too.
func tenantWant(x *tOrg, r authz.Request, strict bool) (d policy.Decision, layer, why string) {
	lower := strings.ToLower
	res, project := lower(r.Resource), lower(r.Project)
	switch {
	case r.Org != "" && lower(r.Org) != string(x.id):
		why = "org"
	case project != "" && !slices.Contains(x.projects, project):
		why = "project"
	case project != "" && x.resources[res] != "" && x.resources[res] != project:
		why = "registry"
	case strict && res != "" && r.Org == "" && x.resources[res] == "":
		why = "unregistered"
	}
	if why != "" {
		return policy.ImplicitDeny, authz.LayerTenant, why
	}
	m := x.members[r.Principal]
	switch {
	case m == nil:
		return policy.ImplicitDeny, authz.LayerPrincipal, ""
	case m.owner:
		return policy.Allow, authz.LayerRootOwner, ""
	}
	if project == "" {
		project = x.resources[res]
	}
	pols := append(slices.Clone(m.direct), m.bound[""]...)
	if project != "" {
		pols = append(pols, m.bound[project]...)
	}
	allow := false
	for _, sts := range pols {
		for _, st := range sts {
			if !slices.ContainsFunc(st.Actions, func(p string) bool { return tGlob(lower(p), lower(r.Action)) }) ||
				!slices.ContainsFunc(st.Resources, func(ref string) bool {
					ref = lower(ref)
					return ref == "*" || ref == string(x.id) || ref == res || (project != "" && ref == project)
				}) {
				continue
			}
			if st.Deny {
				return policy.ExplicitDeny, authz.LayerPolicy, ""
			}
			allow = true
		}
	}
	if allow {
		return policy.Allow, authz.LayerPolicy, ""
	}
	return policy.ImplicitDeny, authz.LayerPolicy, ""
}

// tGlob reports whether s matches pattern p, where * matches any run of
// characters, dots included.
func tGlob(p, s string) bool {
	if p == "" {
		return s == ""
	}
	if p[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if tGlob(p[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s != "" && p[0] == s[0] && tGlob(p[1:], s[1:])
}

// placed is r as the authorize API hands it to the engine: a resource
// that another organization than x registered, asked about without an
// organization, gets that organization.
func (w *tWorld) placed(x *tOrg, r authz.Request) authz.Request {
	if r.Resource == "" || r.Org != "" {
		return r
	}
	for _, o := range w.orgs {
		if o != x && o.resources[r.Resource] != "" {
			r.Org = string(o.id)
			break
		}
	}
	return r
}

// describe formats r with the names of its ids.
func (w *tWorld) describe(x *tOrg, r authz.Request) string {
	name := func(id string) string {
		switch l, ok := w.label[strings.ToLower(id)]; {
		case id == "":
			return `""`
		case ok:
			return id + " " + l
		}
		return id + " (made up)"
	}
	m := x.members[r.Principal]
	pols := "not a member"
	if m != nil {
		pols = fmt.Sprintf("direct %+v, bound %+v", m.direct, m.bound)
	}
	return fmt.Sprintf("in %s: principal %s (%s), action %s, resource %s, project %s, org %s",
		w.label[string(x.id)], name(string(r.Principal)), pols, r.Action, name(r.Resource), name(r.Project), name(r.Org))
}

// runTenantProperty generates the world of seed, writes it to db and
// checks tenantRequests random requests in each of its organizations,
// counting their cases in seen.
func runTenantProperty(t *testing.T, db *sqlstore.DB, svc, strictSvc *service.Service, seed int64, seen map[string]int) {
	ctx := context.Background()
	w := newTenantWorld(seed)
	w.write(t, ctx, db)
	a, strictA := authz.New(db, authz.Options{}), authz.New(db, authz.Options{RequireTenant: true})
	failures := 0
	fail := func(x *tOrg, r authz.Request, what string, d policy.Decision, layer string, wd policy.Decision, wl string) {
		t.Helper()
		t.Errorf("seed %d: %s = %s/%s, want %s/%s\n  request %s", seed, what, d, layer, wd, wl, w.describe(x, r))
		if failures++; failures >= 10 {
			t.Fatalf("seed %d: too many mismatches", seed)
		}
	}
	for _, x := range w.orgs {
		snap, err := a.Snapshot(ctx, x.id, 0)
		if err != nil {
			t.Fatal(err)
		}
		strict, err := strictA.Snapshot(ctx, x.id, 0)
		if err != nil {
			t.Fatal(err)
		}
		rootCtx := keyward.NewContextWithPrincipal(ctx, &keyward.Principal{
			OrgID: x.id, UserID: x.owner, Kind: keyward.KindRootOwner, Revision: snap.Revision})
		for range tenantRequests {
			req := w.request(x)
			// The engine takes ids in any case; the authorize API takes
			// them in lower case.
			er := req
			er.Resource, er.Project, er.Org = w.mixCase(req.Resource), w.mixCase(req.Project), w.mixCase(req.Org)

			wd, wl, why := tenantWant(x, er, false)
			if why != "" {
				seen["tenant/"+why]++
			} else {
				seen[wl+"/"+wd.String()]++
			}
			d, layer := snap.Decide(&er)
			if d != wd || layer != wl {
				fail(x, er, "Decide", d, layer, wd, wl)
			}
			if res := snap.Explain(&er); res.Decision != d || res.Layer != layer || res.Allowed != d.Allowed() {
				fail(x, er, "Explain (vs Decide)", res.Decision, res.Layer, d, layer)
			}
			lists := func(who []authz.Grantee) bool {
				return slices.ContainsFunc(who, func(g authz.Grantee) bool { return g.User.Account.ID == er.Principal })
			}
			if got := lists(snap.WhoCan(er)); got != wd.Allowed() {
				t.Errorf("seed %d: WhoCan lists the principal = %v, want %v\n  request %s", seed, got, wd.Allowed(), w.describe(x, er))
			}
			sd, sl, why := tenantWant(x, er, true)
			if why == "unregistered" {
				seen["strict/unregistered"]++
			}
			if d, layer := strict.Decide(&er); d != sd || layer != sl {
				fail(x, er, "Decide with RequireTenant", d, layer, sd, sl)
			}

			for _, s := range []struct {
				name   string
				svc    *service.Service
				strict bool
			}{{"Authorize", svc, false}, {"Authorize with RequireTenant", strictSvc, true}} {
				placed := w.placed(x, req)
				if placed.Org != req.Org && wl != authz.LayerTenant && !s.strict {
					seen["authorize/placed"]++ // denied only by another organization's registry
				}
				ad, al, _ := tenantWant(x, placed, s.strict)
				v, err := s.svc.Authorize(rootCtx, service.Check{Principal: req.Principal, Action: req.Action,
					Resource: req.Resource, Project: req.Project, Org: req.Org}, snap.Revision)
				if err != nil {
					t.Fatalf("seed %d: %s: %v\n  request %s", seed, s.name, err, w.describe(x, req))
				}
				if v.Explanation.Decision != ad || v.Explanation.Layer != al || v.Allowed != ad.Allowed() {
					fail(x, req, s.name, v.Explanation.Decision, v.Explanation.Layer, ad, al)
				}
				if s.strict {
					continue
				}
				who, _, err := s.svc.WhoCan(rootCtx, service.Check{Action: req.Action, Resource: req.Resource, Project: req.Project, Org: req.Org}, snap.Revision)
				if err != nil {
					t.Fatalf("seed %d: WhoCan: %v", seed, err)
				}
				if got := lists(who); got != ad.Allowed() {
					t.Errorf("seed %d: the who-can API lists the principal = %v, want %v\n  request %s", seed, got, ad.Allowed(), w.describe(x, req))
				}
			}
		}
	}
}

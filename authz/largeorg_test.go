package authz_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/policy/policytest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// largeOrg is the "large" organization of the policy issue, written to a
// real SQLite store for the benchmarks: 10,000 users, 1,000 groups, 500
// roles, 2,000 custom policies of 5 statements, 11,000 resources in 500
// projects. It is policytest's large org, the one of policy's benchmarks,
// so its documents and its users' sets are theirs; only grants drawn twice
// (a user put in a group twice, say) are written once, since the store
// refuses duplicates.
//
// Besides the 10,000 users the org has its root owner and a service user,
// the caller of the HTTP benchmarks, with the managed IAMFullAccess policy
// (which holds iam.authorization.Authorize) and an API key.
type largeOrg struct {
	db        *sqlstore.DB
	path      string // the SQLite file behind db
	cat       *policy.Catalog
	org       keyward.OrgID
	owner     keyward.UserID
	caller    keyward.UserID
	token     string           // the caller's API key
	users     []keyward.UserID // the 10,000 generated members
	projects  []string
	resources []string // resources[i] is in projects[i%len(projects)]
	docs      []*policy.Document
	reach     [][]int            // reach[u]: the custom policies that reach users[u], by index in docs
	policyIDs []keyward.PolicyID // policyIDs[i] is the stored policy of docs[i]
	groupIDs  []keyward.GroupID
	roleIDs   []keyward.RoleID
	members   [][]int       // members[g]: the users (indexes in users) of groupIDs[g]
	holders   [][]int       // holders[r]: the users holding roleIDs[r], directly or through a group
	written   time.Duration // how long writing the org took
}

// benchCleanups undo what the benchmarks' fixtures set up (the large
// org's database, servers), last first, when the test binary ends.
var benchCleanups []func()

// largeOrgOnce writes the large org on first use, once per test binary
// run; only benchmarks call it, so plain `go test` never pays for it.
var largeOrgOnce = sync.OnceValues(func() (*largeOrg, error) {
	return writeOrgFile("keyward-largeorg-", policytest.ShapeOf(policytest.LargeUsers))
})

// writeOrgFile writes the organization of shape sh to a new SQLite file
// in a new temporary directory (named from pattern, as os.MkdirTemp's),
// both removed when the test binary ends, and notes how long it took.
func writeOrgFile(pattern string, sh policytest.Shape) (*largeOrg, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return nil, err
	}
	benchCleanups = append(benchCleanups, func() { os.RemoveAll(dir) })
	ctx := context.Background()
	path := filepath.Join(dir, "keyward.db")
	db, err := sqlstore.Open(ctx, sqlstore.Config{SQLitePath: path})
	if err != nil {
		return nil, err
	}
	benchCleanups = append(benchCleanups, func() { db.Close() })
	start := time.Now()
	o, err := writeOrg(ctx, db, sh)
	if err != nil {
		return nil, err
	}
	o.written, o.path = time.Since(start), path
	return o, nil
}

// cannedAddrEnv, set in a test binary's environment, makes it the canned
// server of BenchmarkHTTPVersusCanned (startCanned in versuscanned_test.go)
// instead of running tests; `go test` never sets it.
const cannedAddrEnv = "KEYWARD_BENCH_CANNED_ADDR"

// serveCanned, where versuscanned_test.go builds, serves the canned
// verdict on the address of cannedAddrEnv until the process is killed.
var serveCanned func(addr string) error

func TestMain(m *testing.M) {
	// A test binary started by startCanned is a canned server, no test.
	if addr := os.Getenv(cannedAddrEnv); addr != "" && serveCanned != nil {
		fmt.Fprintln(os.Stderr, "canned server:", serveCanned(addr))
		os.Exit(1)
	}
	code := m.Run()
	for _, f := range slices.Backward(benchCleanups) {
		f()
	}
	os.Exit(code)
}

// largeOrgOf returns the large org, writing it on first use.
func largeOrgOf(tb testing.TB) *largeOrg {
	tb.Helper()
	o, err := largeOrgOnce()
	if err != nil {
		tb.Fatalf("writing the large org: %v", err)
	}
	return o
}

// writeOrg draws an organization of shape sh and writes it to db in three
// transactions: accounts, organization and members; groups, roles and
// policies; memberships, bindings, attachments and the caller's key. Of
// policytest.ShapeOf(policytest.LargeUsers) it draws the large org.
func writeOrg(ctx context.Context, db *sqlstore.DB, sh policytest.Shape) (*largeOrg, error) {
	cat := policy.DefaultCatalog()
	var actions []policytest.Action
	for _, a := range cat.Actions() {
		actions = append(actions, policytest.Action{Name: a.Name, Service: a.Service, Resource: a.Resource, Operation: a.Operation})
	}
	gen := policytest.NewOrg(sh, actions)
	// ids draws what policytest leaves to the store: the accounts, groups,
	// roles and the caller's key.
	ids := rand.New(rand.NewPCG(2026, 4))
	o := &largeOrg{db: db, cat: cat, org: keyward.OrgID(gen.ID), projects: gen.Projects, resources: gen.Resources}
	policies := make([]*keyward.Policy, len(gen.Policies))
	for i, p := range gen.Policies {
		d := &policy.Document{Version: policy.Version}
		for _, st := range p.Statements {
			d.Statement = append(d.Statement, policy.Statement{Effect: policy.Effect(st.Effect), Action: st.Action, Resource: st.Resource, Condition: st.Condition})
		}
		raw, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		if d, err = policy.Parse(o.cat, raw); err != nil {
			return nil, fmt.Errorf("policy %d: %w", i, err)
		}
		o.docs = append(o.docs, d)
		policies[i] = &keyward.Policy{ID: keyward.PolicyID(p.ID), OrgID: o.org, Name: p.Name, Document: raw}
	}
	rolePolicies, groups, users := gen.Roles, gen.Groups, gen.Users
	for _, u := range users {
		reach := slices.Clone(u.Policies)
		for _, r := range u.Roles {
			reach = append(reach, rolePolicies[r]...)
		}
		for _, g := range u.Groups {
			reach = append(reach, groups[g].Policies...)
			for _, r := range groups[g].Roles {
				reach = append(reach, rolePolicies[r]...)
			}
		}
		o.reach = append(o.reach, reach)
	}
	o.members, o.holders = make([][]int, sh.Groups), make([][]int, sh.Roles)
	for i, u := range users {
		roles := slices.Clone(u.Roles)
		for _, g := range u.Groups {
			o.members[g] = append(o.members[g], i)
			roles = append(roles, groups[g].Roles...)
		}
		for _, r := range roles {
			o.holders[r] = append(o.holders[r], i)
		}
	}
	for g := range o.members {
		o.members[g] = slices.Compact(o.members[g])
	}
	for r := range o.holders {
		slices.Sort(o.holders[r])
		o.holders[r] = slices.Compact(o.holders[r])
	}

	o.owner, o.caller = keyward.UserID(policytest.UUID(ids)), keyward.UserID(policytest.UUID(ids))
	for range sh.Users {
		o.users = append(o.users, keyward.UserID(policytest.UUID(ids)))
	}
	groupIDs := make([]keyward.GroupID, sh.Groups)
	for i := range groupIDs {
		groupIDs[i] = keyward.GroupID(policytest.UUID(ids))
	}
	roleIDs := make([]keyward.RoleID, sh.Roles)
	for i := range roleIDs {
		roleIDs[i] = keyward.RoleID(policytest.UUID(ids))
	}
	o.groupIDs, o.roleIDs = groupIDs, roleIDs
	for _, p := range policies {
		o.policyIDs = append(o.policyIDs, p.ID)
	}
	keyID := keyward.APIKeyID(policytest.UUID(ids))
	secret := strings.ReplaceAll(policytest.UUID(ids)+policytest.UUID(ids), "-", "")
	o.token = keyward.APIKeyPrefix + string(keyID) + "_" + secret

	err := db.WriteTx(ctx, func(tx keyward.Tx) error {
		if err := tx.CreateAccount(ctx, &keyward.Account{ID: o.owner, Email: "owner@large.example", Name: "Root owner"}); err != nil {
			return err
		}
		if err := tx.CreateAccount(ctx, &keyward.Account{ID: o.caller, Name: "authorizer", Service: true}); err != nil {
			return err
		}
		for i, id := range o.users {
			if err := tx.CreateAccount(ctx, &keyward.Account{ID: id, Email: fmt.Sprintf("user-%05d@large.example", i), Name: fmt.Sprint("user ", i)}); err != nil {
				return err
			}
		}
		if err := tx.CreateOrganization(ctx, &keyward.Organization{ID: o.org, Name: "large", Type: keyward.OrgTypeEnterprise, OwnerID: o.owner}); err != nil {
			return err
		}
		members := append([]keyward.UserID{o.owner, o.caller}, o.users...)
		for _, id := range members {
			m := &keyward.Member{OrgID: o.org, UserID: id, Owner: id == o.owner, Status: keyward.StatusActive, APIEnabled: id == o.caller}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.WriteTx(ctx, func(tx keyward.Tx) error {
		// The projects exist: a request naming a project that is not the
		// organization's is denied at the tenant layer.
		for i, id := range o.projects {
			if err := tx.CreateProject(ctx, &keyward.Project{ID: keyward.ProjectID(id), OrgID: o.org, Name: fmt.Sprint("p", i)}); err != nil {
				return err
			}
		}
		for i, id := range groupIDs {
			if err := tx.CreateGroup(ctx, &keyward.Group{ID: id, OrgID: o.org, Name: fmt.Sprint("g", i)}); err != nil {
				return err
			}
		}
		for i, id := range roleIDs {
			r := &keyward.Role{ID: id, OrgID: o.org, Name: fmt.Sprint("r", i), Type: keyward.RoleAssignable, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds}
			if err := tx.CreateRole(ctx, r); err != nil {
				return err
			}
		}
		for _, p := range policies {
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.WriteTx(ctx, func(tx keyward.Tx) error {
		attach := func(p int, typ keyward.PrincipalType, target string) error {
			return skipConflict(tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: o.org, PolicyID: policies[p].ID, TargetType: typ, TargetID: target}))
		}
		bind := func(r int, typ keyward.PrincipalType, principal string) error {
			return skipConflict(tx.CreateRoleBinding(ctx, &keyward.RoleBinding{OrgID: o.org, RoleID: roleIDs[r], PrincipalType: typ, PrincipalID: principal}))
		}
		for r, ps := range rolePolicies {
			for _, p := range ps {
				if err := attach(p, keyward.PrincipalRole, string(roleIDs[r])); err != nil {
					return err
				}
			}
		}
		for g, gr := range groups {
			for _, p := range gr.Policies {
				if err := attach(p, keyward.PrincipalGroup, string(groupIDs[g])); err != nil {
					return err
				}
			}
			for _, r := range gr.Roles {
				if err := bind(r, keyward.PrincipalGroup, string(groupIDs[g])); err != nil {
					return err
				}
			}
		}
		for i, u := range users {
			id := string(o.users[i])
			for _, p := range u.Policies {
				if err := attach(p, keyward.PrincipalUser, id); err != nil {
					return err
				}
			}
			for _, r := range u.Roles {
				if err := bind(r, keyward.PrincipalUser, id); err != nil {
					return err
				}
			}
			for _, g := range u.Groups {
				m := &keyward.GroupMember{OrgID: o.org, GroupID: groupIDs[g], UserID: o.users[i]}
				if err := skipConflict(tx.AddGroupMember(ctx, m)); err != nil {
					return err
				}
			}
		}
		full := &keyward.Attachment{OrgID: o.org, PolicyID: keyward.PolicyID(policy.ManagedPolicyID("IAMFullAccess")),
			TargetType: keyward.PrincipalUser, TargetID: string(o.caller)}
		if err := tx.CreateAttachment(ctx, full); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(secret))
		return tx.CreateAPIKey(ctx, &keyward.APIKey{ID: keyID, OrgID: o.org, UserID: o.caller, Name: "bench", SecretHash: sum[:], CreatedBy: o.owner})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// skipConflict drops the conflict of a grant drawn twice.
func skipConflict(err error) error {
	if keyward.ErrorCode(err) == keyward.CodeConflict {
		return nil
	}
	return err
}

// sampleTime, sampleIP and sampleMFA are the condition context of every
// sampled request. The generated members carry no tags (policy's sample,
// which this org mirrors, has none), so the tag conditions never hold.
var (
	sampleTime = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	sampleIP   = netip.MustParseAddr("10.1.2.3")
	sampleMFA  = true
)

// requests returns a fixed sample of n requests about users drawn from the
// first `users` of the org: half for an action the user's policies
// mention, half for any catalog action; 70 % on a resource in a project,
// 20 % on a project, 10 % on the organization, as in policy's sample.
func (o *largeOrg) requests(c *rand.Rand, users, n int) []authz.Request {
	// Fleet actions are not an organization's to decide: the API refuses
	// them in an organization's check.
	notFleet := func(a policy.Action) bool { return policy.IsFleetAction(a.Name) }
	actions := slices.DeleteFunc(slices.Clone(o.cat.Actions()), notFleet)
	matches := map[string][]policy.Action{}
	mentioned := func(u int) (string, bool) {
		reach := o.reach[u]
		if len(reach) == 0 {
			return "", false
		}
		d := o.docs[reach[c.IntN(len(reach))]]
		st := d.Statement[c.IntN(len(d.Statement))]
		p := st.Action[c.IntN(len(st.Action))]
		m, ok := matches[p]
		if !ok {
			m = slices.DeleteFunc(o.cat.Match(p), notFleet)
			matches[p] = m
		}
		if len(m) == 0 {
			return "", false
		}
		return m[c.IntN(len(m))].Name, true
	}
	reqs := make([]authz.Request, n)
	for i := range reqs {
		u := c.IntN(users)
		a := actions[c.IntN(len(actions))].Name
		if c.IntN(2) == 0 {
			if m, ok := mentioned(u); ok {
				a = m
			}
		}
		r := authz.Request{Principal: o.users[u], Action: a,
			Context: policy.Context{Time: sampleTime, SourceIP: sampleIP, MFA: policy.FlagOf(sampleMFA)}}
		r.Resource, r.Project = policytest.Target(c, o.projects, o.resources)
		reqs[i] = r
	}
	return reqs
}

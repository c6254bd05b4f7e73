package policy

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/keyward-iam/keyward/policy/policytest"
)

// largeOrg is the benchmark organization, policytest's large org (10,000 users, 1,000
// groups, 500 roles, 2,000 policies of 5 statements, 11,000 resources in 500 projects),
// the one authz's benchmarks write to a store. Each user's policy set is assembled the way
// authz will: policies attached directly, via each group, via each role bound to the user or
// to one of its groups, each input carrying the path it came through.
type largeOrg struct {
	cat       *Catalog
	org       string
	projects  []string
	resources []string // resources[i] is in projects[i%len(projects)]
	policies  []Input
	users     [][]Input // each user's inputs
}

var largeOrgOnce = sync.OnceValue(newLargeOrg)

func newLargeOrg() *largeOrg {
	cat := DefaultCatalog()
	var actions []policytest.Action
	for _, a := range cat.Actions() {
		actions = append(actions, policytest.Action{Name: a.Name, Service: a.Service, Resource: a.Resource, Operation: a.Operation})
	}
	g := policytest.NewOrg(policytest.ShapeOf(policytest.LargeUsers), actions)
	o := &largeOrg{cat: cat, org: g.ID, projects: g.Projects, resources: g.Resources}
	for _, p := range g.Policies {
		d := &Document{Version: Version}
		for _, st := range p.Statements {
			d.Statement = append(d.Statement, Statement{Effect: Effect(st.Effect), Action: st.Action, Resource: st.Resource, Condition: st.Condition})
		}
		if err := d.Validate(cat); err != nil {
			panic(err)
		}
		o.policies = append(o.policies, Input{ID: p.ID, Name: p.Name, Doc: d})
	}
	via := func(p int, path string) Input { in := o.policies[p]; in.Via = path; return in }
	for _, u := range g.Users {
		var in []Input
		for _, p := range u.Policies {
			in = append(in, via(p, "user"))
		}
		for _, r := range u.Roles {
			for _, p := range g.Roles[r] {
				in = append(in, via(p, fmt.Sprint("role:r", r)))
			}
		}
		for _, gr := range u.Groups {
			for _, p := range g.Groups[gr].Policies {
				in = append(in, via(p, fmt.Sprint("group:g", gr)))
			}
			for _, r := range g.Groups[gr].Roles {
				for _, p := range g.Roles[r] {
					in = append(in, via(p, fmt.Sprint("group:g", gr, " → role:r", r)))
				}
			}
		}
		o.users = append(o.users, in)
	}
	return o
}

// requests returns a fixed sample for the given users' sets: half the actions are ones the
// user's policies mention (so statements are scanned), half any catalog action; most target a
// resource in a project, some a project, some the organization.
func (o *largeOrg) requests(c *rand.Rand, sets []*Set, n int) ([]Request, []int) {
	actions := o.cat.Actions()
	reqs, who := make([]Request, n), make([]int, n)
	ctx := Context{
		Time:          time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC),
		SourceIP:      netip.MustParseAddr("10.1.2.3"),
		MFA:           FlagTrue,
		PrincipalTags: map[string]string{"team": "red"},
	}
	for i := range reqs {
		u := c.IntN(len(sets))
		s := sets[u]
		a := actions[c.IntN(len(actions))].Name
		if c.IntN(2) == 0 {
			for range 20 {
				ai := c.IntN(len(actions))
				if s.mentions(int32(ai)) {
					a = actions[ai].Name
					break
				}
			}
		}
		r := Request{Action: a, Org: o.org, Context: ctx}
		r.Resource, r.Project = policytest.Target(c, o.projects, o.resources)
		reqs[i], who[i] = r, u
	}
	return reqs, who
}

// mentions reports whether a statement of s mentions catalog action a.
func (s *Set) mentions(a int32) bool {
	for _, u := range s.distinct {
		if len(u.entriesFor(a)) > 0 {
			return true
		}
	}
	return false
}

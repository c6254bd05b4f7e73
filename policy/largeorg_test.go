package policy

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"
)

// largeOrg is the benchmark organization: 10,000 users, 1,000 groups, 500 roles, 2,000
// policies of 5 statements (30 % of action patterns wildcards, 15 % of statements Deny),
// 11,000 resources in 500 projects. Each user's policy set is assembled the way authz will:
// policies attached directly, via each group, via each role bound to the user or to one of
// its groups, each input carrying the path it came through.
type largeOrg struct {
	cat       *Catalog
	org       string
	projects  []string
	resources []string // resources[i] is in projects[i%len(projects)]
	policies  []Input
	users     [][]Input // each user's inputs
}

const (
	largeUsers     = 10000
	largeGroups    = 1000
	largeRoles     = 500
	largePolicies  = 2000
	largeProjects  = 500
	largeResources = 11000
)

var largeOrgOnce = sync.OnceValue(func() *largeOrg { return newLargeOrg(rand.New(rand.NewPCG(2026, 3))) })

func newLargeOrg(c *rand.Rand) *largeOrg {
	o := &largeOrg{cat: DefaultCatalog(), org: genUUID(c)}
	for range largeProjects {
		o.projects = append(o.projects, genUUID(c))
	}
	for range largeResources {
		o.resources = append(o.resources, genUUID(c))
	}
	actions := o.cat.Actions()
	for i := range largePolicies {
		d := &Document{Version: Version}
		for range 5 {
			d.Statement = append(d.Statement, o.statement(c, actions))
		}
		if err := d.Validate(o.cat); err != nil {
			panic(err)
		}
		o.policies = append(o.policies, Input{ID: genUUID(c), Name: fmt.Sprint("policy-", i), Doc: d})
	}
	// Roles hold 2 to 6 policies; groups 1 to 3 policies and 0 to 2 roles.
	roles := make([][]int, largeRoles)
	for i := range roles {
		roles[i] = randInts(c, 2+c.IntN(5), largePolicies)
	}
	type group struct{ policies, roles []int }
	groups := make([]group, largeGroups)
	for i := range groups {
		groups[i] = group{randInts(c, 1+c.IntN(3), largePolicies), randInts(c, c.IntN(3), largeRoles)}
	}
	via := func(in Input, path string) Input { in.Via = path; return in }
	for range largeUsers {
		var in []Input
		for _, p := range randInts(c, c.IntN(3), largePolicies) {
			in = append(in, via(o.policies[p], "user"))
		}
		for _, r := range randInts(c, c.IntN(3), largeRoles) {
			for _, p := range roles[r] {
				in = append(in, via(o.policies[p], fmt.Sprint("role:r", r)))
			}
		}
		for _, g := range randInts(c, 1+c.IntN(3), largeGroups) {
			for _, p := range groups[g].policies {
				in = append(in, via(o.policies[p], fmt.Sprint("group:g", g)))
			}
			for _, r := range groups[g].roles {
				for _, p := range roles[r] {
					in = append(in, via(o.policies[p], fmt.Sprint("group:g", g, " → role:r", r)))
				}
			}
		}
		o.users = append(o.users, in)
	}
	return o
}

func randInts(c *rand.Rand, n, below int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = c.IntN(below)
	}
	return out
}

func (o *largeOrg) statement(c *rand.Rand, actions []Action) Statement {
	st := Statement{Effect: EffectAllow}
	if c.IntN(100) < 15 {
		st.Effect = EffectDeny
	}
	for range 1 + c.IntN(4) {
		a := actions[c.IntN(len(actions))]
		p := a.Name
		if c.IntN(100) < 30 {
			switch c.IntN(10) {
			case 0:
				p = a.Service + ".*"
			case 1, 2, 3, 4:
				p = a.Service + "." + a.Resource + ".*"
			case 5, 6:
				p = a.Service + "." + a.Resource + "." + a.Operation[:min(4, len(a.Operation))] + "*"
			case 7, 8:
				p = "*." + a.Resource + "." + a.Operation
			case 9:
				p = a.Service + ".*." + a.Operation
			}
		}
		st.Action = append(st.Action, p)
	}
	switch n := c.IntN(100); {
	case n < 50:
		st.Resource = []string{"*"}
	case n < 75:
		for range 1 + c.IntN(3) {
			st.Resource = append(st.Resource, o.projects[c.IntN(len(o.projects))])
		}
	case n < 90:
		for range 1 + c.IntN(3) {
			st.Resource = append(st.Resource, o.resources[c.IntN(len(o.resources))])
		}
	default:
		st.Resource = []string{o.org}
	}
	if c.IntN(100) < 10 {
		switch c.IntN(3) {
		case 0:
			st.Condition = Condition{OpIpAddress: {KeySourceIp: {"10.0.0.0/8", "2001:db8::/32"}}}
		case 1:
			st.Condition = Condition{OpBool: {KeyMultiFactorAuthPresent: {"true"}}}
		case 2:
			st.Condition = Condition{OpStringEquals: {"keyward:PrincipalTag/team": {"red", "blue"}}, OpDateLessThan: {KeyCurrentTime: {"2030-01-01T00:00:00Z"}}}
		}
	}
	return st
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
		switch k := c.IntN(10); {
		case k < 7:
			ri := c.IntN(len(o.resources))
			r.Resource, r.Project = o.resources[ri], o.projects[ri%len(o.projects)]
		case k < 9:
			r.Project = o.projects[c.IntN(len(o.projects))]
		}
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

package policytest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// LargeUsers is the number of members of the large organization.
const LargeUsers = 10000

// Shape is the size of a generated organization.
type Shape struct {
	Users, Groups, Roles, Policies, Projects, Resources int
}

// ShapeOf returns the shape of an organization of n users in the large
// organization's proportions: a group per 10 users, a role per 20, a
// custom policy per 5, a project per 20 and 1.1 resources per user.
// ShapeOf(LargeUsers) is the large organization: 10,000 users, 1,000
// groups, 500 roles, 2,000 policies, 500 projects, 11,000 resources.
func ShapeOf(n int) Shape {
	return Shape{Users: n, Groups: n * 1000 / LargeUsers, Roles: n * 500 / LargeUsers,
		Policies: n * 2000 / LargeUsers, Projects: n * 500 / LargeUsers, Resources: n * 11000 / LargeUsers}
}

// Action is a catalog action, by the dot-separated parts of its name.
type Action struct {
	Name, Service, Resource, Operation string
}

// Statement is a generated statement in plain types: Effect is "Allow"
// or "Deny", Condition operator → key → values (nil when absent), as in
// a policy document.
type Statement struct {
	Effect    string
	Action    []string
	Resource  []string
	Condition map[string]map[string][]string
}

// Policy is a generated custom policy: its id, its name "policy-<index>"
// and the 5 statements of its document (document version left to the
// caller).
type Policy struct {
	ID, Name   string
	Statements []Statement
}

// Group is a generated group: the policies attached to it and the roles
// bound to it, by index in Org.Policies and Org.Roles.
type Group struct {
	Policies, Roles []int
}

// User is a generated member: the policies attached to it, the roles
// bound to it and the groups it is in, by index. An index may come twice
// (a user put in a group twice): the draws are kept as drawn, and a store
// that refuses a repeated grant writes it once.
type User struct {
	Policies, Roles, Groups []int
}

// Org is a generated organization.
type Org struct {
	ID        string
	Projects  []string
	Resources []string // Resources[i] is in Projects[i%len(Projects)]
	Policies  []Policy
	Roles     [][]int // Roles[r]: the policies attached to role r, by index
	Groups    []Group
	Users     []User
}

// NewOrg draws an organization of shape sh whose statements name the
// given catalog actions, from a fixed seed: the same shape and actions
// give the same organization every run, in every package. Each policy
// has 5 statements of 1 to 4 action patterns, 30 % of them wildcards;
// 15 % of statements Deny; resources 50 % "*", 25 % projects, 15 %
// resources, 10 % the organization; 10 % of statements with a condition.
// Roles hold 2 to 6 policies; groups 1 to 3 policies and 0 to 2 roles;
// users 0 to 2 policies, 0 to 2 roles and 1 to 3 groups.
func NewOrg(sh Shape, actions []Action) *Org {
	// The order of the draws is the organization: changing it changes
	// every benchmark's sample.
	c := rand.New(rand.NewPCG(2026, 3))
	o := &Org{ID: UUID(c)}
	for range sh.Projects {
		o.Projects = append(o.Projects, UUID(c))
	}
	for range sh.Resources {
		o.Resources = append(o.Resources, UUID(c))
	}
	for i := range sh.Policies {
		p := Policy{Name: fmt.Sprint("policy-", i)}
		for range 5 {
			p.Statements = append(p.Statements, o.statement(c, actions))
		}
		p.ID = UUID(c)
		o.Policies = append(o.Policies, p)
	}
	o.Roles = make([][]int, sh.Roles)
	for i := range o.Roles {
		o.Roles[i] = randInts(c, 2+c.IntN(5), sh.Policies)
	}
	o.Groups = make([]Group, sh.Groups)
	for i := range o.Groups {
		o.Groups[i] = Group{randInts(c, 1+c.IntN(3), sh.Policies), randInts(c, c.IntN(3), sh.Roles)}
	}
	o.Users = make([]User, sh.Users)
	for i := range o.Users {
		o.Users[i].Policies = randInts(c, c.IntN(3), sh.Policies)
		o.Users[i].Roles = randInts(c, c.IntN(3), sh.Roles)
		o.Users[i].Groups = randInts(c, 1+c.IntN(3), sh.Groups)
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

func (o *Org) statement(c *rand.Rand, actions []Action) Statement {
	st := Statement{Effect: "Allow"}
	if c.IntN(100) < 15 {
		st.Effect = "Deny"
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
			st.Resource = append(st.Resource, o.Projects[c.IntN(len(o.Projects))])
		}
	case n < 90:
		for range 1 + c.IntN(3) {
			st.Resource = append(st.Resource, o.Resources[c.IntN(len(o.Resources))])
		}
	default:
		st.Resource = []string{o.ID}
	}
	if c.IntN(100) < 10 {
		switch c.IntN(3) {
		case 0:
			st.Condition = map[string]map[string][]string{"IpAddress": {"keyward:SourceIp": {"10.0.0.0/8", "2001:db8::/32"}}}
		case 1:
			st.Condition = map[string]map[string][]string{"Bool": {"keyward:MultiFactorAuthPresent": {"true"}}}
		case 2:
			st.Condition = map[string]map[string][]string{"StringEquals": {"keyward:PrincipalTag/team": {"red", "blue"}},
				"DateLessThan": {"keyward:CurrentTime": {"2030-01-01T00:00:00Z"}}}
		}
	}
	return st
}

// UUID draws a lowercase id in the form of a UUID (8-4-4-4-12 hex
// digits), one c.IntN(16) per digit, so that a seeded source draws the
// same ids every run.
func UUID(c interface{ IntN(int) int }) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b.WriteByte('-')
		}
		b.WriteByte(hex[c.IntN(16)])
	}
	return b.String()
}

// Target draws from c what a sampled request is about, in an organization
// with these projects and resources (resources[i] in
// projects[i%len(projects)]): 70 % a resource and its project, 20 % a
// project alone, 10 % neither, which is the organization itself.
func Target(c *rand.Rand, projects, resources []string) (resource, project string) {
	switch k := c.IntN(10); {
	case k < 7:
		ri := c.IntN(len(resources))
		return resources[ri], projects[ri%len(projects)]
	case k < 9:
		return "", projects[c.IntN(len(projects))]
	}
	return "", ""
}

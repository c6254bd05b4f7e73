package policy

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/keyward-iam/keyward/policy/policytest"
)

// chooser is the source of randomness of the generators: a seeded PRNG in property tests,
// the fuzzer's bytes in fuzz tests.
type chooser interface {
	IntN(n int) int // in [0, n); n > 0
}

// byteChooser draws choices from fuzz input; once it runs out every choice is 0.
type byteChooser struct{ data []byte }

func (b *byteChooser) IntN(n int) int {
	if len(b.data) == 0 || n <= 1 {
		return 0
	}
	v := int(b.data[0])
	b.data = b.data[1:]
	if n > 256 && len(b.data) > 0 {
		v = v<<8 | int(b.data[0])
		b.data = b.data[1:]
	}
	return v % n
}

func pick[T any](c chooser, xs ...T) T { return xs[c.IntN(len(xs))] }

// percent reports true with probability p/100.
func percent(c chooser, p int) bool { return c.IntN(100) < p }

// world is a random catalog and organization for generated policies and requests.
type world struct {
	cat       *Catalog
	names     []string // catalog action names
	org       string
	projects  []string
	resources []string // resources[i] lives in projects[i%len(projects)]
	strangers []string // ids from elsewhere
	pids      []string // the provider's own ids, not UUIDs
}

var (
	genPIDs       = []string{"widget-42", "widget-43", "arn:acme:eu-1:7/widget", "w_1.2@x+y=z,1", "W"}
	genServices   = []string{"compute", "comp", "network", "iam", "obj-store"}
	genResources  = []string{"instance", "inst", "vpc", "user", "a_b"}
	genOperations = []string{"Create", "Read", "List", "ListAll", "Get", "GetKeys", "Delete", "Update", "Attach"}
)

func genWorld(c chooser) *world {
	var actions []Action
	for _, svc := range genSubset(c, genServices, 1+c.IntN(3)) {
		for _, res := range genSubset(c, genResources, 1+c.IntN(3)) {
			for _, op := range genSubset(c, genOperations, 1+c.IntN(4)) {
				actions = append(actions, Action{Name: svc + "." + res + "." + op, Level: pick(c, Levels()...)})
			}
		}
	}
	cat, err := NewCatalog(actions)
	if err != nil {
		panic(err)
	}
	w := &world{cat: cat, org: policytest.UUID(c)}
	for _, a := range cat.Actions() {
		w.names = append(w.names, a.Name)
	}
	for range 1 + c.IntN(3) {
		w.projects = append(w.projects, policytest.UUID(c))
	}
	for range 1 + c.IntN(5) {
		w.resources = append(w.resources, policytest.UUID(c))
	}
	for range 2 {
		w.strangers = append(w.strangers, policytest.UUID(c))
	}
	w.pids = genSubset(c, genPIDs, 2+c.IntN(2))
	return w
}

// genSubset returns n distinct elements of xs (fewer if xs is shorter).
func genSubset(c chooser, xs []string, n int) []string {
	rest := append([]string(nil), xs...)
	var out []string
	for len(out) < n && len(rest) > 0 {
		i := c.IntN(len(rest))
		out = append(out, rest[i])
		rest = append(rest[:i], rest[i+1:]...)
	}
	return out
}

// genCase flips the case of some letters.
func genCase(c chooser, s string) string {
	if !percent(c, 20) {
		return s
	}
	b := []byte(s)
	for i := range b {
		if percent(c, 50) {
			switch {
			case 'a' <= b[i] && b[i] <= 'z':
				b[i] -= 32
			case 'A' <= b[i] && b[i] <= 'Z':
				b[i] += 32
			}
		}
	}
	return string(b)
}

// genPolicies returns 1 to 6 policies. With invalid set, some statements have invalid
// elements, and a few policies no document at all, to exercise how Compile treats them.
func genPolicies(c chooser, w *world, invalid bool) []Input {
	var ps []Input
	for i := range 1 + c.IntN(6) {
		in := Input{ID: fmt.Sprint("p", i), Name: fmt.Sprint("policy-", i), Via: pick(c, "", "group:ops", "group:ops → role:deployer")}
		if !invalid || !percent(c, 2) {
			in.Doc = genDocument(c, w, invalid)
		}
		ps = append(ps, in)
	}
	return ps
}

func genDocument(c chooser, w *world, invalid bool) *Document {
	d := &Document{Version: Version}
	if invalid && percent(c, 3) {
		d.Version = "2012-10-17"
	}
	for range 1 + c.IntN(4) {
		d.Statement = append(d.Statement, genStatement(c, w, invalid && percent(c, 25)))
	}
	return d
}

// genStatement returns a random statement; with bad set, one element or more may be invalid.
func genStatement(c chooser, w *world, bad bool) Statement {
	st := Statement{Effect: EffectAllow}
	if percent(c, 20) {
		st.Effect = EffectDeny
	}
	if bad && percent(c, 10) {
		st.Effect = pick(c, Effect("deny"), Effect(""), Effect("Allow "))
	}
	if percent(c, 20) {
		st.Sid = pick(c, "", "ReadAll", "NoDelete")
	}
	for range 1 + c.IntN(3) {
		st.Action = append(st.Action, genPattern(c, w, bad && percent(c, 30)))
	}
	if bad && percent(c, 5) {
		st.Action = nil
	}
	acts, _ := w.cat.statementActions(st.Action)
	for range 1 + c.IntN(2) {
		st.Resource = append(st.Resource, genResource(c, w, acts, bad && percent(c, 30)))
	}
	if bad && percent(c, 5) {
		st.Resource = []string{}
	}
	if percent(c, 35) {
		st.Condition = genCondition(c, bad && percent(c, 40))
	}
	return st
}

func genPattern(c chooser, w *world, bad bool) string {
	if bad {
		return pick(c, "a.b*c.d", "", "compute..List", "x y.z.W", "**", "nosuch.thing.Here", "comp.zzz*", "*.*.*.*.x")
	}
	a, _ := w.cat.Lookup(pick(c, w.names...))
	var p string
	switch c.IntN(9) {
	case 0, 1:
		p = a.Name
	case 2:
		p = "*"
	case 3:
		p = a.Service + ".*"
	case 4:
		p = a.Service + "." + a.Resource + ".*"
	case 5:
		p = a.Service + "." + a.Resource + "." + a.Operation[:c.IntN(len(a.Operation)+1)] + "*"
	case 6:
		p = a.Service[:1+c.IntN(len(a.Service))] + "*"
	case 7:
		p = "*." + a.Resource + "." + a.Operation
	case 8:
		p = a.Service + "." + a.Resource[:1+c.IntN(len(a.Resource))] + "*." + a.Operation
	}
	return genCase(c, p)
}

// genResource returns a resource of a statement whose actions are acts (catalog indexes);
// with bad set, one that is invalid, or whose type no action of acts is of.
func genResource(c chooser, w *world, acts []int32, bad bool) string {
	if bad {
		return pick(c, "x", "", "urn:keyward:project", w.org[:35], "{"+w.org+"}", "widget-42",
			"nosuch.type/*", genType(c, w, nil)+"/a*b", genType(c, w, nil)+"/a b", genType(c, w, nil)+"/")
	}
	switch c.IntN(9) {
	case 0, 1:
		return "*"
	case 2:
		return genCase(c, w.org)
	case 3:
		return genCase(c, pick(c, w.projects...))
	case 4:
		return genCase(c, pick(c, w.resources...))
	case 5:
		return genType(c, w, acts) + "/*"
	case 6:
		return genType(c, w, acts) + "/" + genCase(c, pick(c, w.pids...))
	case 7:
		return genType(c, w, acts) + "/" + genCase(c, pick(c, w.resources...))
	}
	return pick(c, w.strangers...)
}

// genType returns the resource type of one of the catalog actions acts, in any case; of any
// action when acts is empty.
func genType(c chooser, w *world, acts []int32) string {
	if len(acts) == 0 {
		return genCase(c, pick(c, w.cat.resources...))
	}
	return genCase(c, actionType(w.cat.actions[pick(c, acts...)].Name))
}

var (
	genTimes   = []string{"2026-01-01T00:00:00Z", "2026-06-01T12:00:00+02:00", "2027-01-01T00:00:00.5Z"}
	genIPs     = []string{"10.0.0.0/8", "10.1.0.0/16", "192.168.1.7", "2001:db8::/32", "::1", "0.0.0.0/0", "10.1.2.3/8"}
	genTagKeys = []string{"keyward:PrincipalTag/team", "keyward:PrincipalTag/Team", "keyward:PrincipalTag/env", "keyward:SessionTag/team", "keyward:SessionTag/project"}
	genEquals  = []string{"red", "blue", "prod", ""}
	genLikes   = []string{"r*", "?lue", "*", "b?u*", "p*d", "*e*", "é?"}
	genSeconds = []string{"0", "60", "3600", "0003600", "86400"}
)

func genCondition(c chooser, bad bool) Condition {
	cond := Condition{}
	for range 1 + c.IntN(2) {
		op, key, vals := "", "", []string(nil)
		n := 1 + c.IntN(2)
		switch c.IntN(6) {
		case 5:
			op, key = pick(c, OpNumericLessThan, OpNumericLessThanEquals, OpNumericGreaterThan, OpNumericGreaterThanEquals), KeyMultiFactorAuthAge
			vals = genSubset(c, genSeconds, n)
		case 0:
			op, key = pick(c, OpDateGreaterThan, OpDateLessThan), KeyCurrentTime
			vals = genSubset(c, genTimes, n)
		case 1:
			op, key = pick(c, OpIpAddress, OpNotIpAddress), KeySourceIp
			vals = genSubset(c, genIPs, n)
		case 2:
			op, key = OpBool, KeyMultiFactorAuthPresent
			vals = genSubset(c, []string{"true", "false"}, n)
		case 3:
			op, key = OpStringEquals, pick(c, genTagKeys...)
			vals = genSubset(c, genEquals, n)
		case 4:
			op, key = OpStringLike, pick(c, genTagKeys...)
			vals = genSubset(c, genLikes, n)
		}
		if bad && percent(c, 50) {
			switch c.IntN(5) {
			case 0:
				op = "StringNotEquals"
			case 1:
				key = "keyward:Nope"
			case 2:
				op, key = OpIpAddress, KeyCurrentTime
			case 3:
				vals = append(vals, pick(c, "10.0.0.300", "yesterday", "maybe", "::ffff:10.0.0.1", "-1", "1.5", "12345678901"))
			case 4:
				vals = nil
			}
		}
		if cond[op] == nil {
			cond[op] = map[string][]string{}
		}
		cond[op][key] = vals
	}
	return cond
}

var (
	genInstants = []time.Time{
		time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), // equal to a value: neither greater nor less
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 6, 1, 0, 0, 0, 0, time.FixedZone("x", 3600)),
	}
	genAddrs = []string{"10.1.2.3", "10.2.0.1", "192.168.1.7", "192.168.1.8", "2001:db8::1", "::1", "::ffff:10.1.2.3", "8.8.8.8", "fe80::1%eth0"}
	genVals  = []string{"red", "blue", "prod", "rue", "", "bblue", "éx"}
)

func genRequest(c chooser, w *world) Request {
	r := Request{Org: w.org}
	switch c.IntN(20) {
	case 0:
		r.Action = "nosuch.thing.Here"
	case 1:
		r.Action = pick(c, w.names...) + "x"
	default:
		r.Action = genCase(c, pick(c, w.names...))
	}
	switch c.IntN(10) {
	case 0, 1, 2, 3, 4, 5:
		i := c.IntN(len(w.resources))
		r.Resource, r.Project = w.resources[i], w.projects[i%len(w.projects)]
	case 6:
		r.Project = pick(c, w.projects...)
	case 7:
		r.Resource, r.Project = pick(c, w.strangers...), pick(c, w.strangers...)
	case 8:
		r.Resource = pick(c, "not a uuid", pick(c, w.pids...), pick(c, w.pids...))
		r.Project = pick(c, "", pick(c, w.projects...))
	case 9:
		r.Org = ""
	}
	if percent(c, 20) {
		r.Type = pick(c, genType(c, w, nil), "nosuch.type")
	}
	if percent(c, 10) {
		r.Org = pick(c, w.strangers...)
	}
	r.Resource, r.Project, r.Org = genCase(c, r.Resource), genCase(c, r.Project), genCase(c, r.Org)
	if percent(c, 80) {
		r.Context.Time = pick(c, genInstants...)
	}
	if percent(c, 80) {
		r.Context.SourceIP = netip.MustParseAddr(pick(c, genAddrs...))
	}
	r.Context.MFA = pick(c, FlagUnset, FlagFalse, FlagTrue)
	if percent(c, 70) {
		// Ages around the generated bounds, and a clock that puts the
		// verification after the request.
		ago := pick(c, 0, 59*time.Second, 60*time.Second, 3599*time.Second+time.Millisecond, 3600*time.Second, 86401*time.Second, -5*time.Second)
		at := r.Context.Time
		if at.IsZero() {
			at = pick(c, genInstants...)
		}
		r.Context.MFATime = at.Add(-ago)
	}
	r.Context.PrincipalTags = genTags(c, "team", "env")
	r.Context.SessionTags = genTags(c, "team", "project")
	return r
}

func genTags(c chooser, names ...string) map[string]string {
	if percent(c, 20) {
		return nil
	}
	m := map[string]string{}
	for _, n := range names {
		if percent(c, 60) {
			m[n] = pick(c, genVals...)
		}
	}
	return m
}

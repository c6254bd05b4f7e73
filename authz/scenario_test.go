package authz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oasdiff/yaml"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
)

// scenario is one file of testdata/scenarios: an organization, written to
// a real store, and the checks its snapshot must answer. Ids are minted
// per run; "$org" in a document or resource stands for the org's id and
// "$<name>" for the id of the named user, group, role or policy.
type scenario struct {
	Users []struct {
		Name   string   `json:"name"`
		Kind   string   `json:"kind"` // root_owner, normal (default) or service
		Status string   `json:"status"`
		ACLs   []string `json:"acls"`
	} `json:"users"`
	Groups []struct {
		Name    string   `json:"name"`
		Members []string `json:"members"`
	} `json:"groups"`
	Roles []struct {
		Name    string `json:"name"`
		Type    string `json:"type"`
		Deleted bool   `json:"deleted"`
	} `json:"roles"`
	Policies []struct {
		Name     string          `json:"name"`
		Document json.RawMessage `json:"document"`
		Deleted  bool            `json:"deleted"`
	} `json:"policies"`
	// Attach attaches a policy (custom or managed, by name) to "user:x",
	// "group:x" or "role:x"; Bind binds a role to "user:x" or "group:x".
	Attach []struct {
		Policy string `json:"policy"`
		To     string `json:"to"`
	} `json:"attach"`
	Bind []struct {
		Role    string `json:"role"`
		To      string `json:"to"`
		Project string `json:"project"` // a project UUID; empty for the whole org
	} `json:"bind"`
	// Projects are created with the given ids; Resources are registered in
	// them; Overrides replace a member's role-derived permissions inside a
	// project with Document (null: nothing from roles there).
	Projects []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"projects"`
	Resources []struct {
		ID      string `json:"id"`
		Project string `json:"project"`
	} `json:"resources"`
	Overrides []struct {
		User     string          `json:"user"`
		Project  string          `json:"project"`
		Document json.RawMessage `json:"document"`
	} `json:"overrides"`
	// Trusts trust "user:x" or "group:x" on an assumable role; mode is
	// manual (default) or automatic, which grants without a session.
	Trusts []struct {
		Role       string   `json:"role"`
		To         string   `json:"to"`
		Mode       string   `json:"mode"`
		IPAddress  []string `json:"ip_address"`
		Hours      []int    `json:"hours"` // time_of_day [start, end], UTC
		ValidUntil string   `json:"valid_until"`
		Deleted    bool     `json:"deleted"`
	} `json:"trusts"`
	Checks    []check `json:"checks"`
	Effective []struct {
		User     string              `json:"user"`
		Layer    string              `json:"layer"`
		Policies map[string][]string `json:"policies"` // name → via paths
		// Overrides, when set, are the projects of the user's overrides,
		// each with the role-derived paths it replaces there.
		Overrides map[string][]string `json:"overrides"`
	} `json:"effective"`
}

type check struct {
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	Project   string `json:"project"`
	// Org is the organization_id the asker names for the resource; "$org"
	// is the scenario's own.
	Org     string `json:"org"`
	Context struct {
		SourceIP string `json:"source_ip"`
		Time     string `json:"time"`
		MFA      *bool  `json:"mfa"`
	} `json:"context"`
	// Session, when set, makes the check one of a session of that role
	// assumed by Principal, narrowed by SessionPolicy if given.
	Session       string          `json:"session"`
	SessionPolicy json.RawMessage `json:"session_policy"`
	// Narrow, when set, makes the check one of an API key of Principal
	// narrowed by this inline policy.
	Narrow json.RawMessage `json:"narrow"`
	Want   string          `json:"want"` // allow, explicit_deny or implicit_deny
	Layer  string          `json:"layer"`
	Via    []string        `json:"via"` // the via of the applied statements of the deciding effect
	// Carried are the narrowing layers the session carries, each made of
	// its documents.
	Carried []struct {
		Source    string            `json:"source"`
		Documents []json.RawMessage `json:"documents"`
	} `json:"carried"`
}

// TestScenarios runs the corpus on every store dialect and requires
// Decide, Explain, WhoCan and EffectiveAccess to agree with each other and
// with the expected answers.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	keywardtest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		for _, f := range files {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				runScenario(t, db, f)
			})
		}
	})
}

func runScenario(t *testing.T, db *sqlstore.DB, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var sc scenario
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ctx := context.Background()
	org, ids := writeScenario(t, ctx, db, &sc)
	a := authz.New(db, authz.Options{})
	snap, err := a.Snapshot(ctx, org, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The authorize API's service method, called as the root owner, must
	// give the same answers as the snapshot.
	svc := service.New(db, service.Options{Now: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }})
	var rootCtx context.Context
	for _, u := range sc.Users {
		if u.Kind == "root_owner" {
			rootCtx = keyward.NewContextWithPrincipal(ctx, &keyward.Principal{
				OrgID: org, UserID: keyward.UserID(ids[u.Name]), Kind: keyward.KindRootOwner, Revision: snap.Revision})
		}
	}
	for i, c := range sc.Checks {
		r := authz.Request{
			Principal: keyward.UserID(ids.of(t, c.Principal)),
			Action:    c.Action,
			Resource:  ids.expand(c.Resource),
			Project:   ids.expand(c.Project),
			Org:       ids.expand(c.Org),
			Context:   checkContext(t, c),
		}
		if c.Session != "" {
			r.Session = &authz.Session{Role: keyward.RoleID(ids.of(t, c.Session))}
			if c.SessionPolicy != nil {
				doc, err := policy.Parse(nil, c.SessionPolicy)
				if err != nil {
					t.Fatalf("check %d: session policy: %v", i, err)
				}
				r.Session.Policy = snap.CompileSessionPolicy(doc)
			}
			for j, l := range c.Carried {
				docs := make([]authz.InlineDoc, len(l.Documents))
				for k, d := range l.Documents {
					docs[k] = authz.InlineDoc{Name: l.Source, Raw: d}
				}
				name := authz.CarriedLayer(l.Source)
				r.Session.Carried = append(r.Session.Carried, policy.Layer{Name: name, Set: a.InlineLayer(fmt.Sprintf("check %d layer %d", i, j), name, docs)})
			}
		}
		if c.Narrow != nil {
			doc, err := policy.Parse(nil, []byte(ids.expand(string(c.Narrow))))
			if err != nil {
				t.Fatalf("check %d: narrow: %v", i, err)
			}
			r.Narrow = snap.CompileNarrowing("key", doc)
		}
		d, layer := snap.Decide(&r)
		res := snap.Explain(&r)
		name := c.Principal + " " + c.Action + " " + c.Resource
		if got := d.String(); got != c.Want {
			t.Errorf("check %d (%s): Decide = %s, want %s; explanation %+v", i, name, got, c.Want, res)
		}
		if res.Decision != d || res.Layer != layer {
			t.Errorf("check %d (%s): Explain = %s/%s, Decide = %s/%s", i, name, res.Decision, res.Layer, d, layer)
		}
		// Once a principal has asked, its decisions allocate nothing,
		// whichever way (its own policies walked, a project's set, trusts).
		// (Ids in upper case are lowered, which allocates; the authorize
		// API accepts lowercase UUIDs only.)
		lower := strings.ToLower(r.Resource+r.Project+r.Org) == r.Resource+r.Project+r.Org
		// testing.AllocsPerRun counts every goroutine's allocations: the
		// least of three tries leaves out a background update's.
		n := testing.AllocsPerRun(10, func() { snap.Decide(&r) })
		for try := 0; try < 2 && n != 0; try++ {
			n = min(n, testing.AllocsPerRun(100, func() { snap.Decide(&r) }))
		}
		if n != 0 && lower && !raceEnabled {
			t.Errorf("check %d (%s): Decide allocates %.0f times", i, name, n)
		}
		if c.Layer != "" && layer != c.Layer {
			t.Errorf("check %d (%s): layer = %s, want %s", i, name, layer, c.Layer)
		}
		if c.Via != nil {
			if got := decidingVia(res); !slices.Equal(got, c.Via) {
				t.Errorf("check %d (%s): via = %q, want %q", i, name, got, c.Via)
			}
		}
		if r.Session != nil || r.Narrow != nil {
			continue // the authorize API, who-can and effective access are of members, not of their credentials
		}
		if rootCtx != nil {
			ch := service.Check{Principal: r.Principal, Action: c.Action, Resource: r.Resource, Project: r.Project, Org: r.Org,
				SourceIP: c.Context.SourceIP, MFA: c.Context.MFA}
			if c.Context.Time != "" {
				ch.Time = &r.Context.Time
			}
			v, err := svc.Authorize(rootCtx, ch, snap.Revision)
			if err != nil {
				t.Fatalf("check %d (%s): Authorize: %v", i, name, err)
			}
			if v.Allowed != d.Allowed() || v.Explanation.Layer != layer || v.Explanation.Decision != d {
				t.Errorf("check %d (%s): the authorize API says %s/%s, Decide %s/%s", i, name, v.Explanation.Decision, v.Explanation.Layer, d, layer)
			}
			vs, err := svc.AuthorizeBatch(rootCtx, []service.Check{ch, ch}, snap.Revision)
			if err != nil {
				t.Fatalf("check %d (%s): AuthorizeBatch: %v", i, name, err)
			}
			for _, v := range vs {
				if v.Allowed != d.Allowed() || v.Explanation.Layer != layer || v.Explanation.Decision != d {
					t.Errorf("check %d (%s): the batch authorize API says %s/%s, Decide %s/%s", i, name, v.Explanation.Decision, v.Explanation.Layer, d, layer)
				}
			}
			ch.Brief = true
			if v, err = svc.Authorize(rootCtx, ch, snap.Revision); err != nil {
				t.Fatalf("check %d (%s): brief Authorize: %v", i, name, err)
			}
			if v.Allowed != d.Allowed() || v.Explanation.Layer != layer || v.Explanation.Decision != d || !v.Brief {
				t.Errorf("check %d (%s): the brief authorize API says %s/%s, Decide %s/%s", i, name, v.Explanation.Decision, v.Explanation.Layer, d, layer)
			}
		}
		who := snap.WhoCan(r)
		in := slices.ContainsFunc(who, func(g authz.Grantee) bool { return g.User.Account.ID == r.Principal })
		if in != d.Allowed() {
			t.Errorf("check %d (%s): WhoCan lists the principal = %v, Decide allows = %v", i, name, in, d.Allowed())
		}
		acc, err := snap.EffectiveAccess(r.Principal)
		if err != nil {
			t.Fatalf("check %d: EffectiveAccess: %v", i, err)
		}
		for _, st := range res.Statements {
			if !slices.ContainsFunc(acc.Policies, func(p authz.PolicyPath) bool {
				return string(p.ID) == st.PolicyID && slices.Contains(p.Via, st.Via)
			}) {
				t.Errorf("check %d (%s): statement of %s via %q is missing from the effective access", i, name, st.PolicyName, st.Via)
			}
		}
	}
	for _, e := range sc.Effective {
		acc, err := snap.EffectiveAccess(keyward.UserID(ids.of(t, e.User)))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, p := range acc.Policies {
			got[p.Name] = p.Via
		}
		if e.Policies == nil {
			e.Policies = map[string][]string{}
		}
		if !mapsEqual(got, e.Policies) {
			t.Errorf("effective access of %s: policies = %v, want %v", e.User, got, e.Policies)
		}
		if e.Overrides != nil {
			got := map[string][]string{}
			for _, o := range acc.Overrides {
				got[o.ProjectID] = o.Replaced
			}
			if !mapsEqual(got, e.Overrides) {
				t.Errorf("effective access of %s: overrides = %v, want %v", e.User, got, e.Overrides)
			}
		}
		if e.Layer != "" && acc.Layer != e.Layer {
			t.Errorf("effective access of %s: layer = %s, want %s", e.User, acc.Layer, e.Layer)
		}
	}
}

// decidingVia returns the sorted, distinct paths of the applied statements
// whose effect decided res.
func decidingVia(res authz.Result) []string {
	eff := policy.EffectAllow
	if res.Decision == policy.ExplicitDeny {
		eff = policy.EffectDeny
	}
	out := []string{}
	for _, st := range res.Statements {
		if st.Applied && st.Effect == eff && res.Decision != policy.ImplicitDeny {
			out = append(out, st.Via)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return false
		}
		v, w = slices.Sorted(slices.Values(v)), slices.Sorted(slices.Values(w))
		if !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

func checkContext(t *testing.T, c check) policy.Context {
	t.Helper()
	pc := policy.Context{Time: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	if c.Context.Time != "" {
		tm, err := time.Parse(time.RFC3339, c.Context.Time)
		if err != nil {
			t.Fatal(err)
		}
		pc.Time = tm
	}
	if c.Context.SourceIP != "" {
		pc.SourceIP = netip.MustParseAddr(c.Context.SourceIP)
	}
	if c.Context.MFA != nil {
		pc.MFA = policy.FlagOf(*c.Context.MFA)
	}
	return pc
}

// names maps the scenario's names to the ids minted for them.
type names map[string]string

func (n names) of(t *testing.T, name string) string {
	t.Helper()
	id, ok := n[name]
	if !ok {
		t.Fatalf("scenario names no %q", name)
	}
	return id
}

// expand replaces "$org" and "$<name>" with ids; other strings pass
// through.
func (n names) expand(s string) string {
	if strings.HasPrefix(s, "$") {
		if id, ok := n[s[1:]]; ok {
			return id
		}
	}
	return s
}

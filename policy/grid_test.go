package policy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Every catalog action but the fleet's belongs to exactly one service group, so a generated
// role never silently leaves an action out: a new service fails here until it is classified.
// Fleet actions belong to none: no organization role may grant them.
func TestServiceGroupsPartitionTheCatalog(t *testing.T) {
	cat := DefaultCatalog()
	owner := map[string]string{}
	for _, g := range cat.ServiceGroups() {
		for _, p := range g.Patterns {
			m := cat.Match(p)
			if len(m) == 0 {
				t.Errorf("%s: pattern %q matches no action", g.ID, p)
			}
			for _, a := range m {
				if o, ok := owner[a.Name]; ok && o != g.ID {
					t.Errorf("%s is in both %s and %s", a.Name, o, g.ID)
				}
				owner[a.Name] = g.ID
			}
		}
	}
	for _, a := range cat.Actions() {
		if got, want := owner[a.Name] != "", a.Service != FleetService; got != want {
			t.Errorf("%s in a service group: %v, want %v", a.Name, got, want)
		}
	}
	if got := len(cat.ServiceGroups()); got != 16 {
		t.Errorf("%d service groups, want the seed's 16", got)
	}
}

func TestGridValidate(t *testing.T) {
	tests := []struct {
		name string
		grid Grid
		want []string // paths
	}{
		{"empty", Grid{}, nil},
		{"every allowed cell", allCells(DefaultCatalog(), GridLevels()), nil},
		{"billing has no delete", Grid{"billing": {GridView, GridDelete}}, []string{"grid.billing.delete"}},
		{"monitoring has no delete", Grid{"monitoring_alerts": {GridDelete}}, []string{"grid.monitoring_alerts.delete"}},
		{"team has no delete", Grid{"team_management": {GridDelete}}, []string{"grid.team_management.delete"}},
		{"tokens have no view", Grid{"api_tokens": {GridView, GridManage}}, []string{"grid.api_tokens.view"}},
		{"unknown group", Grid{"compute": {GridView}}, []string{"grid.compute"}},
		{"unknown level", Grid{"vpcs": {"edit"}}, []string{"grid.vpcs.edit"}},
		{"repeated level", Grid{"vpcs": {GridView, GridView}}, []string{"grid.vpcs.view"}},
		{"several, sorted", Grid{"vpcs": {"x"}, "billing": {GridDelete}}, []string{"grid.billing.delete", "grid.vpcs.x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.grid.Validate(DefaultCatalog()) {
				got = append(got, e.Path)
				if e.Message == "" {
					t.Errorf("%s: no message", e.Path)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("paths = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGridJSONIsCanonical(t *testing.T) {
	g := Grid{"vpcs": {GridDelete, GridView, GridView}, "billing": {}}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"vpcs":["view","delete"]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestGridDocument(t *testing.T) {
	cat := DefaultCatalog()
	if d := (Grid{}).Document(cat); d != nil {
		t.Errorf("empty grid: got a document %v", d)
	}
	d := Grid{"ssh_keys": {GridView, GridDelete}}.Document(cat)
	if err := d.Validate(cat); err != nil {
		t.Fatal(err)
	}
	got := allowedBy(cat, d)
	want := []string{"compute.sshkey.Delete", "compute.sshkey.List", "compute.sshkey.Read"}
	if !slices.Equal(got, want) {
		t.Errorf("allowed = %q, want %q", got, want)
	}
}

func builtin(t *testing.T, name string) BuiltinRole {
	t.Helper()
	r, ok := BuiltinRoleByName(nil, name)
	if !ok {
		t.Fatalf("no built-in role %q", name)
	}
	return r
}

// decideAs answers action on a resource in a project for a role's document bound to the
// organization.
func decideAs(r BuiltinRole, doc *Document, action string) Decision {
	return Compile(nil, []Input{{ID: r.ID, Name: r.Name, Doc: doc}}).Decide(&Request{
		Action: action, Resource: "0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a", Project: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
	})
}

func TestBuiltinTeamRoles(t *testing.T) {
	tests := []struct {
		role, action string
		want         Decision
	}{
		{"Viewer", "compute.instance.Read", Allow},
		{"Viewer", "billing.invoice.List", Allow},
		{"Viewer", "monitoring.metric.Read", Allow},
		{"Viewer", "compute.instance.Create", ImplicitDeny},
		{"Viewer", "compute.instance.Delete", ImplicitDeny},
		{"Viewer", "iam.apikey.List", ImplicitDeny}, // no API tokens, not even to see them
		{"Viewer", "iam.user.List", ImplicitDeny},   // no Team Management
		{"Operator", "compute.instance.Create", Allow},
		{"Operator", "network.loadbalancer.Update", Allow},
		{"Operator", "network.firewall.Create", Allow},
		{"Operator", "monitoring.alert.Create", Allow},
		{"Operator", "billing.invoice.List", Allow},
		{"Operator", "compute.instance.Delete", ImplicitDeny},
		{"Operator", "monitoring.alert.Delete", ImplicitDeny},
		{"Operator", "billing.paymentmethod.Create", ImplicitDeny},
		{"Operator", "iam.user.Create", ImplicitDeny},
		{"Operator", "iam.apikey.Create", ImplicitDeny},
		{"Admin", "compute.instance.Delete", Allow},
		{"Admin", "iam.user.Delete", Allow},
		{"Admin", "iam.apikey.Delete", Allow},
		{"Admin", "billing.paymentmethod.Delete", Allow},
	}
	for _, tt := range tests {
		r := builtin(t, tt.role)
		if got := decideAs(r, r.Doc, tt.action); got != tt.want {
			t.Errorf("%s %s: got %v, want %v", tt.role, tt.action, got, tt.want)
		}
	}
}

// Operator never deletes and Viewer only reads, whatever the catalog holds.
func TestBuiltinTeamRolesByLevel(t *testing.T) {
	cat := DefaultCatalog()
	for _, name := range []string{"Viewer", "Operator"} {
		r := builtin(t, name)
		for _, a := range allowedBy(cat, r.Doc) {
			act, _ := cat.Lookup(a)
			if act.Level == LevelDelete || act.Level == LevelAdmin || (name == "Viewer" && act.Level != LevelRead) {
				t.Errorf("%s allows %s (%s)", name, a, act.Level)
			}
		}
	}
}

func TestBuiltinOxideRoles(t *testing.T) {
	tests := []struct {
		role    string
		project bool // bound to a project rather than the organization
		action  string
		want    Decision
	}{
		{"viewer", false, "network.vpc.List", Allow},
		{"viewer", false, "compute.instance.Create", ImplicitDeny},
		{"limited_collaborator", true, "compute.instance.Delete", Allow},
		{"limited_collaborator", true, "storage.block.Create", Allow},
		{"limited_collaborator", true, "network.reservedip.Create", Allow},
		{"limited_collaborator", true, "compute.snapshot.Create", Allow},
		{"limited_collaborator", true, "network.vpc.Read", Allow},
		{"limited_collaborator", true, "network.vpc.Create", ImplicitDeny},
		{"limited_collaborator", false, "iam.project.Create", ImplicitDeny},
		{"collaborator", true, "network.vpc.Create", Allow},
		{"collaborator", true, "network.firewall.Delete", Allow},
		{"collaborator", true, "iam.project.Update", ImplicitDeny},
		{"collaborator", true, "iam.project.Delete", ImplicitDeny},
		{"collaborator", true, "iam.binding.Update", ImplicitDeny},
		{"collaborator", false, "iam.project.Create", Allow},
		{"collaborator", false, "iam.project.Delete", Allow},
		{"collaborator", false, "iam.user.Create", ImplicitDeny},
		{"admin", true, "iam.binding.Update", Allow},
		{"admin", false, "iam.user.Create", Allow},
	}
	for _, tt := range tests {
		r := builtin(t, tt.role)
		doc := r.Doc
		if tt.project {
			doc = r.ProjectDoc
		}
		if got := decideAs(r, doc, tt.action); got != tt.want {
			t.Errorf("%s (project %v) %s: got %v, want %v", tt.role, tt.project, tt.action, got, tt.want)
		}
	}
}

// admin ⊃ collaborator ⊃ limited_collaborator ⊃ viewer, as in Oxide, at both scopes.
func TestBuiltinOxideChain(t *testing.T) {
	cat := DefaultCatalog()
	chain := []string{"oxide:viewer", "oxide:limited_collaborator", "oxide:collaborator", "oxide:admin"}
	for i := 1; i < len(chain); i++ {
		lo, hi := builtin(t, chain[i-1]), builtin(t, chain[i])
		for _, pick := range []func(BuiltinRole) *Document{
			func(r BuiltinRole) *Document { return r.Doc }, func(r BuiltinRole) *Document { return r.ProjectDoc },
		} {
			loA, hiA := allowedBy(cat, pick(lo)), allowedBy(cat, pick(hi))
			if len(hiA) <= len(loA) {
				t.Errorf("%s allows %d actions, not more than %s's %d", hi.Name, len(hiA), lo.Name, len(loA))
			}
			for _, a := range loA {
				if !slices.Contains(hiA, a) {
					t.Errorf("%s allows %s but %s does not", lo.Name, a, hi.Name)
				}
			}
		}
	}
}

func TestBuiltinRoles(t *testing.T) {
	cat := DefaultCatalog()
	rs := BuiltinRoles(cat)
	if len(rs) != 7 {
		t.Fatalf("%d built-in roles, want 7", len(rs))
	}
	for _, r := range rs {
		if r.ID != BuiltinRoleID(r.Name) || r.Description == "" || r.Doc == nil || r.ProjectDoc == nil {
			t.Errorf("%s: bad role %+v", r.Name, r)
		}
		for _, d := range []*Document{r.Doc, r.ProjectDoc} {
			if err := d.Validate(cat); err != nil {
				t.Errorf("%s: invalid document: %v", r.Name, err)
			}
		}
		if r.Grid != nil && r.Grid.Validate(DefaultCatalog()) != nil {
			t.Errorf("%s: invalid grid: %v", r.Name, r.Grid.Validate(DefaultCatalog()))
		}
		if got, ok := BuiltinRoleByID(cat, strings.ToUpper(r.ID)); !ok || got.Name != r.Name {
			t.Errorf("BuiltinRoleByID(%s) = %v, %v", r.ID, got.Name, ok)
		}
		if !IsBuiltinRoleName(strings.ToLower(r.Name)) {
			t.Errorf("IsBuiltinRoleName(%q) = false", strings.ToLower(r.Name))
		}
	}
	// Computed independently with Python: uuid.uuid5(uuid.NAMESPACE_URL, "keyward:builtin-role:" + name).
	for name, want := range map[string]string{"Admin": "f73b83c5-1e0f-51fb-82d8-49e95da66d68", "oxide:viewer": "557eb802-6a38-568c-872e-f7e94697bf68"} {
		if got := BuiltinRoleID(name); got != want {
			t.Errorf("BuiltinRoleID(%q) = %s, want %s", name, got, want)
		}
	}
	if a, _ := BuiltinRoleByName(cat, "admin"); a.Name != "oxide:admin" {
		t.Errorf(`"admin" resolves to %q, want oxide:admin`, a.Name)
	}
	if IsBuiltinRoleName("deployers") {
		t.Error(`IsBuiltinRoleName("deployers") = true`)
	}
}

// An override replaces the role's permissions inside a project: an Operator given a
// Viewer-like override there can no longer create, and never could delete.
func TestOverrideGridNarrows(t *testing.T) {
	op := builtin(t, "Operator")
	override := Grid{"compute_instances": {GridView}}
	doc := override.Document(nil)
	tests := []struct {
		action       string
		role, inProj Decision
	}{
		{"compute.instance.Read", Allow, Allow},
		{"compute.instance.Create", Allow, ImplicitDeny},
		{"compute.instance.Delete", ImplicitDeny, ImplicitDeny},
		{"network.vpc.Read", Allow, ImplicitDeny},
	}
	for _, tt := range tests {
		if got := decideAs(op, op.Doc, tt.action); got != tt.role {
			t.Errorf("Operator %s: got %v, want %v", tt.action, got, tt.role)
		}
		if got := decideAs(op, doc, tt.action); got != tt.inProj {
			t.Errorf("override %s: got %v, want %v", tt.action, got, tt.inProj)
		}
	}
}

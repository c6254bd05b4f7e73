package catalogfile_test

import (
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/catalogfile"
	"github.com/keyward-iam/keyward/policy"
)

func TestLoad_acme(t *testing.T) {
	parts, err := catalogfile.Load("testdata/acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[0].Source != "file:testdata/acme/compute.json" || parts[1].Source != "file:testdata/acme/widgets.yaml" {
		t.Fatalf("parts = %+v", parts)
	}
	cat, err := policy.Compose(append(parts, policy.VultrPart())...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ action, source, group string }{
		{"myapp.widget.Publish", "file:testdata/acme/widgets.yaml", "widgets"},
		{"myapp.storefront.Read", "file:testdata/acme/widgets.yaml", "widgets"},
		{"compute.instance.Reboot", "file:testdata/acme/compute.json", "compute_instances"},
		{"compute.instance.Create", policy.SourceVultr, "compute_instances"},
		{"iam.user.Create", policy.SourceKeyward, "team_management"},
	}
	for _, tt := range tests {
		a, ok := cat.Lookup(tt.action)
		if !ok {
			t.Errorf("%s: not in the catalog", tt.action)
			continue
		}
		if got := a.Source; got != tt.source {
			t.Errorf("%s: source = %q, want %q", tt.action, got, tt.source)
		}
		if got := cat.GridGroupOf(tt.action); got != tt.group {
			t.Errorf("%s: grid group = %q, want %q", tt.action, got, tt.group)
		}
	}
}

func TestParse_errors(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []string
	}{
		{"bad entries", "c.yaml", "actions:\n  - name: a.b.C\n    level: write\n  - name: a.b.D\n    level: superuser\n  - name: a.b\n    level: read\n",
			[]string{`c.yaml:5: actions[1].level: "superuser" is not a level`, `c.yaml:6: actions[2].name: "a.b" is not service.resource.Operation`}},
		{"unknown field", "c.yaml", "actions:\n  - name: a.b.C\n    level: write\n    colour: red\n", []string{"c.yaml", "line 4", "colour"}},
		{"json duplicate", "c.json", `{"actions": [{"name": "a.b.C", "level": "read"}, {"name": "A.B.c", "level": "read"}]}`, []string{`c.json:1: actions[1].name: "A.B.c" is given twice`}},
		{"no actions", "c.yaml", "grid_groups: []\n", []string{"c.yaml:1: actions: a catalog file lists at least one action"}},
		{"not yaml", "c.yaml", "actions: [", []string{"c.yaml: yaml:"}},
		{"bad grid group", "c.yaml", "actions:\n  - {name: a.b.C, level: read}\ngrid_groups:\n  - id: 'no spaces'\n    name: X\n", []string{`c.yaml:4: grid_groups[0].id: "no spaces" is not an id`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalogfile.Parse(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatal("Parse() = nil error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse() error = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// The embedded catalogs are valid catalog files as they are.
func TestLoad_embeddedShape(t *testing.T) {
	for _, f := range []string{"../policy/vultr.json", "../policy/keyward.json"} {
		if _, err := catalogfile.Load(f); err != nil {
			t.Errorf("Load(%s): %v", f, err)
		}
	}
}

func TestLoad_badDir(t *testing.T) {
	_, err := catalogfile.Load("testdata/bad")
	if err == nil || !strings.Contains(err.Error(), "testdata/bad/broken.yaml:5: actions[1].level") || !strings.Contains(err.Error(), "broken.yaml:6: actions[2].name") {
		t.Errorf("Load(testdata/bad) error = %v", err)
	}
}

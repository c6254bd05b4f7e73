package main

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCLIOutputFormats: -o yaml prints the API's objects as YAML (the same
// data as -o json, keys in the server's order, strings that look like
// other types quoted), and --quiet prints ids alone, one a line.
func TestCLIOutputFormats(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)

	id := strings.TrimSpace(root.ok("group", "create", "--name", "true", "--description", "0123", "--quiet"))
	other := strings.TrimSpace(root.ok("group", "create", "--name", "ops", "--quiet"))
	for _, s := range []string{id, other} {
		if len(s) != 36 || strings.ContainsAny(s, " \n") {
			t.Fatalf("group create --quiet printed %q, want the id alone", s)
		}
	}
	if got := strings.Fields(root.ok("group", "list", "--quiet")); len(got) != 2 || got[0] == got[1] ||
		!strings.Contains(id+other, got[0]) || !strings.Contains(id+other, got[1]) {
		t.Errorf("group list --quiet = %q, want the two ids", got)
	}

	var fromJSON, fromYAML map[string]any
	if err := json.Unmarshal([]byte(root.ok("group", "get", id, "-o", "json")), &fromJSON); err != nil {
		t.Fatal(err)
	}
	out := root.ok("group", "get", id, "-o", "yaml")
	if strings.HasPrefix(strings.TrimSpace(out), "{") {
		t.Errorf("-o yaml printed JSON's flow style:\n%s", out)
	}
	if err := yaml.Unmarshal([]byte(out), &fromYAML); err != nil {
		t.Fatalf("-o yaml is not YAML: %v\n%s", err, out)
	}
	if j, y := mustJSON(t, fromJSON), mustJSON(t, fromYAML); j != y {
		t.Errorf("-o yaml and -o json differ:\n%s\n%s", y, j)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package keyward_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/keyward-iam/keyward"

// goList returns, for every package of the module, the value of the go list
// template field (a comma-joined list).
func goList(t *testing.T, field string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join ."+field+" \",\"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, list, _ := strings.Cut(line, " ")
		pkgs[path] = nil
		if list != "" {
			pkgs[path] = strings.Split(list, ",")
		}
	}
	return pkgs
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// TestStdlibOnly checks that the domain and the policy language depend on the
// standard library alone (transitively), so they stay pure and portable.
func TestStdlibOnly(t *testing.T) {
	deps := goList(t, "Deps")
	for _, pkg := range []string{module, module + "/policy"} {
		if _, ok := deps[pkg]; !ok {
			continue
		}
		for _, d := range deps[pkg] {
			if !isStd(d) {
				t.Errorf("%s depends on %s; it may import the standard library only", pkg, d)
			}
		}
	}
}

// TestCredentialPure checks that package credential, the formats and
// checks of every credential, depends on the standard library, the root
// package and argon2 (with what argon2 needs) alone: nothing in it may
// reach a store, the network or another adapter.
func TestCredentialPure(t *testing.T) {
	allowed := []string{module, "golang.org/x/crypto/argon2", "golang.org/x/crypto/blake2b", "golang.org/x/sys/cpu"}
	for _, d := range goList(t, "Deps")[module+"/credential"] {
		if !isStd(d) && !slices.Contains(allowed, d) {
			t.Errorf("credential depends on %s; it may import the standard library, the root package and argon2 only", d)
		}
	}
}

// transitive lists, per package, packages it must not depend on even
// through others (go list -deps), each with the reason.
var transitive = map[string]map[string]string{
	"service": {
		"net/http":     "the use cases decide and store; the network is an adapter's (httpapi, federation, identity), handed in by cmd/keyward",
		"database/sql": "the use cases speak keyward.Store; SQL is sqlstore's",
	},
	"authz": {
		"net/http":     "decisions are answered from memory, never over the network",
		"database/sql": "snapshots are read through keyward.Store",
	},
	"claims":     {"net/http": "claims are read and checked, never fetched: verifying a signature is federation's"},
	"credential": {"net/http": "credential formats are pure", "database/sql": "credential formats are pure"},
}

// TestTransitiveDeps checks transitive, so that a rule such as "nothing
// under service reaches the network" cannot be broken by an import of an
// import.
func TestTransitiveDeps(t *testing.T) {
	deps := goList(t, "Deps")
	for pkg, banned := range transitive {
		for _, d := range deps[module+"/"+pkg] {
			if why, ok := banned[d]; ok {
				t.Errorf("%s depends on %s: %s", pkg, d, why)
			}
		}
	}
}

// saml is the SAML library, whose protocol code lives in package identity
// alone (and the test IdP in keywardtest).
const saml = "github.com/crewjam/saml"

// forbidden lists, per package, import prefixes it must not import
// directly. Imports point down only: cmd → httpapi/console/cli → service →
// authz → policy, and service and sqlstore meet at the root package.
var forbidden = map[string][]string{
	"policy":       {module},
	"credential":   {"net/http", "database/sql", module + "/"},
	"catalogfile":  {"net/http", "database/sql", module + "/sqlstore", module + "/service", module + "/httpapi", module + "/authz"},
	"authz":        {"net/http", "database/sql", module + "/sqlstore", module + "/service", module + "/httpapi"},
	"service":      {"net/http", "database/sql", module + "/sqlstore", module + "/httpapi", module + "/cli", saml},
	"sqlstore":     {"net/http", module + "/service", module + "/policy", module + "/authz", module + "/httpapi", saml},
	"httpapi":      {"database/sql", module + "/sqlstore", module + "/cli", saml},
	"console":      {"database/sql", module + "/sqlstore", module + "/cli", saml},
	"cli":          {module + "/service", module + "/sqlstore", module + "/httpapi", module + "/policy", module + "/authz"},
	"oidcprovider": {"database/sql", module + "/sqlstore", module + "/httpapi", module + "/cli", module + "/authz", module + "/policy", saml},
	"keywardtest":  {module + "/httpapi", module + "/cli"},
	"identity":     {"database/sql", module + "/service", module + "/sqlstore", module + "/httpapi", module + "/cli", module + "/authz", module + "/policy"},
	"federation":   {"database/sql", module + "/service", module + "/sqlstore", module + "/httpapi", module + "/cli", module + "/authz", module + "/policy"},
}

func TestImportGraph(t *testing.T) {
	for pkg, imports := range goList(t, "Imports") {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		for _, imp := range imports {
			if imp == "testing" && rel != "keywardtest" {
				t.Errorf("%s imports testing outside tests", pkg)
			}
			if strings.HasPrefix(imp, module+"/keywardtest") {
				t.Errorf("%s imports keywardtest outside tests", pkg)
			}
			if strings.HasPrefix(imp, module+"/cmd") {
				t.Errorf("%s imports a command", pkg)
			}
			// The packages trace through otel's API; which SDK and exporter
			// (if any) is the command's choice alone.
			if (strings.HasPrefix(imp, "go.opentelemetry.io/otel/sdk") || strings.HasPrefix(imp, "go.opentelemetry.io/otel/exporters")) && rel != "cmd/keyward" {
				t.Errorf("%s imports %s; only cmd/keyward sets up tracing", pkg, imp)
			}
			if rel == "cli" && strings.HasPrefix(imp, module) && imp != module+"/api/client" {
				t.Errorf("cli imports %s; it may use only the generated client", imp)
			}
			for _, bad := range forbidden[rel] {
				if imp == bad || strings.HasPrefix(imp, bad+"/") && bad != module {
					t.Errorf("%s imports %s, which the package map forbids", pkg, imp)
				}
			}
		}
	}
}

// TestPackageDocs checks that every package has a doc comment.
func TestPackageDocs(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{.Doc}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, doc, _ := strings.Cut(line, "\t")
		if strings.TrimSpace(doc) == "" {
			t.Errorf("package %s has no doc comment", path)
		}
	}
}

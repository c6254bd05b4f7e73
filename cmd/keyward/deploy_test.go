package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDeployFilesNameRealSettings: every KEYWARD_* variable that the
// Dockerfile and the systemd environment file set is one `keyward server`
// reads (its --help names each flag's variable), so a renamed flag cannot
// leave the packaging setting something nobody reads.
func TestDeployFilesNameRealSettings(t *testing.T) {
	var help strings.Builder
	if err := run(t.Context(), []string{"keyward", "server", "--help"}, func(string) string { return "" }, strings.NewReader(""), &help, &help); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, v := range regexp.MustCompile(`env (KEYWARD_[A-Z_]+)`).FindAllStringSubmatch(help.String(), -1) {
		known[v[1]] = true
	}
	if len(known) < 20 {
		t.Fatalf("found %d variables in server --help, want the flags' (KEYWARD_ADDR, ...):\n%s", len(known), help.String())
	}
	for _, file := range []string{"../../Dockerfile", "../../deploy/keyward.env"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		names := regexp.MustCompile(`\b(KEYWARD_[A-Z_]+)=`).FindAllStringSubmatch(string(b), -1)
		if len(names) == 0 {
			t.Errorf("%s sets no KEYWARD_ variable", file)
		}
		for _, n := range names {
			if !known[n[1]] {
				t.Errorf("%s sets %s, which keyward server does not read", file, n[1])
			}
		}
	}
}

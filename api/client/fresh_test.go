package client

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestGeneratedClientIsFresh runs the generator of generate.go into a
// temporary file and fails unless client.gen.go is what it writes: a spec
// change without `go generate ./api/client` leaves the client, and every
// CLI command built on it, behind the API.
func TestGeneratedClientIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("builds oapi-codegen")
	}
	config, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "client.gen.go")
	config = regexp.MustCompile(`(?m)^output: .*$`).ReplaceAll(config, []byte("output: "+out))
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), config, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "-modfile=../../tools/go.mod", "oapi-codegen", "-config", filepath.Join(dir, "config.yaml"), "../openapi.yaml")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, b)
	}
	got, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("client.gen.go is not what api/openapi.yaml generates: run `go generate ./api/client`")
	}
}

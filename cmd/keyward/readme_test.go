package main

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/cli"
)

// TestREADMEUsingIt runs the commands of the README's "Using it" section,
// as written, against a fresh server: each must succeed, except those whose
// comment says "exits 1", which must end in a deny. A README that drifts
// from the CLI fails here.
func TestREADMEUsingIt(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "## Using it")
	section, _, _ = strings.Cut(section, "\n## ")
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	ran := 0
	for _, line := range strings.Split(strings.ReplaceAll(section, "\\\n", " "), "\n") {
		cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "./keyward ")
		if !ok {
			continue
		}
		cmd, comment, _ := strings.Cut(cmd, "  #")
		args := shellWords(t, cmd)
		_, stderr, err := root.run("", args...)
		wantDeny := strings.Contains(comment, "exits 1")
		switch {
		case wantDeny && !errors.Is(err, cli.ErrDenied):
			t.Errorf("README: keyward %s: %v (stderr %q), want a deny (exit 1)", cmd, err, stderr)
		case !wantDeny && err != nil:
			t.Errorf("README: keyward %s: %v (stderr %q)", cmd, err, stderr)
		}
		ran++
	}
	if ran < 5 {
		t.Fatalf("ran %d commands of the README's Using it section, want its ./keyward lines", ran)
	}
}

// shellWords splits s as a POSIX shell would for the README's commands:
// words separated by blanks, single quotes keeping what they hold.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

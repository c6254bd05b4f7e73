package authz

import (
	"strings"
	"testing"
)

// TestLowerID holds lowerID to strings.ToLower on every byte value at
// every position of ids of several lengths.
func TestLowerID(t *testing.T) {
	base := "0193a000-0000-7000-8000-000000000041"
	for n := range len(base) + 1 {
		s := base[:n]
		if got, want := lowerID(s), strings.ToLower(s); got != want {
			t.Fatalf("lowerID(%q) = %q, want %q", s, got, want)
		}
		for i := range n {
			for c := range 256 {
				b := []byte(s)
				b[i] = byte(c)
				in := string(b)
				if got, want := lowerID(in), strings.ToLower(in); got != want {
					t.Fatalf("lowerID(%q) = %q, want %q", in, got, want)
				}
			}
		}
	}
}

func FuzzLowerID(f *testing.F) {
	f.Add("0193A000-0000-7000-8000-000000000041")
	f.Add("ü")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerID(s), strings.ToLower(s); got != want {
			t.Fatalf("lowerID(%q) = %q, want %q", s, got, want)
		}
	})
}

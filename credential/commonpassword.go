package credential

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed commonpasswords.txt
var commonPasswordsText string

// commonPasswords is the set commonpasswords.txt lists, read once.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
})

// Common reports whether pw is on the common-password list,
// ignoring case and surrounding spaces.
func Common(pw string) bool {
	return commonPasswords()[strings.ToLower(strings.TrimSpace(pw))]
}

package authz

import "strings"

// lowerID returns s in lower case, as strings.ToLower does, but decides
// that s has nothing to lower (the usual case: ids are sent as lowercase
// UUIDs) eight bytes at a time; it is on the path of every decision.
func lowerID(s string) string {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte of x is non-ASCII if its high bit is set; with none set,
		// adding 0x3f sets it in the bytes >= 'A' and adding 0x25 in those
		// >= '['; neither sum carries into the next byte.
		if x&high != 0 || (x+0x3f*ones)&^(x+0x25*ones)&high != 0 {
			return strings.ToLower(s)
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

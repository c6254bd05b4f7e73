package policy

import "strconv"

// uuid is a parsed UUID. Resource references are compared in this form, so case and the
// cost of string comparison do not matter.
type uuid [16]byte

// parseUUID parses the canonical 8-4-4-4-12 hexadecimal form of a UUID, in any case. It does
// not allocate.
func parseUUID(s string) (uuid, bool) {
	var u uuid
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
		}
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		if hi|lo > 0xf {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
	}
	return u, true
}

// hexValue maps a hexadecimal digit to its value and every other byte to 0xff.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			t[c] = byte(c - 'A' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()

// String formats u in lower-case canonical form.
func (u uuid) String() string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, digits[c>>4], digits[c&0xf])
	}
	return string(b)
}

// checkResource returns why a statement resource is invalid, or "".
func checkResource(r string) string {
	if r == "*" {
		return ""
	}
	if _, ok := parseUUID(r); ok {
		return ""
	}
	if r == "" {
		return `empty resource (want "*" or a resource, project or organization UUID)`
	}
	return "invalid resource " + strconv.Quote(r) + ` (want "*" or a resource, project or organization UUID)`
}

package policy

import "fmt"

// Decision is the answer to a Request. The zero value is ImplicitDeny, so a Decision that was
// never set denies.
type Decision uint8

// The three answers.
const (
	ImplicitDeny Decision = iota // no statement matched
	ExplicitDeny                 // a Deny statement matched
	Allow                        // an Allow statement matched and no Deny statement did
)

// Allowed reports whether d is Allow.
func (d Decision) Allowed() bool { return d == Allow }

// String returns "allow", "explicit_deny" or "implicit_deny".
func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case ExplicitDeny:
		return "explicit_deny"
	case ImplicitDeny:
		return "implicit_deny"
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// MarshalText encodes d as String does.
func (d Decision) MarshalText() ([]byte, error) {
	if d > Allow {
		return nil, fmt.Errorf("policy: invalid decision %d", uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes the form MarshalText produces.
func (d *Decision) UnmarshalText(b []byte) error {
	for _, v := range []Decision{ImplicitDeny, ExplicitDeny, Allow} {
		if string(b) == v.String() {
			*d = v
			return nil
		}
	}
	return fmt.Errorf("policy: invalid decision %q", b)
}

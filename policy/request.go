package policy

import (
	"net/netip"
	"time"
)

// Request is an authorization question: may the principal whose policies were compiled into
// a Set perform Action on the resource? Resource, Project and Org are UUIDs in canonical
// form (any case); each is empty when it does not apply, e.g. Resource for a List or Create.
// A Request holds no pointers the engine keeps, so a caller can fill one on the stack.
type Request struct {
	Action   string // service.resource.Operation, compared ignoring ASCII case
	Resource string // the resource's UUID
	Project  string // the UUID of the project the resource lives in
	Org      string // the UUID of the organization
	Context  Context
}

// Context holds the values of the condition keys. A zero field means the key is missing
// from the request, and a condition on a missing key is not met.
type Context struct {
	Time          time.Time         // keyward:CurrentTime; zero = missing
	SourceIP      netip.Addr        // keyward:SourceIp; invalid (zero) = missing
	MFA           Flag              // keyward:MultiFactorAuthPresent; FlagUnset = missing
	MFATime       time.Time         // when MFA was verified: keyward:MultiFactorAuthAge is Time − MFATime in whole seconds; zero = missing
	PrincipalTags map[string]string // keyward:PrincipalTag/<name>; an absent name is missing
	SessionTags   map[string]string // keyward:SessionTag/<name>; an absent name is missing
}

// Flag is a boolean that may be missing.
type Flag uint8

// The values of a Flag. The zero value is FlagUnset.
const (
	FlagUnset Flag = iota
	FlagFalse
	FlagTrue
)

// FlagOf returns FlagTrue or FlagFalse.
func FlagOf(b bool) Flag {
	if b {
		return FlagTrue
	}
	return FlagFalse
}

// String returns "unset", "false" or "true".
func (f Flag) String() string {
	switch f {
	case FlagFalse:
		return "false"
	case FlagTrue:
		return "true"
	}
	return "unset"
}

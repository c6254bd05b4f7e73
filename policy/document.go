package policy

import "encoding/json"

// Version is the policy language version this package implements: the only value Version
// may take in a document.
const Version = "2026-03-20"

// SupportedVersions lists every accepted document Version.
func SupportedVersions() []string { return []string{Version} }

// Limits on a document, checked by Parse.
const (
	MaxDocumentSize = 64 << 10 // bytes of JSON
	MaxStatements   = 100
	maxSidLen       = 128
)

// Effect is what a statement does when it matches: allow or deny.
type Effect string

// The two effects, spelled exactly as in a document.
const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Document is a policy document: a version and one or more statements. A Document returned
// by Parse is valid; one built by hand can be checked with Validate. Compile accepts either.
type Document struct {
	Version   string
	Statement []Statement
}

// Statement is one rule of a document. Action and Resource hold patterns and references as
// written (a single string in JSON becomes a one-element list). Sid is empty when absent and
// Condition nil when absent.
type Statement struct {
	Sid       string
	Effect    Effect
	Action    []string
	Resource  []string
	Condition Condition
}

// Condition is a statement's condition block: operator → key → values, as in
// {"IpAddress": {"keyward:SourceIp": ["10.0.0.0/8"]}}. JSON booleans are kept as the
// strings "true" and "false".
type Condition map[string]map[string][]string

// jsonDocument and jsonStatement fix the canonical field order and array form.
type jsonDocument struct {
	Version   string          `json:"Version"`
	Statement []jsonStatement `json:"Statement"`
}

type jsonStatement struct {
	Sid       string    `json:"Sid,omitempty"`
	Effect    Effect    `json:"Effect"`
	Action    []string  `json:"Action"`
	Resource  []string  `json:"Resource"`
	Condition Condition `json:"Condition,omitempty"`
}

// MarshalJSON returns the canonical JSON of d: fields in the order Version, Statement and
// Sid, Effect, Action, Resource, Condition; Action, Resource and condition values always as
// arrays; Sid and Condition only when present; condition operators and keys sorted. For a
// document returned by Parse, Parse(MarshalJSON()) returns an equal document.
func (d *Document) MarshalJSON() ([]byte, error) {
	jd := jsonDocument{Version: d.Version, Statement: make([]jsonStatement, len(d.Statement))}
	for i, s := range d.Statement {
		jd.Statement[i] = jsonStatement{
			Sid:       s.Sid,
			Effect:    s.Effect,
			Action:    nonNil(s.Action),
			Resource:  nonNil(s.Resource),
			Condition: s.Condition,
		}
	}
	// json.Marshal, not an Encoder without HTML escaping: json.Marshal(d) escapes the output
	// of MarshalJSON anyway, and there must be one canonical form.
	return json.Marshal(jd)
}

// UnmarshalJSON parses data strictly against DefaultCatalog, as Parse does.
func (d *Document) UnmarshalJSON(data []byte) error {
	nd, err := Parse(DefaultCatalog(), data)
	if err != nil {
		return err
	}
	*d = *nd
	return nil
}

// String returns the canonical JSON of d.
func (d *Document) String() string {
	b, err := d.MarshalJSON()
	if err != nil {
		return "<invalid document: " + err.Error() + ">"
	}
	return string(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

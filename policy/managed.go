package policy

import (
	"crypto/sha1"
	"slices"
	"strings"
)

// ManagedPolicy is a policy shipped with keyward: read-only, the same in every organization,
// and generated from the catalog, so that a new catalog action is covered by every managed
// policy whose wildcard or access level takes it in. ID is derived from Name and never
// changes. Doc is shared: do not modify it.
type ManagedPolicy struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Doc         *Document `json:"document"`
}

// managedDef defines a managed policy. Its actions are exact (the names in always that are in
// the catalog) plus the catalog actions matched by patterns; if filter is nil the patterns
// themselves go into the document (so later actions are covered by the wildcard), otherwise
// the document lists, by name, the matched actions that pass the filter.
type managedDef struct {
	name, description string
	always            []string
	patterns          []string
	filter            func(Action) bool
}

func levelIs(l Level) func(Action) bool { return func(a Action) bool { return a.Level == l } }

// ManagedPolicies returns the managed policies for a catalog (nil means DefaultCatalog),
// sorted by name: AdministratorAccess, ReadOnlyAccess, BillingFullAccess, BillingReadOnly,
// IAMFullAccess, IAMReadOnly, a <Service>FullAccess and <Service>ReadOnly pair per catalog
// service, and one ACL<Name> policy per legacy ACL (see ACLPolicies). A policy that would
// cover no action of the catalog is left out. The list is computed once per catalog.
func ManagedPolicies(cat *Catalog) []ManagedPolicy {
	if cat == nil {
		cat = DefaultCatalog()
	}
	cat.managedOnce.Do(func() { cat.managed = buildManaged(cat) })
	return slices.Clone(cat.managed)
}

// ManagedPolicyByName returns the managed policy with the given name (exact match).
func ManagedPolicyByName(cat *Catalog, name string) (ManagedPolicy, bool) {
	for _, p := range ManagedPolicies(cat) {
		if p.Name == name {
			return p, true
		}
	}
	return ManagedPolicy{}, false
}

// ManagedPolicyByID returns the managed policy with the given id (any case).
func ManagedPolicyByID(cat *Catalog, id string) (ManagedPolicy, bool) {
	for _, p := range ManagedPolicies(cat) {
		if strings.EqualFold(p.ID, id) {
			return p, true
		}
	}
	return ManagedPolicy{}, false
}

func buildManaged(cat *Catalog) []ManagedPolicy {
	defs := []managedDef{
		{name: "AdministratorAccess", description: "Every action on every resource.", patterns: []string{"*"}},
		{name: "ReadOnlyAccess", description: "Every read-level action on every resource.", patterns: []string{"*"}, filter: func(a Action) bool {
			return a.Level == LevelRead && a.Service != FleetService
		}},
		{name: "BillingFullAccess", description: "Every billing action.", patterns: []string{"billing.*", "account.billing.*"}},
		{name: "BillingReadOnly", description: "Every read-level billing action.", patterns: []string{"billing.*", "account.billing.*"}, filter: levelIs(LevelRead)},
		{name: "IAMFullAccess", description: "Every IAM action: users, groups, roles, policies, trusts, invitations and the rest.", patterns: []string{"iam.*"}},
		{name: "IAMReadOnly", description: "Every read-level IAM action.", patterns: []string{"iam.*"}, filter: levelIs(LevelRead)},
	}
	for _, svc := range cat.Services() {
		if svc == FleetService { // the fleet roles' own (FleetPolicies)
			continue
		}
		n := serviceDisplayName(svc)
		defs = append(defs,
			managedDef{name: n + "FullAccess", description: "Every action of the " + svc + " service.", patterns: []string{svc + ".*"}},
			managedDef{name: n + "ReadOnly", description: "Every read-level action of the " + svc + " service.", patterns: []string{svc + ".*"}, filter: levelIs(LevelRead)},
		)
	}
	defs = append(defs, aclDefs...)

	var out []ManagedPolicy
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.name] { // a service whose pair is one of the named policies above
			continue
		}
		seen[d.name] = true
		if doc := d.document(cat); doc != nil {
			out = append(out, ManagedPolicy{ID: ManagedPolicyID(d.name), Name: d.name, Description: d.description, Doc: doc})
		}
	}
	slices.SortFunc(out, func(a, b ManagedPolicy) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// document builds d's document for cat, or nil if it would cover no action.
func (d *managedDef) document(cat *Catalog) *Document {
	var actions []string
	for _, n := range d.always {
		if a, ok := cat.Lookup(n); ok {
			actions = append(actions, a.Name)
		}
	}
	var listed []string
	for _, p := range d.patterns {
		m := cat.Match(p)
		if d.filter == nil {
			if len(m) > 0 {
				actions = append(actions, p)
			}
			continue
		}
		for _, a := range m {
			if d.filter(a) && !slices.Contains(listed, a.Name) && !slices.Contains(actions, a.Name) {
				listed = append(listed, a.Name)
			}
		}
	}
	slices.Sort(listed)
	actions = append(actions, listed...)
	if len(actions) == 0 {
		return nil
	}
	return &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: actions, Resource: []string{"*"}}}}
}

// serviceDisplayName turns a service name into the <Service> of a policy name: "compute" →
// "Compute", "iam" → "IAM", "object-storage" → "ObjectStorage".
func serviceDisplayName(svc string) string {
	switch svc {
	case "iam", "oidc":
		return strings.ToUpper(svc)
	case "user":
		return "UserACL"
	}
	var b strings.Builder
	up := true
	for i := 0; i < len(svc); i++ {
		c := svc[i]
		if c == '-' || c == '_' {
			up = true
			continue
		}
		if up && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

// managedNamespace is the RFC 9562 URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
var managedNamespace = uuid{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// ManagedPolicyID returns the id of the managed policy with the given name: the UUIDv5
// (RFC 9562, SHA-1) of "keyward:managed-policy:" + name in the URL namespace
// 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
func ManagedPolicyID(name string) string {
	return uuidV5("keyward:managed-policy:" + name)
}

// uuidV5 returns the UUIDv5 (RFC 9562, SHA-1) of name in managedNamespace:
// an id that every keyward derives alike from the name alone.
func uuidV5(name string) string {
	h := sha1.New()
	h.Write(managedNamespace[:])
	h.Write([]byte(name))
	var u uuid
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

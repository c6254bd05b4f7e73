package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// CatalogPart is one source of a catalog: keyward's own actions, Vultr's, a provider's file,
// or what fleet administrators stored through the API. Compose joins parts into a Catalog.
type CatalogPart struct {
	// Source names where the part comes from: SourceKeyward, SourceVultr, "file:" + a path,
	// or SourceAPI. Compose stamps it on every entry of the part.
	Source        string         `json:"-"`
	Actions       []Action       `json:"actions"`
	ResourceTypes []ResourceType `json:"resource_types,omitempty"`
	GridGroups    []GridGroup    `json:"grid_groups,omitempty"`
}

// The sources of the built-in parts and of the part stored through the API.
const (
	SourceKeyward = "keyward" // iam.*, oidc.*, fleet.*: the actions of keyward's own routes
	SourceVultr   = "vultr"   // Vultr's services, the default provider catalog
	SourceAPI     = "api"     // changed at run time by fleet administrators
)

// ResourceType is a type of the provider's resources, `service.resource`, the two first parts
// of its actions' names. Declaring one is optional: every action's type exists implicitly.
// A declaration gives the type a description and a row of the permission grid.
type ResourceType struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// GridGroup is the id of the grid row the type's actions belong to: a built-in row
	// (ServiceGroups of the default catalog) or one a part declares. Empty: the row the
	// type's actions fall into by default (a built-in row whose patterns cover them, or else
	// a row of their own service).
	GridGroup string `json:"grid_group,omitempty"`
	Source    string `json:"source,omitempty"`
}

// GridGroup declares a row of the View/Manage/Delete permission grid. Its actions are those
// of the resource types that name it; it has all three columns.
type GridGroup struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
}

var (
	//go:embed keyward.json
	keywardJSON []byte
	//go:embed vultr.json
	vultrJSON []byte
)

// builtinPart parses an embedded part once.
func builtinPart(source string, data []byte) func() CatalogPart {
	return sync.OnceValue(func() CatalogPart {
		p, err := ParseCatalogPart(source, data)
		if err != nil {
			panic("policy: embedded " + source + " catalog is invalid: " + err.Error())
		}
		return p
	})
}

var (
	keywardPart = builtinPart(SourceKeyward, keywardJSON)
	vultrPart   = builtinPart(SourceVultr, vultrJSON)
)

// KeywardPart returns keyward's own actions: those its routes perform (iam.*, oidc.*) and
// the fleet's. Compose always includes them.
func KeywardPart() CatalogPart { return clonePart(keywardPart()) }

// VultrPart returns Vultr's catalog: the default provider part, which a deployment may
// leave out.
func VultrPart() CatalogPart { return clonePart(vultrPart()) }

func clonePart(p CatalogPart) CatalogPart {
	p.Actions = slices.Clone(p.Actions)
	p.ResourceTypes = slices.Clone(p.ResourceTypes)
	p.GridGroups = slices.Clone(p.GridGroups)
	return p
}

// ParseCatalogPart reads a part in JSON: {"actions": [{"name", "level", "description"}],
// "resource_types": [{"name", "description", "grid_group"}], "grid_groups": [{"id",
// "name"}]}; only "actions" is required, so a file in the shape of the embedded catalogs is
// valid as it is. Unknown fields are an error. The entries are checked as Compose checks
// them, except against other parts.
func ParseCatalogPart(source string, data []byte) (CatalogPart, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p CatalogPart
	if err := dec.Decode(&p); err != nil {
		return CatalogPart{}, fmt.Errorf("parse catalog: %w", err)
	}
	if dec.More() {
		return CatalogPart{}, errors.New("parse catalog: more than one JSON value")
	}
	p.Source = source
	if errs := p.Check(); len(errs) > 0 {
		return CatalogPart{}, errors.Join(errs...)
	}
	return p, nil
}

// PartError is a problem with one entry of a part: Kind is "actions", "resource_types" or
// "grid_groups", Index the entry's position in that list, Field the field at fault.
type PartError struct {
	Kind    string
	Index   int
	Field   string
	Message string
}

func (e *PartError) Error() string {
	return fmt.Sprintf("%s[%d].%s: %s", e.Kind, e.Index, e.Field, e.Message)
}

// Check returns a *PartError for every entry of p that is malformed or repeats another of
// p: an action name that is not service.resource.Operation or is given twice ignoring case,
// a level that is not one of the four, a resource type that is not service.resource, a
// grid group id that is not a name. Whether a grid_group a type names exists is for Compose
// to say, since another part may declare it.
func (p *CatalogPart) Check() []error {
	var errs []error
	bad := func(kind string, i int, field, format string, args ...any) {
		errs = append(errs, &PartError{Kind: kind, Index: i, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]bool{}
	for i, a := range p.Actions {
		parts := strings.Split(a.Name, ".")
		switch {
		case !ValidActionName(a.Name):
			bad("actions", i, "name", "%q is not service.resource.Operation (letters, digits, '-' and '_', at most %d bytes)", a.Name, maxNameLen)
			continue
		case (a.Service != "" && a.Service != parts[0]) || (a.Resource != "" && a.Resource != parts[1]) || (a.Operation != "" && a.Operation != parts[2]):
			bad("actions", i, "name", "%q: service, resource or operation disagrees with the name", a.Name)
			continue
		case !a.Level.valid():
			bad("actions", i, "level", "%q is not a level; want read, write, delete or admin", a.Level)
		}
		if f := foldString(a.Name); seen[f] {
			bad("actions", i, "name", "%q is given twice", a.Name)
		} else {
			seen[f] = true
		}
	}
	types := map[string]bool{}
	for i, t := range p.ResourceTypes {
		svc, res, ok := strings.Cut(t.Name, ".")
		if !ok || !validPart(svc) || !validPart(res) || len(t.Name) > maxNameLen {
			bad("resource_types", i, "name", "%q is not service.resource", t.Name)
			continue
		}
		if f := foldString(t.Name); types[f] {
			bad("resource_types", i, "name", "%q is given twice", t.Name)
		} else {
			types[f] = true
		}
		if t.GridGroup != "" && !validPart(t.GridGroup) {
			bad("resource_types", i, "grid_group", "%q is not a grid group id", t.GridGroup)
		}
	}
	groups := map[string]bool{}
	for i, g := range p.GridGroups {
		switch {
		case !validPart(g.ID) || len(g.ID) > maxNameLen:
			bad("grid_groups", i, "id", "%q is not an id (letters, digits, '-' and '_')", g.ID)
		case groups[g.ID]:
			bad("grid_groups", i, "id", "%q is given twice", g.ID)
		case strings.TrimSpace(g.Name) == "":
			bad("grid_groups", i, "name", "a grid group needs a name")
		}
		groups[g.ID] = true
	}
	return errs
}

// Compose returns the catalog of the given parts, KeywardPart first whether or not it is
// among them. Each part must pass Check; across parts, an action, resource type or grid
// group may be declared once (the error names both sources), a resource type's grid_group
// must exist, and keyward's own services (iam, oidc, fleet) are keyward's alone.
func Compose(parts ...CatalogPart) (*Catalog, error) {
	all := []CatalogPart{keywardPart()}
	for _, p := range parts {
		if p.Source != SourceKeyward {
			all = append(all, p)
		}
	}
	var errs []error
	var actions []Action
	var types []ResourceType
	var groups []GridGroup
	actionFrom := declarations{kind: "action", from: map[string]string{}}
	typeFrom := declarations{kind: "resource type", from: map[string]string{}}
	groupFrom := declarations{kind: "grid group", from: map[string]string{}}
	for _, g := range serviceRow {
		groupFrom.from[g.ID] = "the built-in grid"
	}
	for _, p := range all {
		for _, e := range p.Check() {
			errs = append(errs, fmt.Errorf("%s: %w", p.Source, e))
		}
		for _, a := range p.Actions {
			if p.Source != SourceKeyward && slices.Contains(keywardServices, strings.ToLower(strings.SplitN(a.Name, ".", 2)[0])) {
				errs = append(errs, fmt.Errorf("%s: action %q: the services %s are keyward's own", p.Source, a.Name, strings.Join(keywardServices, ", ")))
				continue
			}
			if actionFrom.first(foldString(a.Name), a.Name, p.Source, &errs) {
				a.Source = p.Source
				actions = append(actions, a)
			}
		}
		for _, t := range p.ResourceTypes {
			if typeFrom.first(foldString(t.Name), t.Name, p.Source, &errs) {
				t.Source = p.Source
				types = append(types, t)
			}
		}
		for _, g := range p.GridGroups {
			if groupFrom.first(g.ID, g.ID, p.Source, &errs) {
				g.Source = p.Source
				groups = append(groups, g)
			}
		}
	}
	for _, t := range types {
		if t.GridGroup != "" && groupFrom.from[t.GridGroup] == "" {
			errs = append(errs, fmt.Errorf("%s: resource type %q: grid group %q is not declared", t.Source, t.Name, t.GridGroup))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c, err := NewCatalog(actions)
	if err != nil {
		return nil, err
	}
	c.types = types
	slices.SortFunc(c.types, func(a, b ResourceType) int { return strings.Compare(foldString(a.Name), foldString(b.Name)) })
	c.declared = groups
	c.groupActions()
	return c, nil
}

// keywardServices are the services of KeywardPart, which no other part may add to.
var keywardServices = []string{"fleet", "iam", "oidc"}

// ValidActionName reports whether name has the form of an action's name: three non-empty
// dot-separated parts of letters, digits, '-' and '_', at most 128 bytes in all.
func ValidActionName(name string) bool {
	parts := strings.Split(name, ".")
	return len(name) <= maxNameLen && len(parts) == 3 && validPart(parts[0]) && validPart(parts[1]) && validPart(parts[2])
}

// declarations records which part first declared each name of one kind
// (action, resource type, grid group) in Compose: a name is declared by
// one part alone, so that no part silently redefines another's.
type declarations struct {
	kind string
	from map[string]string // key → source
}

// first records that part src declares name under key (its folded form
// where case does not count) and reports whether it is the first to: a
// declaration by another part before it adds an error naming both to
// errs; one by src itself is a repeat to skip.
func (d declarations) first(key, name, src string, errs *[]error) bool {
	if prev, dup := d.from[key]; dup {
		if prev != src {
			*errs = append(*errs, fmt.Errorf("%s: %s %q is already declared by %s", src, d.kind, name, prev))
		}
		return false
	}
	d.from[key] = src
	return true
}

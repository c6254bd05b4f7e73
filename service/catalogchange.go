package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// CatalogDiff is what storing a catalog part changes, against the part
// stored now.
type CatalogDiff struct {
	Revision int64    // of the stored part: after the change (apply), or now (diff)
	Added    []string // actions the part adds to the catalog
	Removed  []string // actions it takes out
	Changed  []string // actions whose level or description it changes
	// Types and Groups list the resource types and grid groups added or
	// removed, each prefixed with "+" or "-".
	Types  []string
	Groups []string
	// Affected are the live custom policies that read under the current
	// catalog and no longer would: they name an action or a resource type
	// the change removes.
	Affected []AffectedPolicy
	Applied  bool
}

// AffectedPolicy is a stored policy a catalog change would break, and why.
type AffectedPolicy struct {
	OrgID  keyward.OrgID
	ID     keyward.PolicyID
	Name   string
	Reason string // the first rule the document breaks under the new catalog
}

// CatalogState is the part of the catalog fleet administrators store
// through the API, and its revision (0: none stored yet).
type CatalogState struct {
	Revision int64
	Part     policy.CatalogPart
}

// GetCatalog returns the catalog part stored through the API. The caller
// needs fleet.catalog.Read.
func (s *Service) GetCatalog(ctx context.Context) (*CatalogState, error) {
	if err := s.authorizeFleetCaller(ctx, "fleet.catalog.Read"); err != nil {
		return nil, err
	}
	var st CatalogState
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		doc, rev, err := tx.GetCatalog(ctx)
		if err != nil {
			return err
		}
		st.Revision = rev
		st.Part, err = storedPart(doc)
		return err
	})
	return &st, err
}

// DiffCatalog reports what ApplyCatalog(part) would change, without
// changing anything. The caller needs fleet.catalog.Read.
func (s *Service) DiffCatalog(ctx context.Context, part policy.CatalogPart) (*CatalogDiff, error) {
	if err := s.authorizeFleetCaller(ctx, "fleet.catalog.Read"); err != nil {
		return nil, err
	}
	var d *CatalogDiff
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) (err error) {
		d, _, err = s.diffCatalog(ctx, tx, &part)
		return err
	})
	return d, err
}

// ApplyCatalog replaces the catalog part stored through the API by part,
// and the catalog every snapshot decides with is made anew on this server
// at once, and on other replicas within about a second. The caller needs
// fleet.catalog.Update. An entry that is malformed is CodeInvalid naming
// it (`actions[2].level`); one that another part of the deployment
// declares (keyward's own, Vultr's, a catalog file) is CodeConflict. A
// change that would remove actions stored policies name is CodeConflict
// listing the policies, unless force: the statements naming them then
// allow nothing (a Deny among them still denies), and Explain shows why.
func (s *Service) ApplyCatalog(ctx context.Context, part policy.CatalogPart, force bool) (*CatalogDiff, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.catalog.Update", ""); err != nil {
		return nil, err
	}
	var d *CatalogDiff
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var before CatalogState
		d, before, err = s.diffCatalog(ctx, tx, &part)
		if err != nil {
			return err
		}
		if len(d.Affected) > 0 && !force {
			return &keyward.Error{Code: keyward.CodeConflict, Field: "actions", Detail: d.Affected,
				Message: "The change removes actions or resource types that stored policies use: " + affectedList(d.Affected) + ". Change those policies first, or apply with force to leave their statements allowing nothing."}
		}
		doc, err := json.Marshal(part)
		if err != nil {
			return err
		}
		if d.Revision, err = tx.PutCatalog(ctx, doc, before.Revision); err != nil {
			return err
		}
		d.Applied = true
		return s.recordFleet(ctx, tx, p, "", change{
			Action: "fleet.catalog.Update", TargetType: "catalog", TargetID: fmt.Sprint(d.Revision),
			Before: before.Part, After: part,
		})
	})
	if err != nil {
		return nil, err
	}
	e := s.eng
	e.mu.Lock()
	defer e.mu.Unlock()
	if d.Revision > e.revision.Load() {
		if err := s.useCatalog(part, d.Revision); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// diffCatalog checks part and compares it with the stored part, reading
// every live custom policy to find those the change would break.
func (s *Service) diffCatalog(ctx context.Context, tx keyward.Tx, part *policy.CatalogPart) (*CatalogDiff, CatalogState, error) {
	part.Source = policy.SourceAPI
	var before CatalogState
	if errs := part.Check(); len(errs) > 0 {
		return nil, before, partError(errs)
	}
	doc, rev, err := tx.GetCatalog(ctx)
	if err != nil {
		return nil, before, err
	}
	if before.Part, err = storedPart(doc); err != nil {
		return nil, before, err
	}
	before.Revision = rev
	next, err := policy.Compose(append(s.eng.base[:len(s.eng.base):len(s.eng.base)], *part)...)
	if err != nil {
		return nil, before, &keyward.Error{Code: keyward.CodeConflict, Field: "actions", Message: "The catalog does not compose: " + err.Error()}
	}
	cur := s.catalog()
	d := &CatalogDiff{Revision: rev}
	old := map[string]policy.Action{}
	for _, a := range before.Part.Actions {
		old[strings.ToLower(a.Name)] = a
	}
	for _, a := range part.Actions {
		o, ok := old[strings.ToLower(a.Name)]
		switch {
		case !ok:
			d.Added = append(d.Added, a.Name)
		case o.Level != a.Level || o.Description != a.Description || o.Name != a.Name:
			d.Changed = append(d.Changed, a.Name)
		}
		delete(old, strings.ToLower(a.Name))
	}
	for _, a := range old {
		d.Removed = append(d.Removed, a.Name)
	}
	slices.Sort(d.Removed)
	d.Types = setDiff(names(before.Part.ResourceTypes, func(t policy.ResourceType) string { return t.Name }), names(part.ResourceTypes, func(t policy.ResourceType) string { return t.Name }))
	d.Groups = setDiff(names(before.Part.GridGroups, func(g policy.GridGroup) string { return g.ID }), names(part.GridGroups, func(g policy.GridGroup) string { return g.ID }))
	err = tx.EachPolicy(ctx, func(p *keyward.Policy) error {
		if _, err := policy.Decode(cur, p.Document); err != nil {
			return nil // broken already: the change does not break it
		}
		if _, err := policy.Decode(next, p.Document); err != nil {
			d.Affected = append(d.Affected, AffectedPolicy{OrgID: p.OrgID, ID: p.ID, Name: p.Name, Reason: firstProblem(err)})
		}
		return nil
	})
	slices.SortFunc(d.Affected, func(a, b AffectedPolicy) int {
		return strings.Compare(string(a.OrgID)+"/"+a.Name, string(b.OrgID)+"/"+b.Name)
	})
	return d, before, err
}

// partError turns the problems policy.CatalogPart.Check found into one
// CodeInvalid naming the first entry at fault.
func partError(errs []error) error {
	msgs := make([]string, len(errs))
	field := ""
	for i, e := range errs {
		msgs[i] = e.Error()
		var pe *policy.PartError
		if field == "" && errors.As(e, &pe) {
			field = fmt.Sprintf("%s[%d].%s", pe.Kind, pe.Index, pe.Field)
		}
	}
	return &keyward.Error{Code: keyward.CodeInvalid, Field: field, Message: "Invalid catalog: " + strings.Join(msgs, "; ") + "."}
}

// firstProblem is the first line of a document's validation error.
func firstProblem(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

func affectedList(ps []AffectedPolicy) string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s (%s, organization %s: %s)", p.Name, p.ID, p.OrgID, p.Reason))
	}
	return strings.Join(out, ", ")
}

func names[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, t := range items {
		out[i] = name(t)
	}
	return out
}

// setDiff lists what after adds to before ("+name") and takes from it
// ("-name"), sorted by name.
func setDiff(before, after []string) []string {
	var out []string
	for _, n := range after {
		if !slices.Contains(before, n) {
			out = append(out, "+"+n)
		}
	}
	for _, n := range before {
		if !slices.Contains(after, n) {
			out = append(out, "-"+n)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(a[1:], b[1:]) })
	return out
}

// authorizeFleetCaller authorizes the caller of ctx for a fleet action on
// no particular resource.
func (s *Service) authorizeFleetCaller(ctx context.Context, action string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.authorizeFleet(ctx, p, action, "")
}

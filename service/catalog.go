package service

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// ActionFilter selects the catalog actions ListActions returns. Zero fields
// select everything.
type ActionFilter struct {
	Service string       // a service of the catalog, exactly: "compute"
	Level   policy.Level // read, write, delete or admin
	Query   string       // a substring of the name or the description, any case
	Source  string       // where the action comes from: keyward, vultr, api or file:PATH
	Page    keyward.Page
}

// maxQueryLen bounds ActionFilter.Query.
const maxQueryLen = 200

// ListActions lists the actions of the action catalog that f selects, in
// catalog order (by name, ignoring case), a page at a time. The caller needs
// iam.catalog.List. An unknown service or level, or a cursor this listing
// did not issue, is CodeInvalid naming the field.
func (s *Service) ListActions(ctx context.Context, f ActionFilter) ([]policy.Action, keyward.PageInfo, error) {
	if err := s.authorizeCatalog(ctx); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	cat := s.catalog()
	if f.Service != "" && !slices.Contains(cat.Services(), f.Service) {
		return nil, keyward.PageInfo{}, keyward.FieldError("service", "Unknown service %q; the services are %s.", f.Service, strings.Join(cat.Services(), ", "))
	}
	if f.Level != "" && !slices.Contains(policy.Levels(), f.Level) {
		return nil, keyward.PageInfo{}, keyward.FieldError("level", "level must be one of read, write, delete or admin, not %q.", f.Level)
	}
	if len(f.Query) > maxQueryLen || !utf8.ValidString(f.Query) {
		return nil, keyward.PageInfo{}, keyward.FieldError("q", "q must be valid UTF-8 of at most %d bytes.", maxQueryLen)
	}
	q := strings.ToLower(f.Query)
	actions := slices.DeleteFunc(cat.Actions(), func(a policy.Action) bool {
		return f.Source != "" && a.Source != f.Source ||
			f.Service != "" && a.Service != f.Service ||
			f.Level != "" && a.Level != f.Level ||
			q != "" && !strings.Contains(strings.ToLower(a.Name), q) && !strings.Contains(strings.ToLower(a.Description), q)
	})
	return pageOf(actions, func(a policy.Action) string { return a.Name }, f.Page)
}

// Endpoint is one route of keyward's API and the catalog action a caller
// needs for it: an entry of the endpoint action map.
type Endpoint struct {
	ID     string // stable across runs and servers: the caller derives it from Method and Path
	Method string
	Path   string        // the route's pattern, such as /v2/users/{user_id}
	Action policy.Action // the catalog entry; only Name need be set on the way in
	// Access is "action" (the caller's policies must allow Action) or
	// "self" (the engine's self layer grants it to every member).
	Access string
}

// ListEndpoints lists the endpoints of the API, which the HTTP layer that
// owns the route table passes in, in the order given, a page at a time,
// each with the catalog entry of its action. The caller needs
// iam.catalog.List.
func (s *Service) ListEndpoints(ctx context.Context, endpoints []Endpoint, p keyward.Page) ([]Endpoint, keyward.PageInfo, error) {
	if err := s.authorizeCatalog(ctx); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	out, info, err := pageOf(endpoints, func(e Endpoint) string { return e.ID }, p)
	if err != nil {
		return nil, info, err
	}
	out = slices.Clone(out)
	for i := range out {
		s.fillAction(&out[i])
	}
	return out, info, nil
}

// GetEndpoint returns the endpoint whose ID is id among endpoints, with the
// catalog entry of its action, or CodeNotFound. The caller needs
// iam.catalog.List.
func (s *Service) GetEndpoint(ctx context.Context, endpoints []Endpoint, id string) (*Endpoint, error) {
	if err := s.authorizeCatalog(ctx); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(endpoints, func(e Endpoint) bool { return strings.EqualFold(e.ID, id) })
	if i < 0 {
		return nil, keyward.Errorf(keyward.CodeNotFound, "Endpoint action map not found.")
	}
	e := endpoints[i]
	s.fillAction(&e)
	return &e, nil
}

// fillAction replaces e's action by its catalog entry. An action the
// catalog lacks (which a route test rules out) keeps its bare name.
func (s *Service) fillAction(e *Endpoint) {
	if a, ok := s.catalog().Lookup(e.Action.Name); ok {
		e.Action = a
	}
}

// authorizeCatalog authorizes reading the catalog, which every listing of
// it needs.
func (s *Service) authorizeCatalog(ctx context.Context) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.authorize(ctx, p, "iam.catalog.List", "")
}

// pageOf returns page p of items, which are in a stable order and each have
// a unique key, with where the page sits. A cursor is opaque to callers:
// base64url of "n:<key>" (the page after that item) or "p:<key>" (the page
// before it). One that names no item is CodeInvalid for "cursor".
func pageOf[T any](items []T, key func(T) string, p keyward.Page) ([]T, keyward.PageInfo, error) {
	info := keyward.PageInfo{Total: len(items)}
	limit := p.Limit
	if limit <= 0 {
		limit = keyward.DefaultPerPage
	}
	limit = min(limit, keyward.MaxPerPage)
	start, end := 0, min(limit, len(items))
	if p.Cursor != "" {
		back, k, ok := parseKeyCursor(p.Cursor)
		i := slices.IndexFunc(items, func(t T) bool { return key(t) == k })
		if !ok || i < 0 {
			return nil, info, keyward.FieldError("cursor", "The cursor is not valid.")
		}
		if !back {
			start, end = i+1, min(i+1+limit, len(items))
		} else {
			start, end = max(i-limit, 0), i
		}
	}
	page := items[start:end]
	if len(page) > 0 && end < len(items) {
		info.Next = keyCursor(false, key(items[end-1]))
	}
	if len(page) > 0 && start > 0 {
		info.Prev = keyCursor(true, key(items[start]))
	}
	return page, info, nil
}

// GetAction returns the catalog's action named name (any case), or
// CodeNotFound with the nearest name. The caller needs iam.catalog.List.
func (s *Service) GetAction(ctx context.Context, name string) (policy.Action, error) {
	if err := s.authorizeCatalog(ctx); err != nil {
		return policy.Action{}, err
	}
	if !policy.ValidActionName(name) {
		return policy.Action{}, keyward.FieldError("action_name", "%q is not an action name: want service.resource.Operation.", name)
	}
	cat := s.catalog()
	if a, ok := cat.Lookup(name); ok {
		return a, nil
	}
	if near, ok := cat.Suggest(name); ok {
		return policy.Action{}, keyward.Errorf(keyward.CodeNotFound, "Action %q is not in the catalog. Did you mean %s?", name, near)
	}
	return policy.Action{}, keyward.Errorf(keyward.CodeNotFound, "Action %q is not in the catalog.", name)
}

// GridGroup is a row of the permission grid with the actions it holds.
type GridGroup struct {
	policy.ServiceGroup
	Actions []string
}

// ListGridGroups lists the rows of the permission grid of the current
// catalog (policy.Catalog.ServiceGroups), a page at a time. The caller
// needs iam.catalog.List.
func (s *Service) ListGridGroups(ctx context.Context, p keyward.Page) ([]GridGroup, keyward.PageInfo, error) {
	if err := s.authorizeCatalog(ctx); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	cat := s.catalog()
	groups := cat.ServiceGroups()
	out := make([]GridGroup, len(groups))
	for i, g := range groups {
		out[i] = GridGroup{ServiceGroup: g, Actions: cat.GroupActions(g.ID)}
	}
	return pageOf(out, func(g GridGroup) string { return g.ID }, p)
}

// GridGroupOf returns the id of the grid row of the action named name in
// the current catalog ("" for none). It authorizes nothing: callers show it
// beside an action they were allowed to read.
func (s *Service) GridGroupOf(name string) string { return s.catalog().GridGroupOf(name) }

// ResourceTypesWith returns the resource types of the current catalog
// (service.resource) that have the operation (an action named
// <type>.<operation>), sorted by name. It authorizes nothing: the
// console offers a type only after asking Allowed about its action.
func (s *Service) ResourceTypesWith(operation string) []string {
	var out []string
	for _, a := range s.catalog().Actions() {
		if strings.EqualFold(a.Operation, operation) {
			out = append(out, a.Service+"."+a.Resource)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

package console

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// pick is a form's field that names a user, group, role, policy or OIDC
// issuer of the organization, however many it has: a text input (the
// layout's "pick" template) whose list of suggestions htmx fills from
// /pick/{kind} as the member types, through the same service calls the
// lists use. A person may also type an exact name, email or id, with or
// without the search: the action resolves it (Console.picked).
type pick struct {
	ID, Name, Label string
	// Kind is what the field names, a key of pickKinds.
	Kind string
	// Value is what the field shows when the page opens.
	Value string
	// Optional fields may be left empty (Hint says what empty means).
	Optional bool
	Hint     string
}

// pickOf is the template function "pick": pick ID NAME LABEL KIND
// [VALUE [HINT]], a field named NAME labelled LABEL; with HINT, an
// optional one whose empty value means HINT. An unknown KIND fails the
// page's rendering.
func pickOf(id, name, label, kind string, more ...string) (pick, error) {
	p := pick{ID: id, Name: name, Label: label, Kind: kind}
	if _, ok := pickKinds[kind]; !ok {
		return p, fmt.Errorf("console: no pick kind %q", kind)
	}
	if len(more) > 0 {
		p.Value = more[0]
	}
	if len(more) > 1 {
		p.Optional, p.Hint = true, more[1]
	}
	return p, nil
}

// choice is one suggestion of a pick: the value the form posts, what the
// list shows, and the names that, typed exactly (case aside), stand for
// it.
type choice struct {
	Value, Label string
	names        []string
}

// pickSource searches one kind of item for a pick: the items matching q
// (keyward.Matches), one page of them, as the member of ctx lists them.
type pickSource func(ctx context.Context, svc *service.Service, q string, page keyward.Page) ([]choice, keyward.PageInfo, error)

// pickKind is what a pick names: its sources, in order, and the prefix
// that marks each source's values when it has several ("user:<id>").
type pickKind struct {
	noun     string // for messages: "user", "user or group"
	sources  []pickSource
	prefixes []string
}

// pickKinds are the kinds a pick may name.
var pickKinds = map[string]pickKind{
	"users":      {"user", []pickSource{pickUsers}, nil},
	"groups":     {"group", []pickSource{pickGroups}, nil},
	"roles":      {"role", []pickSource{pickRoles}, nil},
	"policies":   {"policy", []pickSource{pickPolicies}, nil},
	"identities": {"user or group", []pickSource{pickUsers, pickGroups}, []string{"user:", "group:"}},
	"trustees":   {"user, group or OIDC issuer", []pickSource{pickUsers, pickGroups, pickIssuers}, []string{"user:", "group:", issuerPrefix}},
}

func pickUsers(ctx context.Context, svc *service.Service, q string, page keyward.Page) ([]choice, keyward.PageInfo, error) {
	return choices(func(u *keyward.User) choice {
		return choice{string(u.Account.ID), accountLabel(u.Account), []string{u.Account.Name, u.Account.Email}}
	})(svc.ListUsers(ctx, keyward.UserFilter{Search: q, Page: page}))
}

func pickGroups(ctx context.Context, svc *service.Service, q string, page keyward.Page) ([]choice, keyward.PageInfo, error) {
	return choices(func(g *service.GroupDetail) choice {
		return choice{string(g.ID), g.Name, []string{g.Name}}
	})(svc.ListGroups(ctx, keyward.GroupFilter{Search: q, Page: page}))
}

func pickRoles(ctx context.Context, svc *service.Service, q string, page keyward.Page) ([]choice, keyward.PageInfo, error) {
	return choices(func(r *service.RoleDetail) choice {
		return choice{string(r.ID), r.Name + " (" + string(r.Type) + ")", []string{r.Name}}
	})(svc.ListRoles(ctx, keyward.RoleFilter{Search: q, Page: page}))
}

func pickPolicies(ctx context.Context, svc *service.Service, q string, page keyward.Page) ([]choice, keyward.PageInfo, error) {
	return choices(func(p *service.PolicyDetail) choice {
		return choice{string(p.ID), p.Name, []string{p.Name}}
	})(svc.ListPolicies(ctx, service.PolicyFilter{Search: q, Page: page}))
}

// choices returns the function that makes a page of a list's items into
// a pick's choices, each by of, passing the list's page and error along.
func choices[T any](of func(T) choice) func([]T, keyward.PageInfo, error) ([]choice, keyward.PageInfo, error) {
	return func(items []T, info keyward.PageInfo, err error) ([]choice, keyward.PageInfo, error) {
		out := make([]choice, len(items))
		for i, it := range items {
			out[i] = of(it)
		}
		return out, info, err
	}
}

// pickIssuers searches the OIDC issuers' names and URLs. An organization
// has a handful, which the service lists without a filter: the first
// keyward.MaxPerPage are searched.
func pickIssuers(ctx context.Context, svc *service.Service, q string, page keyward.Page) ([]choice, keyward.PageInfo, error) {
	issuers, _, err := svc.ListOIDCIssuers(ctx, keyward.Page{Limit: keyward.MaxPerPage})
	var out []choice
	for _, iss := range issuers {
		if keyward.Matches(q, iss.Name, iss.URL) {
			out = append(out, choice{string(iss.ID), "OIDC issuer " + iss.Name + " (" + iss.URL + ")", []string{iss.Name, iss.URL}})
		}
	}
	info := keyward.PageInfo{Total: len(out)}
	return out[:min(len(out), max(page.Limit, 1))], info, err
}

// pickPage is the answer of /pick/{kind}: the suggestions, how many
// match in all, the field (ID) whose list and status they go to, and the
// search (Kind, Q) with the cursors of its other pages, for a kind with
// one source.
type pickPage struct {
	ID, Kind, Q string
	Choices     []choice
	Total       int
	Prev, Next  string
	// Refused is set when the member may list none of the kind: the
	// field still takes an exact id.
	Refused bool
	Noun    string
}

// pickRoutes adds the pickers' search.
func (c *Console) pickRoutes() {
	c.member("GET /pick/{kind}", c.handlePick)
}

// handlePick answers a pick's search: a page (perPage) of the kind's
// items matching q, as <option>s for the field's datalist, and the
// field's status line, out of band, saying how many match. htmx sends the
// field's text under the field's own name (HX-Trigger-Name) and its id
// (HX-Trigger); the status's paging buttons send q, id and cursor. A kind
// with one source pages with cursor; one with several shows the first
// suggestions of each. A member the engine does not let list the kind
// gets no suggestions (403), only the status saying so.
func (c *Console) handlePick(w http.ResponseWriter, r *http.Request, s *session) {
	kind, ok := pickKinds[r.PathValue("kind")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	query := r.URL.Query()
	d := pickPage{ID: query.Get("id"), Kind: r.PathValue("kind"), Q: query.Get("q"), Noun: kind.noun}
	if name := r.Header.Get("HX-Trigger-Name"); name != "" {
		d.Q, d.ID = query.Get(name), r.Header.Get("HX-Trigger")
	}
	d.Q = strings.TrimSpace(d.Q)
	page := keyward.Page{Limit: perPage}
	if len(kind.sources) == 1 {
		page.Cursor = query.Get("cursor")
	}
	refused := 0
	for i, search := range kind.sources {
		cs, info, err := search(r.Context(), c.svc, d.Q, page)
		if keyward.ErrorCode(err) == keyward.CodePermissionDenied {
			refused++
			continue
		}
		if err != nil {
			pr, status := c.problemOf(r, err)
			http.Error(w, pr.Message, status)
			return
		}
		for _, ch := range cs {
			if kind.prefixes != nil {
				ch.Value = kind.prefixes[i] + ch.Value
			}
			if len(d.Choices) < perPage {
				d.Choices = append(d.Choices, ch)
			}
		}
		d.Total += info.Total
		if len(kind.sources) == 1 {
			d.Prev, d.Next = info.Prev, info.Next
		}
	}
	status := http.StatusOK
	if refused == len(kind.sources) {
		d.Refused, status = true, http.StatusForbidden
	}
	var b bytes.Buffer
	if err := c.pages.fragment.ExecuteTemplate(&b, "pick-options", d); err != nil {
		c.log.ErrorContext(r.Context(), "console: render pick", "err", err)
		http.Error(w, "Something went wrong on the server; try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// picked is the value of r's pick field name, of kind: an id (for a
// kind with several sources, prefixed: "user:<id>") as the field's list
// suggests it, or, typed, the one item whose name (or a user's email) it
// is, case aside. Empty is empty: the action decides what it means. Text
// that names none or several is a problem naming the field.
func (c *Console) picked(ctx context.Context, r *http.Request, name, kindName string) (string, error) {
	kind := pickKinds[kindName]
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return "", nil
	}
	if kind.prefixes == nil && keyward.ValidID(v) {
		return v, nil
	}
	for _, p := range kind.prefixes {
		if id, ok := strings.CutPrefix(v, p); ok && keyward.ValidID(id) {
			return v, nil
		}
	}
	var found []string
	for i, search := range kind.sources {
		cs, _, err := search(ctx, c.svc, v, keyward.Page{Limit: keyward.MaxPerPage})
		if keyward.ErrorCode(err) == keyward.CodePermissionDenied {
			continue
		}
		if err != nil {
			return "", err
		}
		for _, ch := range cs {
			for _, n := range ch.names {
				if strings.EqualFold(n, v) {
					if kind.prefixes != nil {
						ch.Value = kind.prefixes[i] + ch.Value
					}
					found = append(found, ch.Value)
					break
				}
			}
		}
	}
	switch len(found) {
	case 0:
		return "", keyward.FieldError(name, "No %s is named %q: choose one from the list, or type its exact name, email or id.", kind.noun, v)
	case 1:
		return found[0], nil
	}
	return "", keyward.FieldError(name, "More than one %s is named %q: choose one from the list.", kind.noun, v)
}

// userLabel names user for a row of a page: its name and email when the
// member may read it, its id otherwise.
func (c *Console) userLabel(ctx context.Context, user keyward.UserID) string {
	u, err := c.svc.GetUser(ctx, user)
	if err != nil {
		return "user " + string(user)
	}
	return accountLabel(u.Account)
}

// accountLabel is how lists and suggestions show an account: its name
// and email (a service user may have none).
func accountLabel(a keyward.Account) string {
	if a.Email == "" {
		return a.Name
	}
	return a.Name + " (" + a.Email + ")"
}

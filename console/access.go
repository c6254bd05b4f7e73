package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/service"
)

// accessPage is the effective-access page's data: the member asked about,
// whether another may be picked (the member may list them; otherwise it
// asks about itself), and what the engine says the member may do, per
// resource scope and per service.
type accessPage struct {
	Member keyward.UserID
	Pick   bool
	Access *authz.Access
	Scopes []scopeView
}

// scopeView is what a member's statements say about one resource
// reference, per service.
type scopeView struct {
	Resource, Label string
	Services        []serviceAccess
}

// serviceAccess is a scope's action patterns of one service ("*" for the
// patterns that name no one service): unconditional and conditional, each
// allowed and denied.
type serviceAccess struct {
	Service                                                string
	Allowed, Denied, ConditionalAllowed, ConditionalDenied []string
}

// whoCanPage is the who-can page's data: the question and the members the
// engine lets do it, with the paths that grant it.
type whoCanPage struct {
	Check    service.Check
	Asked    bool
	Grantees []authz.Grantee
}

// accessRoutes adds the effective-access and who-can pages.
func (c *Console) accessRoutes() {
	c.member("GET /access", c.handleAccess)
	c.member("GET /who-can", c.handleWhoCan)
}

// handleAccess shows a member's effective access (?member=, picked;
// oneself by default), as the API's effective-access endpoint returns it,
// grouped by resource scope and service.
func (c *Console) handleAccess(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	d := accessPage{Pick: c.allowed(ctx, "iam.user.List", "")}
	v := view{Title: "Effective access", Me: s, Data: &d}
	member, err := c.picked(ctx, r, "member", "users")
	if err != nil {
		c.render(w, r, "access.html", v, err)
		return
	}
	acc, err := c.svc.EffectiveAccess(ctx, keyward.UserID(member), 0)
	if err != nil {
		c.render(w, r, "access.html", v, err)
		return
	}
	d.Access, d.Member = acc, acc.UserID
	d.Scopes = c.scopeViews(ctx, s, acc.Scopes)
	c.render(w, r, "access.html", v, nil)
}

// scopeViews groups each scope's patterns by service, and names the
// scopes the member can name: every resource, the organization and the
// projects it may read.
func (c *Console) scopeViews(ctx context.Context, s *session, scopes []authz.Scope) []scopeView {
	out := make([]scopeView, len(scopes))
	for i, sc := range scopes {
		v := scopeView{Resource: sc.Resource, Label: sc.Resource}
		switch {
		case sc.Resource == "*":
			v.Label = "every resource"
		case strings.EqualFold(sc.Resource, string(s.Principal.OrgID)):
			v.Label = "the organization"
		default:
			if p, err := c.svc.GetProject(ctx, keyward.ProjectID(sc.Resource)); err == nil {
				v.Label = "project " + p.Name
			}
		}
		bySvc := map[string]*serviceAccess{}
		add := func(list func(*serviceAccess) *[]string, patterns []string) {
			for _, p := range patterns {
				svc, _, found := strings.Cut(p, ".")
				if !found || strings.Contains(svc, "*") {
					svc = "*"
				}
				a := bySvc[svc]
				if a == nil {
					a = &serviceAccess{Service: svc}
					bySvc[svc] = a
				}
				*list(a) = append(*list(a), p)
			}
		}
		add(func(a *serviceAccess) *[]string { return &a.Allowed }, sc.Allowed)
		add(func(a *serviceAccess) *[]string { return &a.Denied }, sc.Denied)
		add(func(a *serviceAccess) *[]string { return &a.ConditionalAllowed }, sc.ConditionalAllowed)
		add(func(a *serviceAccess) *[]string { return &a.ConditionalDenied }, sc.ConditionalDenied)
		for _, a := range bySvc {
			v.Services = append(v.Services, *a)
		}
		slices.SortFunc(v.Services, func(a, b serviceAccess) int { return strings.Compare(a.Service, b.Service) })
		out[i] = v
	}
	return out
}

// handleWhoCan answers "who may do this action on this resource?" with
// the members the engine allows and the paths that grant it. Like the why
// page, the question is in the URL.
func (c *Console) handleWhoCan(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	d := whoCanPage{Check: service.Check{Action: q.Get("action"), Resource: q.Get("resource"), Project: q.Get("project")}}
	v := view{Title: "Who can", Me: s, Data: &d}
	if d.Check.Action == "" {
		c.render(w, r, "whocan.html", v, nil)
		return
	}
	var err error
	d.Grantees, _, err = c.svc.WhoCan(r.Context(), d.Check, 0)
	d.Asked = err == nil
	c.render(w, r, "whocan.html", v, err)
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/keyward-iam/keyward"
)

// session is the signed-in member of a request, with what the layout
// shows of it: its name, its organization, the other organizations of
// its account (the switcher) and the pages it may open.
type session struct {
	Principal *keyward.Principal
	User      *keyward.User
	OrgName   string
	Orgs      []*keyward.Organization
	// Nav are the pages the engine lets the member open.
	Nav []navLink
}

// navLink is a page of the navigation and the action that lists its
// data: the link is shown only to a member the engine allows it.
type navLink struct {
	Href, Label, Action, Blurb string
}

// navigation is every page of the navigation, in order. The assumed
// roles, why and access pages have no action: every member may see the
// roles it may assume and ask about itself.
var navigation = []navLink{
	{"/team", "Team", "iam.user.List", "members, invitations, roles, service users and their keys."},
	{"/groups", "Groups", "iam.group.List", "groups, their members and what they grant."},
	{"/roles", "Roles", "iam.role.List", "built-in and custom roles, their policies and who holds them."},
	{"/policies", "Policies", "iam.policy.List", "policies, built visually or in JSON, and what they are attached to."},
	{"/projects", "Projects", "iam.project.List", "projects, their resources, role assignments and per-member overrides."},
	{"/oidc-issuers", "OIDC issuers", "oidc.issuer.List", "the workload identity providers whose tokens may assume roles."},
	{"/applications", "Applications", "oidc.provider.List", "your applications that sign members in with keyward as their OpenID provider."},
	{"/assumed-roles", "Assumed roles", "", "the roles you may assume, your sessions of them."},
	{"/audit", "Audit", "iam.auditevent.List", "who changed what, when, with the before and after."},
	{"/organization", "Settings", "iam.organization.Read", "the organization's name, ownership, deletion and restore."},
	{"/identity-provider", "Sign-in", "iam.identityprovider.Read", "the identity provider members sign in through, and SCIM tokens."},
	{"/why", "Why?", "", "may a member do an action on a resource, and which policy decides it."},
	{"/access", "Access", "", "what a member may do, per service, and through which policies; who can do an action."},
}

// allows reports whether the engine lets the member open the page at
// href.
func (s *session) allows(href string) bool {
	return slices.ContainsFunc(s.Nav, func(l navLink) bool { return l.Href == href })
}

// memberHandler is a page or action for a signed-in member.
type memberHandler func(w http.ResponseWriter, r *http.Request, s *session)

// signedIn authenticates the session cookie's token (asMember) and runs h
// with the member in the request's context, so that every service call h
// makes is decided for that member. A request without a valid session
// goes to the sign-in page, which brings the browser back to the page it
// asked for.
func (c *Console) signedIn(h memberHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(keyward.SessionCookie)
		if err != nil || ck.Value == "" {
			c.toLogin(w, r)
			return
		}
		ctx, p, err := c.asMember(r.Context(), ck.Value)
		if keyward.ErrorCode(err) == keyward.CodeUnauthenticated {
			clearSession(w, r)
			c.toLogin(w, r)
			return
		}
		if err != nil {
			c.render(w, r, "message.html", view{Title: "Error"}, err)
			return
		}
		r = r.WithContext(ctx)
		s, err := c.loadSession(r, p)
		if err != nil {
			c.render(w, r, "message.html", view{Title: "Error"}, err)
			return
		}
		h(w, r, s)
	})
}

// asMember authenticates a login session's token with the service's
// ordinary Authenticate, as the API authenticates a bearer, and returns
// ctx carrying its member, for whom the service decides every call made
// with it.
func (c *Console) asMember(ctx context.Context, token string) (context.Context, *keyward.Principal, error) {
	p, err := c.svc.Authenticate(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	return keyward.NewContextWithPrincipal(ctx, p), p, nil
}

// loadSession reads what the layout shows of the member p. An
// organization that requires MFA lets a session without one read only
// the member itself, so the rest stays empty then.
func (c *Console) loadSession(r *http.Request, p *keyward.Principal) (*session, error) {
	ctx := r.Context()
	u, err := c.svc.Me(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{Principal: p, User: u}
	if p.MFAEnrollOnly {
		return s, nil
	}
	if org, err := c.svc.GetOrganization(ctx, p.OrgID); err == nil {
		s.OrgName = org.Name
	}
	if orgs, _, err := c.svc.ListOrganizations(ctx, keyward.Page{Limit: keyward.MaxPerPage}); err == nil && len(orgs) > 1 {
		s.Orgs = orgs
	}
	for _, l := range navigation {
		ok := l.Action == ""
		if !ok {
			if ok, err = c.svc.Allowed(ctx, l.Action, "", ""); err != nil {
				return nil, err
			}
		}
		if ok {
			s.Nav = append(s.Nav, l)
		}
	}
	return s, nil
}

// toLogin sends the browser to the sign-in page, to come back to the page
// it asked for (a page it reads; after a refused action, the page the
// action was on is unknown, so it comes back to the start).
func (c *Console) toLogin(w http.ResponseWriter, r *http.Request) {
	to := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		to += "?return_to=" + url.QueryEscape(r.URL.RequestURI())
	}
	seeOther(w, r, to)
}

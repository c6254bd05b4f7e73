// Package console is keyward's web console: server-rendered HTML pages
// (html/template, assets embedded with embed, a vendored htmx for partial
// updates) served by `keyward server` on the API's port.
//
// Every page acts through package service, as the REST API does, so the
// engine decides each page for the signed-in member exactly as it decides
// the API's requests: a control the member may not use is not shown
// (service.Allowed), and a refused action shows the explanation a 403 of
// the API carries. The browser's credential is a login session's token in
// the keyward.SessionCookie cookie; docs/console.md says why the console
// is built this way.
package console

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/keyward-iam/keyward/service"
)

// Config holds New's dependencies.
type Config struct {
	Service *service.Service
	Logger  *slog.Logger
	// TrustedProxies are the proxies whose X-Forwarded-For says where a
	// request came from, as for the API (httpapi.SourceAddr).
	TrustedProxies []netip.Prefix
}

// apiPrefix starts every path of the API, where the console has no route.
const apiPrefix = "/v2/"

// Console serves the console's pages.
type Console struct {
	svc   *service.Service
	log   *slog.Logger
	pages *pages
	// mux holds the console's own routes; Wrap asks it which requests
	// are the console's.
	mux *http.ServeMux
	h   http.Handler
}

// New returns the console. It panics if its embedded templates do not
// parse, which a test of the package would have caught.
func New(cfg Config) *Console {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Console{svc: cfg.Service, log: cfg.Logger, pages: mustParsePages(), mux: http.NewServeMux()}
	c.routes()
	c.h = withRequest(secure(c.mux), cfg.TrustedProxies)
	return c
}

// routes lists every page and action of the console. The pages that act
// for a member take the member from the session cookie (signedIn); the
// sign-in and invitation pages need none.
func (c *Console) routes() {
	c.mux.Handle("GET /assets/", assets())
	c.member("GET /{$}", c.handleHome)
	c.mux.HandleFunc("GET /login", c.handleLoginForm)
	c.mux.HandleFunc("POST /login", c.handleLogin)
	c.member("POST /logout", c.handleLogout)
	c.mux.HandleFunc("GET /invitation", c.handleInvitation)
	c.mux.HandleFunc("POST /invitation", c.handleAcceptInvitation)

	c.member("GET /why", c.handleWhy)
	c.member("GET /groups", c.handleGroups)
	c.member("GET /groups/{group_id}", c.handleGroup)
	c.member("GET /roles", c.handleRoles)
	c.member("GET /roles/{role_id}", c.handleRole)
	c.member("GET /team", c.handleTeam)
	c.member("POST /team/invitations", c.teamAction(c.invite))
	c.member("POST /team/invitations/{invitation_id}/resend", c.teamAction(c.resend))
	c.member("POST /team/invitations/{invitation_id}/revoke", c.teamAction(c.revoke))
	c.member("POST /team/members/{user_id}/role", c.teamAction(c.changeRole))
	c.member("POST /team/members/{user_id}/suspend", c.teamAction(c.suspend(true)))
	c.member("POST /team/members/{user_id}/unsuspend", c.teamAction(c.suspend(false)))
	c.member("POST /team/members/{user_id}/remove", c.teamAction(c.remove))
	c.member("POST /team/members/{user_id}/tags", c.teamAction(c.tagMember))
	c.member("POST /team/members/{user_id}/tags/remove", c.teamAction(c.untagMember))
	c.member("POST /team/service-users", c.handleCreateServiceUser)
	c.member("POST /team/service-users/{user_id}/keys", c.handleCreateKey)
	c.member("POST /team/service-users/{user_id}/keys/{key_id}/revoke", c.teamAction(c.revokeServiceKey))

	// Trusts, assumed roles, projects, OIDC issuers, organization settings.
	c.member("POST /roles/{role_id}/trusts", c.roleAction(c.createTrust))
	c.member("POST /roles/{role_id}/trusts/{trust_id}/delete", c.roleAction(c.deleteTrust))
	c.member("GET /assumed-roles", c.handleAssumed)
	c.member("POST /assumed-roles/assume", c.handleAssume)
	c.member("POST /assumed-roles/sessions/{session_id}/terminate", c.assumedAction(c.terminate))
	c.member("GET /projects", c.handleProjects)
	c.member("POST /projects", c.projectsAction(c.createProject))
	c.member("POST /projects/{project_id}/delete", c.projectsAction(c.deleteProject))
	c.member("GET /projects/{project_id}", c.handleProject)
	c.member("POST /projects/{project_id}/resources", c.projectAction(c.createResource))
	c.member("POST /projects/{project_id}/resources/delete", c.projectAction(c.deleteResource))
	c.member("POST /projects/{project_id}/assignments", c.projectAction(c.changeAssignments(true)))
	c.member("POST /projects/{project_id}/assignments/remove", c.projectAction(c.changeAssignments(false)))
	c.member("POST /projects/{project_id}/overrides", c.projectAction(c.setOverride))
	c.member("POST /projects/{project_id}/overrides/{user_id}/delete", c.projectAction(c.deleteOverride))
	c.member("GET /oidc-issuers", c.handleIssuers)
	c.member("POST /oidc-issuers", c.issuersAction(c.createIssuer))
	c.member("POST /oidc-issuers/{issuer_id}/delete", c.issuersAction(c.deleteIssuer))
	c.member("GET /organization", c.handleOrg)
	c.member("POST /organization/rename", c.orgAction(c.renameOrg))
	c.member("POST /organization/transfer", c.orgAction(c.transferOrg))
	c.member("POST /organization/mfa", c.act(c.requireMFA, c.showOrg))
	c.member("POST /organization/delete", c.handleDeleteOrg)
	c.member("POST /organization/restore/{org_id}", c.orgAction(c.restoreOrg))

	// Policies and their builder; editing groups and roles; effective
	// access and who-can; the audit trail; the member's own security;
	// the pickers' search.
	c.policyRoutes()
	c.groupRoutes()
	c.roleRoutes()
	c.accessRoutes()
	c.auditRoutes()
	c.securityRoutes()
	c.identityProviderRoutes()
	c.applicationRoutes()
	c.pickRoutes()
}

// member routes the requests of pattern, a page or action for a
// signed-in member, to h.
func (c *Console) member(pattern string, h memberHandler) { c.mux.Handle(pattern, c.signedIn(h)) }

// Match reports whether r is one of the console's requests, with the
// route pattern it matched: httpapi.Config.Pages asks it, so that the
// console's requests are logged, counted and traced as the API's are.
//
// A path under /v2/ is the API's and answers false at once: the console
// has no route there (TestNoRouteUnderAPI), and the API's hottest path,
// POST /v2/authorize, should not pay for a search of the console's mux.
func (c *Console) Match(r *http.Request) (pattern string, ok bool) {
	if strings.HasPrefix(r.URL.Path, apiPrefix) {
		return "", false
	}
	_, pattern = c.mux.Handler(r)
	return pattern, pattern != ""
}

// ServeHTTP serves one of the console's requests (one Match took).
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.h.ServeHTTP(w, r) }

// Wrap returns a handler that serves the console's routes and hands every
// other request to api unchanged, so that the API's paths (/v2/...,
// /healthz, /readyz, /metrics, and any it adds) answer exactly as they
// would alone. The server mounts the console through httpapi.Config.Pages
// instead, inside the API's request log and metrics.
func (c *Console) Wrap(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := c.Match(r); ok {
			c.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

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
	c.mux.Handle("GET /{$}", c.signedIn(c.handleHome))
	c.mux.HandleFunc("GET /login", c.handleLoginForm)
	c.mux.HandleFunc("POST /login", c.handleLogin)
	c.mux.Handle("POST /logout", c.signedIn(c.handleLogout))
	c.mux.HandleFunc("GET /invitation", c.handleInvitation)
	c.mux.HandleFunc("POST /invitation", c.handleAcceptInvitation)

	c.mux.Handle("GET /why", c.signedIn(c.handleWhy))
	c.mux.Handle("GET /groups", c.signedIn(c.handleGroups))
	c.mux.Handle("GET /groups/{group_id}", c.signedIn(c.handleGroup))
	c.mux.Handle("GET /roles", c.signedIn(c.handleRoles))
	c.mux.Handle("GET /roles/{role_id}", c.signedIn(c.handleRole))
	c.mux.Handle("GET /team", c.signedIn(c.handleTeam))
	c.mux.Handle("POST /team/invitations", c.signedIn(c.teamAction(c.invite)))
	c.mux.Handle("POST /team/invitations/{invitation_id}/resend", c.signedIn(c.teamAction(c.resend)))
	c.mux.Handle("POST /team/invitations/{invitation_id}/revoke", c.signedIn(c.teamAction(c.revoke)))
	c.mux.Handle("POST /team/members/{user_id}/role", c.signedIn(c.teamAction(c.changeRole)))
	c.mux.Handle("POST /team/members/{user_id}/suspend", c.signedIn(c.teamAction(c.suspend(true))))
	c.mux.Handle("POST /team/members/{user_id}/unsuspend", c.signedIn(c.teamAction(c.suspend(false))))
	c.mux.Handle("POST /team/members/{user_id}/remove", c.signedIn(c.teamAction(c.remove)))
	c.mux.Handle("POST /team/members/{user_id}/tags", c.signedIn(c.teamAction(c.tagMember)))
	c.mux.Handle("POST /team/members/{user_id}/tags/remove", c.signedIn(c.teamAction(c.untagMember)))
	c.mux.Handle("POST /team/service-users", c.signedIn(c.handleCreateServiceUser))
	c.mux.Handle("POST /team/service-users/{user_id}/keys", c.signedIn(c.handleCreateKey))
	c.mux.Handle("POST /team/service-users/{user_id}/keys/{key_id}/revoke", c.signedIn(c.teamAction(c.revokeServiceKey)))

	// Trusts, assumed roles, projects, OIDC issuers, organization settings.
	c.mux.Handle("POST /roles/{role_id}/trusts", c.signedIn(c.roleAction(c.createTrust)))
	c.mux.Handle("POST /roles/{role_id}/trusts/{trust_id}/delete", c.signedIn(c.roleAction(c.deleteTrust)))
	c.mux.Handle("GET /assumed-roles", c.signedIn(c.handleAssumed))
	c.mux.Handle("POST /assumed-roles/assume", c.signedIn(c.handleAssume))
	c.mux.Handle("POST /assumed-roles/sessions/{session_id}/terminate", c.signedIn(c.assumedAction(c.terminate)))
	c.mux.Handle("GET /projects", c.signedIn(c.handleProjects))
	c.mux.Handle("POST /projects", c.signedIn(c.projectsAction(c.createProject)))
	c.mux.Handle("POST /projects/{project_id}/delete", c.signedIn(c.projectsAction(c.deleteProject)))
	c.mux.Handle("GET /projects/{project_id}", c.signedIn(c.handleProject))
	c.mux.Handle("POST /projects/{project_id}/resources", c.signedIn(c.projectAction(c.createResource)))
	c.mux.Handle("POST /projects/{project_id}/resources/delete", c.signedIn(c.projectAction(c.deleteResource)))
	c.mux.Handle("POST /projects/{project_id}/assignments", c.signedIn(c.projectAction(c.changeAssignments(true))))
	c.mux.Handle("POST /projects/{project_id}/assignments/remove", c.signedIn(c.projectAction(c.changeAssignments(false))))
	c.mux.Handle("POST /projects/{project_id}/overrides", c.signedIn(c.projectAction(c.setOverride)))
	c.mux.Handle("POST /projects/{project_id}/overrides/{user_id}/delete", c.signedIn(c.projectAction(c.deleteOverride)))
	c.mux.Handle("GET /oidc-issuers", c.signedIn(c.handleIssuers))
	c.mux.Handle("POST /oidc-issuers", c.signedIn(c.issuersAction(c.createIssuer)))
	c.mux.Handle("POST /oidc-issuers/{issuer_id}/delete", c.signedIn(c.issuersAction(c.deleteIssuer)))
	c.mux.Handle("GET /organization", c.signedIn(c.handleOrg))
	c.mux.Handle("POST /organization/rename", c.signedIn(c.orgAction(c.renameOrg)))
	c.mux.Handle("POST /organization/transfer", c.signedIn(c.orgAction(c.transferOrg)))
	c.mux.Handle("POST /organization/mfa", c.signedIn(c.act(c.requireMFA, c.showOrg)))
	c.mux.Handle("POST /organization/delete", c.signedIn(c.handleDeleteOrg))
	c.mux.Handle("POST /organization/restore/{org_id}", c.signedIn(c.orgAction(c.restoreOrg)))

	// Policies and their builder; editing groups and roles; effective
	// access and who-can; the audit trail.
	c.policyRoutes()
	c.groupRoutes()
	c.roleRoutes()
	c.accessRoutes()
	c.auditRoutes()
	c.securityRoutes()
}

// Match reports whether r is one of the console's requests, with the
// route pattern it matched: httpapi.Config.Pages asks it, so that the
// console's requests are logged, counted and traced as the API's are.
func (c *Console) Match(r *http.Request) (pattern string, ok bool) {
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

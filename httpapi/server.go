// Package httpapi is keyward's REST API: the Vultr-compatible /v2 IAM
// endpoints and keyward's extensions, with authentication middleware, the
// one error-code → HTTP-status table, health, readiness and metrics.
//
// Handlers are thin: decode, call package service, encode. Every response
// body is a JSON object sent with Content-Type exactly "application/json",
// because Vultr's Go client silently drops bodies with any other value.
package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/keyward-iam/keyward/oidcprovider"
	"github.com/keyward-iam/keyward/service"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
)

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
const MaxBodyBytes = 1 << 20

// Config holds NewServer's dependencies.
type Config struct {
	Service *service.Service
	Logger  *slog.Logger
	// Registerer receives the request metrics; Gatherer serves /metrics.
	// Both default to a fresh registry.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// Spec is served at /v2/openapi.yaml.
	Spec []byte
	// TrustedProxies are the proxies whose X-Forwarded-For says where a
	// request came from (ParseTrustedProxies); none by default.
	TrustedProxies []netip.Prefix
	// Pages, when set, is a front end served on the API's port (the web
	// console): the requests it matches skip the API's authentication and
	// mux but get its request id, trace span, panic recovery, request log,
	// metrics (under the pattern Match returns) and body limit.
	Pages Pages
	// Tracer, when set, receives a span per request (traceRequests), under
	// which the service's and the store's spans nest; nil traces nothing,
	// and a request pays nothing for tracing. cmd/keyward passes the
	// provider it configured.
	Tracer trace.TracerProvider
}

// Pages is a front end served ahead of the API (Config.Pages): Match
// reports whether it serves r, with the route pattern to log and count r
// under; ServeHTTP serves what Match took.
type Pages interface {
	http.Handler
	Match(r *http.Request) (pattern string, ok bool)
}

type server struct {
	svc  *service.Service
	log  *slog.Logger
	spec []byte
	// table is every route with its action and access, filled in by
	// routes; public holds the paths of its AccessPublic routes.
	table  []route
	public map[string]bool
	// publicWild holds the paths of AccessPublic routes with a wildcard,
	// split at "/".
	publicWild [][]string
	// browser holds the paths of routes a browser calls with its session
	// cookie (viaBrowser).
	browser map[string]bool
	// flow serves the code flow's token, userinfo and revocation
	// endpoints.
	flow    *oidcprovider.Flow
	actions map[string]string // pattern → action, for the audit of refusals
	// mux routes the requests; notePattern asks it which route a request
	// answered before reaching it would have taken.
	mux *http.ServeMux
}

// NewServer returns keyward's HTTP handler.
func NewServer(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registerer == nil || cfg.Gatherer == nil {
		reg := prometheus.NewRegistry()
		cfg.Registerer, cfg.Gatherer = reg, reg
	}
	s := &server{svc: cfg.Service, log: cfg.Logger, spec: cfg.Spec, flow: oidcprovider.NewFlow(cfg.Service)}
	mux := http.NewServeMux()
	s.mux = mux
	s.routes(mux, cfg.Gatherer)
	m := newMetrics(cfg.Registerer, cfg.Service)
	h := s.muxErrors(mux)
	h = s.checkQuery(h)
	h = s.authenticate(h)
	if cfg.Pages != nil {
		h = pagesFirst(cfg.Pages, h)
	}
	h = limitBody(h)
	h = m.instrument(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	if cfg.Tracer != nil {
		h = traceRequests(h, cfg.Tracer)
	}
	h = withRequestID(h, cfg.TrustedProxies)
	return h
}

package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/service"
)

// metrics counts requests and their latencies by route and status.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, svc *service.Service) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keyward_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "keyward_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	for kind, n := range map[string]func(authz.UpdateStats) int64{
		"patch":  func(u authz.UpdateStats) int64 { return u.Patches },
		"build":  func(u authz.UpdateStats) int64 { return u.Builds },
		"failed": func(u authz.UpdateStats) int64 { return u.Failed },
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "keyward_snapshot_updates_total",
			Help:        "Snapshot updates: patched from the previous snapshot, built from the whole graph, or failed.",
			ConstLabels: prometheus.Labels{"kind": kind},
		}, func() float64 { return float64(n(svc.SnapshotUpdates())) }))
	}
	return m
}

// routeInfo carries the matched route pattern back out of the mux to the
// outer middleware; withRequestID puts one in every request's context.
type routeInfo struct{ pattern string }

// routeOf is the pattern that matched r, or "unmatched", so metric labels
// never carry ids.
func routeOf(r *http.Request) string {
	ri, _ := r.Context().Value(routeKey).(*routeInfo)
	if ri == nil || ri.pattern == "" || ri.pattern == "/" {
		return "unmatched"
	}
	return ri.pattern
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter) // logRequests's, when it wraps this
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		route := routeOf(r)
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

package httpapi

import (
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traceRequests opens a server span per request, continuing the caller's
// trace when it sends a W3C traceparent header, and named, once the mux
// has matched, by the route's pattern (never the raw path, whose ids would
// make every name unique). The service's and the store's spans are its
// children, and log lines written with the request's context carry its
// trace id.
func traceRequests(next http.Handler, tp trace.TracerProvider) http.Handler {
	tracer := tp.Tracer("github.com/keyward-iam/keyward/httpapi")
	var prop propagation.TraceContext
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		if !span.IsRecording() {
			return
		}
		route := routeOf(r)
		span.SetName(route)
		span.SetAttributes(attribute.String("http.request.method", r.Method), attribute.String("http.route", route),
			attribute.Int("http.response.status_code", sw.status), attribute.String("keyward.request_id", requestID(ctx)))
		if sw.status >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(sw.status))
		}
	})
}

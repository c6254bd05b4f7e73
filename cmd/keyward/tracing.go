package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// startTracing returns the provider that sends spans to the OTLP/HTTP
// collector at endpoint (a base URL, as OTEL_EXPORTER_OTLP_ENDPOINT:
// "/v1/traces" is added to a URL with no path), sampling ratio of the
// traces that start here (a caller's sampled traceparent is followed);
// runServer hands it to httpapi, service (and through it authz) and
// sqlstore. The returned stop flushes what is buffered. With no endpoint
// it returns a nil provider: nothing is traced, and no span is started.
func startTracing(ctx context.Context, endpoint string, ratio float64) (tp trace.TracerProvider, stop func(context.Context) error, err error) {
	if endpoint == "" {
		return nil, func(context.Context) error { return nil }, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("--otlp-endpoint %q: want an http:// or https:// URL", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	if ratio < 0 || ratio > 1 {
		return nil, nil, fmt.Errorf("--trace-sample-ratio %v: want 0 to 1", ratio)
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(u.String()))
	if err != nil {
		return nil, nil, fmt.Errorf("--otlp-endpoint: %w", err)
	}
	sdk := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))),
		sdktrace.WithResource(resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("keyward"),
			semconv.ServiceVersion(buildVersion()))),
	)
	return sdk, sdk.Shutdown, nil
}

// traceLogs is a slog.Handler that adds the trace and span ids of the
// record's context, when it has a span, to every line: a log line and its
// trace find each other.
type traceLogs struct{ slog.Handler }

func (h traceLogs) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceLogs) WithAttrs(as []slog.Attr) slog.Handler { return traceLogs{h.Handler.WithAttrs(as)} }
func (h traceLogs) WithGroup(name string) slog.Handler    { return traceLogs{h.Handler.WithGroup(name)} }

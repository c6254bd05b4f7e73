package authz

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names the spans of this package.
const tracerName = "github.com/keyward-iam/keyward/authz"

// startUpdateSpan starts the span of a snapshot update of org, when the
// Authorizer traces (Options.Tracer); otherwise it returns ctx and a span
// whose methods do nothing. An update runs for every caller waiting on
// it, under none of their contexts, so its span starts a trace of its own.
func (a *Authorizer) startUpdateSpan(ctx context.Context, org string) (context.Context, trace.Span) {
	if a.tracer == nil {
		return ctx, trace.SpanFromContext(ctx)
	}
	return a.tracer.Start(ctx, "keyward.snapshot.update", trace.WithAttributes(attribute.String("keyward.organization_id", org)))
}

// endUpdateSpan ends the span of a snapshot update that made s (by a patch,
// or whole from the graph) or failed with err.
func endUpdateSpan(span trace.Span, s *Snapshot, whole bool, err error) {
	if span.IsRecording() {
		kind := "patch"
		if whole {
			kind = "build"
		}
		span.SetAttributes(attribute.String("keyward.update", kind))
		if s != nil {
			span.SetAttributes(attribute.Int64("keyward.revision", s.Revision))
		}
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
	}
	span.End()
}

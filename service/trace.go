package service

import (
	"context"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/keyward-iam/keyward"
)

// startSpan starts a span named name as a child of ctx's span, when s
// traces (Options.Tracer) and ctx's span is recording; otherwise (tracing
// off, or the trace not sampled) it returns ctx and that span, whose
// methods do nothing.
// A child of an unrecorded span would be dropped anyway, and starting one
// costs allocations on every decision. Attributes are set by the caller
// when span.IsRecording(), so that building them costs nothing otherwise.
func (s *Service) startSpan(ctx context.Context, name string) (context.Context, trace.Span) {
	if parent := trace.SpanFromContext(ctx); s.tracer == nil || !parent.IsRecording() {
		return ctx, parent
	}
	return s.tracer.Start(ctx, name)
}

// endSpan ends span with the outcome err. A refusal is an event, not the
// span's error: refusing is the engine working.
func endSpan(span trace.Span, err error) {
	switch {
	case err == nil:
	case keyward.ErrorCode(err) == keyward.CodePermissionDenied:
		span.AddEvent("denied")
	default:
		span.RecordError(err)
		span.SetStatus(codes.Error, keyward.ErrorMessage(err))
	}
	span.End()
}

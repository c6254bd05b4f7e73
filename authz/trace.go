package authz

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracer is the global provider's: a no-op unless cmd/keyward installs one.
// An update runs for every caller waiting on it, under none of their
// contexts, so its span starts a trace of its own.
var tracer = otel.Tracer("github.com/keyward-iam/keyward/authz")

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

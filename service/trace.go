package service

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/keyward-iam/keyward"
)

// tracer is the global provider's: a no-op unless cmd/keyward installs one.
var tracer = otel.Tracer("github.com/keyward-iam/keyward/service")

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

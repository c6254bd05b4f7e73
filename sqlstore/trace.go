package sqlstore

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracer is the global provider's: a no-op unless cmd/keyward installs one.
var tracer = otel.Tracer("github.com/keyward-iam/keyward/sqlstore")

// startTxSpan starts the span of a transaction as a child of ctx's span,
// or none when ctx's span is not recording (tracing is off, or the trace
// is not sampled): it then returns ctx and that span, whose methods do
// nothing. A transaction is traced as part of a request, never alone.
func startTxSpan(ctx context.Context) (context.Context, trace.Span) {
	if parent := trace.SpanFromContext(ctx); !parent.IsRecording() {
		return ctx, parent
	}
	return tracer.Start(ctx, "keyward.store.tx")
}

// endSpan ends the span of one transaction, run as many times as
// attempts, with its outcome err; an error the caller's fn returned (a
// refusal, a conflict) is as much the span's error as the database's.
func endSpan(span trace.Span, dialect string, write bool, attempts int, err error) {
	if span.IsRecording() {
		span.SetAttributes(attribute.String("db.system.name", dialect), attribute.Bool("keyward.write", write),
			attribute.Int("keyward.attempts", attempts))
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
	}
	span.End()
}

package sqlstore

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// startTxSpan starts the span of a transaction as a child of ctx's span,
// when db traces (Config.Tracer) and ctx's span is recording; otherwise
// (tracing off, or the trace not sampled) it returns ctx and that span,
// whose methods do nothing. A transaction is traced as part of a request,
// never alone.
func (db *DB) startTxSpan(ctx context.Context) (context.Context, trace.Span) {
	if parent := trace.SpanFromContext(ctx); db.tracer == nil || !parent.IsRecording() {
		return ctx, parent
	}
	return db.tracer.Start(ctx, "keyward.store.tx")
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

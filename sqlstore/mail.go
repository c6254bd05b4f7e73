package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/keyward-iam/keyward"
)

const mailColumns = `m.id, m.org_id, m.recipient, m.subject, m.body, m.kind, m.ref_id, m.created_at,
	m.attempts, m.next_attempt, m.last_error, m.lease_until, m.sent_at, m.failed_at`

func scanMail(s scanner) (*keyward.MailMessage, error) {
	var (
		m                     keyward.MailMessage
		created, next         int64
		lease, sent, failedAt sql.NullInt64
	)
	if err := s.Scan(&m.ID, &m.OrgID, &m.To, &m.Subject, &m.Text, &m.Kind, &m.RefID, &created,
		&m.Attempts, &next, &m.LastError, &lease, &sent, &failedAt); err != nil {
		return nil, err
	}
	m.CreatedAt, m.NextAttempt = fromMicros(created), fromMicros(next)
	m.LeaseUntil, m.SentAt, m.FailedAt = fromNullMicros(lease), fromNullMicros(sent), fromNullMicros(failedAt)
	return &m, nil
}

// EnqueueMail inserts m, giving it an ID and a creation time if it has
// none; a zero NextAttempt makes it due at once.
func (t *tx) EnqueueMail(ctx context.Context, m *keyward.MailMessage) error {
	const op = "sqlstore.EnqueueMail"
	t.touch(m.OrgID, changeNone, "")
	setID(&m.ID, t.now)
	if m.CreatedAt.IsZero() {
		m.CreatedAt = t.now
	}
	if m.NextAttempt.IsZero() {
		m.NextAttempt = m.CreatedAt
	}
	m.CreatedAt, m.NextAttempt = micro(m.CreatedAt), micro(m.NextAttempt)
	_, err := t.execChecked(ctx, `INSERT INTO mail_outbox
		(id, org_id, recipient, recipient_key, subject, body, kind, ref_id, created_at, next_attempt)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		m.ID, m.OrgID, m.To, emailKey(m.To), m.Subject, m.Text, m.Kind, m.RefID, m.CreatedAt.UnixMicro(), m.NextAttempt.UnixMicro())
	return dbError(op, err, errNoOrg)
}

// ClaimMail leases the oldest due message. The UPDATE repeats the due
// condition, so of two senders that picked the same row only one gets it;
// the other sees no row changed and reports none due.
func (t *tx) ClaimMail(ctx context.Context, now, until time.Time) (*keyward.MailMessage, error) {
	const op = "sqlstore.ClaimMail"
	t.touch("", changeNone, "")
	const due = "sent_at IS NULL AND failed_at IS NULL AND next_attempt <= $1 AND (lease_until IS NULL OR lease_until < $1)"
	nowUS := micro(now).UnixMicro()
	var id string
	err := t.tx.QueryRowContext(ctx, "SELECT id FROM mail_outbox WHERE "+due+" ORDER BY next_attempt, id LIMIT 1", nowUS).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "No mail is due.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	n, err := affected(t.tx.ExecContext(ctx, "UPDATE mail_outbox SET lease_until = $2 WHERE id = $3 AND "+due,
		nowUS, micro(until).UnixMicro(), id))
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	if n == 0 {
		return nil, notFound(op, "No mail is due.")
	}
	m, err := scanMail(t.tx.QueryRowContext(ctx, "SELECT "+mailColumns+" FROM mail_outbox m WHERE m.id = $1", id))
	return m, dbError(op, err, nil)
}

// MarkMailSent records the delivery at at and ends the lease.
func (t *tx) MarkMailSent(ctx context.Context, id keyward.MailID, at time.Time) error {
	return t.updateMail(ctx, "sqlstore.MarkMailSent",
		"UPDATE mail_outbox SET sent_at = $2, lease_until = NULL WHERE id = $1", id, micro(at).UnixMicro())
}

// MarkMailFailed records a failed attempt and ends the lease.
func (t *tx) MarkMailFailed(ctx context.Context, id keyward.MailID, at time.Time, reason string, next *time.Time) error {
	if next == nil {
		return t.updateMail(ctx, "sqlstore.MarkMailFailed", `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,
			failed_at = $3, lease_until = NULL WHERE id = $1`, id, reason, micro(at).UnixMicro())
	}
	return t.updateMail(ctx, "sqlstore.MarkMailFailed", `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,
		next_attempt = $3, lease_until = NULL WHERE id = $1`, id, reason, micro(*next).UnixMicro())
}

// ReleaseMail ends the lease on the message.
func (t *tx) ReleaseMail(ctx context.Context, id keyward.MailID) error {
	return t.updateMail(ctx, "sqlstore.ReleaseMail", "UPDATE mail_outbox SET lease_until = NULL WHERE id = $1 AND sent_at IS NULL", id)
}

func (t *tx) updateMail(ctx context.Context, op, query string, args ...any) error {
	t.touch("", changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, query, args...))
	return changedOne(op, n, err, nil, "Message not found.")
}

// ListMail lists org's messages, newest first.
func (t *tx) ListMail(ctx context.Context, org keyward.OrgID, f keyward.MailFilter) ([]*keyward.MailMessage, keyward.PageInfo, error) {
	from, args := "FROM mail_outbox m WHERE m.org_id = $1", []any{org}
	if f.To != "" {
		args = append(args, emailKey(f.To))
		from += fmt.Sprintf(" AND m.recipient_key = $%d", len(args))
	}
	return list(ctx, t, listing{
		op: "sqlstore.ListMail", cols: mailColumns, from: from, args: args, key: "m.id", desc: true,
	}, f.Page, scanMail, func(m *keyward.MailMessage) string { return string(m.ID) })
}

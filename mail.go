package keyward

import (
	"context"
	"time"
)

// MailID identifies a message in the outbox.
type MailID string

// MailMessage is one email in the outbox. It is written in the same
// transaction as the change that causes it (an invitation), and a sender
// delivers it after commit: a message exists if and only if its cause does.
type MailMessage struct {
	ID        MailID
	OrgID     OrgID
	To        string
	Subject   string
	Text      string // the plain-text body
	Kind      string // what caused it, e.g. "invitation"
	RefID     string // the id of its cause
	CreatedAt time.Time
	// Attempts counts failed deliveries; NextAttempt is when a sender may
	// try again.
	Attempts    int
	NextAttempt time.Time
	LastError   string
	// LeaseUntil is set while a sender holds the message: no other sender
	// claims it before then.
	LeaseUntil *time.Time
	SentAt     *time.Time
	FailedAt   *time.Time // given up: a permanent SMTP error
}

// MailFilter narrows an outbox listing. Zero fields do not filter.
type MailFilter struct {
	To   string // exact, case-insensitive
	Page Page
}

// MailTx stores the mail outbox.
type MailTx interface {
	EnqueueMail(ctx context.Context, m *MailMessage) error
	// ClaimMail leases the oldest message that is due at now (unsent, not
	// given up, NextAttempt reached, no live lease) until until, and
	// returns it; CodeNotFound when none is due.
	ClaimMail(ctx context.Context, now, until time.Time) (*MailMessage, error)
	// MarkMailSent records the delivery and ends the lease.
	MarkMailSent(ctx context.Context, id MailID, at time.Time) error
	// MarkMailFailed records a failed attempt and ends the lease: the
	// message is due again at next, or given up for good if next is nil.
	MarkMailFailed(ctx context.Context, id MailID, at time.Time, reason string, next *time.Time) error
	// ReleaseMail ends the lease on an unsent message, so it is due at
	// once.
	ReleaseMail(ctx context.Context, id MailID) error
	// ListMail lists the organization's messages, newest first.
	ListMail(ctx context.Context, org OrgID, f MailFilter) ([]*MailMessage, PageInfo, error)
}

package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/keyward-iam/keyward"
)

// Transport delivers one message.
type Transport interface {
	Send(ctx context.Context, m *keyward.MailMessage) error
}

// SenderOptions tune a Sender. Zero fields take defaults.
type SenderOptions struct {
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default slog.Default()
	// Poll is how often the outbox is checked when nothing wakes the
	// sender; default 5 s.
	Poll time.Duration
	// Lease is how long a claimed message is the sender's alone; it must
	// outlast one delivery. Default 2 min.
	Lease time.Duration
	// MaxAttempts is how many failed deliveries give a message up;
	// default 20 (about a day with the capped backoff).
	MaxAttempts int
}

// Sender delivers the outbox through a Transport. Several Senders (one per
// replica) may share a store: the lease makes each message one Sender's.
type Sender struct {
	store     keyward.Store
	transport Transport
	opts      SenderOptions
	wake      chan struct{}
}

// NewSender returns a Sender of store's outbox through t.
func NewSender(store keyward.Store, t Transport, opts SenderOptions) *Sender {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 20
	}
	return &Sender{store: store, transport: t, opts: opts, wake: make(chan struct{}, 1)}
}

// Wake makes a running Sender check the outbox now rather than at its
// next poll. It never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers due mail until ctx is cancelled. Cancellation takes effect
// between messages only (see Drain).
func (s *Sender) Run(ctx context.Context) {
	for {
		if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("mail outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-time.After(s.opts.Poll):
		}
	}
}

// Drain delivers every message due now, one at a time, and returns how many
// it sent. Each message is claimed, sent and recorded (sent, or failed and
// due again later) before the next is claimed; ctx stops Drain between
// messages, never between a send and its record, so a cancelled Sender
// neither loses nor repeats a message.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		m, err := s.claim(ctx)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return sent, nil
		}
		if err != nil {
			return sent, err
		}
		ok, err := s.deliver(context.WithoutCancel(ctx), m)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

func (s *Sender) claim(ctx context.Context) (*keyward.MailMessage, error) {
	var m *keyward.MailMessage
	now := s.opts.Now()
	err := s.store.WriteTx(ctx, func(tx keyward.Tx) error {
		var err error
		m, err = tx.ClaimMail(ctx, now, now.Add(s.opts.Lease))
		return err
	})
	return m, err
}

// deliver sends m and records the outcome. ctx is not cancelled with the
// Sender: the send is bounded by the transport's timeout and the record
// by a few seconds.
func (s *Sender) deliver(ctx context.Context, m *keyward.MailMessage) (bool, error) {
	sendCtx, cancel := context.WithTimeout(ctx, s.opts.Lease/2)
	sendErr := s.transport.Send(sendCtx, m)
	cancel()
	recCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	now := s.opts.Now()
	if sendErr == nil {
		err := s.store.WriteTx(recCtx, func(tx keyward.Tx) error { return tx.MarkMailSent(recCtx, m.ID, now) })
		if err != nil {
			// The message went out but is not marked: when the lease
			// ends it goes again, with the same Message-ID.
			s.opts.Logger.Error("mail sent but not recorded; it may be sent twice", "mail_id", m.ID, "err", err)
			return true, err
		}
		s.opts.Logger.Info("mail sent", "mail_id", m.ID, "kind", m.Kind, "to", m.To)
		return true, nil
	}
	var next *time.Time
	var perm Permanent
	if !errors.As(sendErr, &perm) && m.Attempts+1 < s.opts.MaxAttempts {
		t := now.Add(backoff(m.Attempts + 1))
		next = &t
	}
	s.opts.Logger.Warn("mail not sent", "mail_id", m.ID, "to", m.To, "attempt", m.Attempts+1, "given_up", next == nil, "err", sendErr)
	reason := sendErr.Error()
	if len(reason) > 500 {
		reason = reason[:500]
	}
	err := s.store.WriteTx(recCtx, func(tx keyward.Tx) error { return tx.MarkMailFailed(recCtx, m.ID, now, reason, next) })
	return false, err
}

// backoff is the wait after the nth failed attempt: 30 s, doubling, at
// most an hour.
func backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

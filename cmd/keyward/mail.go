package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/pflag"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/mail"
	"github.com/keyward-iam/keyward/service"
)

// mailConfig is the configuration of invitations and their mail.
type mailConfig struct {
	PublicURL     string        // KEYWARD_PUBLIC_URL: base of invitation links
	InvitationKey string        // KEYWARD_INVITATION_KEY: signs invitation links
	InvitationTTL time.Duration // KEYWARD_INVITATION_TTL
	SMTPURL       string        // KEYWARD_SMTP_URL: smtp://user:pass@host:port or smtps://...
	SMTPTLS       string        // KEYWARD_SMTP_TLS: mandatory, opportunistic or none
	SMTPFrom      string        // KEYWARD_SMTP_FROM
}

// minInvitationKey is the shortest configured signing key accepted, in
// bytes: 256 bits, the HMAC-SHA-256 block's worth of strength.
const minInvitationKey = 32

// mailFlags registers the invitation and SMTP flags, defaulting to their
// environment variables. It returns an error for a variable that is set
// but malformed, for the command to report when it runs.
func mailFlags(f *pflag.FlagSet, getenv func(string) string, c *mailConfig) error {
	var bad error
	ttl := keyward.DefaultInvitationTTL
	if v := getenv("KEYWARD_INVITATION_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad = fmt.Errorf("KEYWARD_INVITATION_TTL=%q: want a positive duration such as 72h", v)
		} else {
			ttl = d
		}
	}
	f.StringVar(&c.PublicURL, "public-url", getenv("KEYWARD_PUBLIC_URL"),
		"the server's URL as invitees reach it, the base of invitation links; default http(s)://<listen address> (env KEYWARD_PUBLIC_URL)")
	f.StringVar(&c.InvitationKey, "invitation-key", getenv("KEYWARD_INVITATION_KEY"),
		"secret (at least 32 bytes) that signs invitation links; default: generated once and kept in the database (env KEYWARD_INVITATION_KEY)")
	f.DurationVar(&c.InvitationTTL, "invitation-ttl", ttl, "how long an invitation link works (env KEYWARD_INVITATION_TTL)")
	f.StringVar(&c.SMTPURL, "smtp-url", getenv("KEYWARD_SMTP_URL"),
		"SMTP server, smtp://user:password@host:587 (STARTTLS) or smtps://...:465; none: mail stays in the development outbox (env KEYWARD_SMTP_URL)")
	f.StringVar(&c.SMTPTLS, "smtp-tls", envOr(getenv, "KEYWARD_SMTP_TLS", mail.TLSMandatory),
		"TLS for smtp:// URLs: mandatory, opportunistic or none (env KEYWARD_SMTP_TLS)")
	f.StringVar(&c.SMTPFrom, "smtp-from", envOr(getenv, "KEYWARD_SMTP_FROM", "keyward <noreply@localhost>"),
		"sender address of keyward's mail (env KEYWARD_SMTP_FROM)")
	return bad
}

// apply sets the service options for invitations, and returns the mail
// sender to run, or nil when no SMTP server is configured. base is the
// listener's URL (scheme and address), the default base of invitation
// links.
func (c mailConfig) apply(opts *service.Options, store keyward.Store, logger *slog.Logger, base string) (*mail.Sender, error) {
	if c.InvitationKey != "" && len(c.InvitationKey) < minInvitationKey {
		return nil, fmt.Errorf("--invitation-key: %d bytes; use at least %d random bytes", len(c.InvitationKey), minInvitationKey)
	}
	if c.InvitationTTL <= 0 {
		return nil, errors.New("--invitation-ttl must be positive")
	}
	opts.InvitationKey, opts.InvitationTTL, opts.PublicURL = []byte(c.InvitationKey), c.InvitationTTL, c.PublicURL
	if opts.PublicURL == "" {
		opts.PublicURL = base
	}
	if c.SMTPURL == "" {
		logger.Info("mail: no SMTP server configured (--smtp-url); mail stays in the development outbox: " +
			"list it with `keyward mail list` or GET /v2/mail")
		return nil, nil
	}
	tr, err := mail.NewSMTP(mail.Config{URL: c.SMTPURL, TLS: c.SMTPTLS, From: c.SMTPFrom})
	if err != nil {
		return nil, err
	}
	sender := mail.NewSender(store, tr, mail.SenderOptions{Logger: logger, Poll: 5 * time.Second})
	opts.MailWake = sender.Wake
	logger.Info("mail: sending through SMTP", "server", tr.String(), "tls", c.SMTPTLS)
	return sender, nil
}

// runSender runs sender (if any) until the returned stop is called; stop
// waits for the message in flight to be sent and recorded.
func runSender(ctx context.Context, sender *mail.Sender) (stop func()) {
	if sender == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sender.Run(ctx)
	}()
	return func() { cancel(); <-done }
}

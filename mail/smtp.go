package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/keyward-iam/keyward"
)

// TLS policies for an SMTP connection.
const (
	TLSMandatory     = "mandatory"     // STARTTLS or fail
	TLSOpportunistic = "opportunistic" // STARTTLS when offered
	TLSNone          = "none"          // plain text; for a local relay or tests
)

// Config says how to reach the SMTP server.
type Config struct {
	// URL is smtp://[user:password@]host[:port] (STARTTLS per TLS; port
	// 587 by default) or smtps://... (TLS from the first byte; port 465).
	URL string
	// TLS is TLSMandatory (the default), TLSOpportunistic or TLSNone;
	// ignored for smtps.
	TLS string
	// From is the sender address, e.g. "keyward <noreply@example.com>".
	From string
	// Timeout bounds one delivery; default 30 s.
	Timeout time.Duration
}

// SMTP sends messages through one SMTP server.
type SMTP struct {
	host, user, password string
	port                 int
	implicitTLS          bool
	policy               gomail.TLSPolicy
	from                 *mail.Address
	domain               string // of From: the right side of Message-IDs
	timeout              time.Duration
}

// NewSMTP checks cfg and returns a transport for it. It does not connect.
func NewSMTP(cfg Config) (*SMTP, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("smtp url %q: want smtp://[user:password@]host[:port] or smtps://...", redact(cfg.URL))
	}
	s := &SMTP{host: u.Hostname(), implicitTLS: u.Scheme == "smtps", timeout: cfg.Timeout}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	s.port = 587
	if s.implicitTLS {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("smtp url: bad port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	switch cfg.TLS {
	case "", TLSMandatory:
		s.policy = gomail.TLSMandatory
	case TLSOpportunistic:
		s.policy = gomail.TLSOpportunistic
	case TLSNone:
		if s.implicitTLS {
			return nil, errors.New("smtp tls: none contradicts an smtps:// url")
		}
		s.policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("smtp tls %q: want mandatory, opportunistic or none", cfg.TLS)
	}
	if s.from, err = mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp from %q: %w", cfg.From, err)
	}
	_, s.domain, _ = strings.Cut(s.from.Address, "@")
	return s, nil
}

// redact hides a URL's password, for error messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// String describes the server, without the password.
func (s *SMTP) String() string {
	return net.JoinHostPort(s.host, strconv.Itoa(s.port))
}

// MessageID is the Message-ID a message is sent with: derived from its
// outbox id, so that a resend after a crash carries the same one.
func (s *SMTP) MessageID(m *keyward.MailMessage) string {
	return "<" + string(m.ID) + "@" + s.domain + ">"
}

// Send delivers m. An error that the server gave as permanent (5xx) is
// wrapped in a Permanent.
func (s *SMTP) Send(ctx context.Context, m *keyward.MailMessage) error {
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return Permanent{fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(string(m.ID) + "@" + s.domain)
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetGenHeader("X-Keyward-Outbox-Id", string(m.ID))
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)

	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.timeout), gomail.WithTLSPolicy(s.policy)}
	if s.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return Permanent{err}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		// Only the server's own 5xx answer is final; a network failure
		// or a 4xx may pass.
		if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
			return Permanent{err}
		}
		return err
	}
	return nil
}

// Permanent marks a delivery error that retrying cannot fix.
type Permanent struct{ Err error }

func (p Permanent) Error() string { return "permanent: " + p.Err.Error() }
func (p Permanent) Unwrap() error { return p.Err }

package keywardtest

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTPServer is an in-process SMTP server on 127.0.0.1 that accepts every
// message (no TLS, no authentication) and keeps it for the test.
type SMTPServer struct {
	// Addr is host:port; URL is smtp://Addr, for configuring a sender
	// with TLS "none".
	Addr string
	URL  string

	mu        sync.Mutex
	msgs      []Received
	onMessage func(n int)
	changed   chan struct{} // closed and replaced on every new message
}

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Raw  []byte
	// Header is the parsed header; Body the text body with its transfer
	// encoding (quoted-printable, as go-mail sends) undone.
	Header mail.Header
	Body   string
}

// MessageID returns the message's Message-ID header.
func (r Received) MessageID() string { return r.Header.Get("Message-Id") }

// NewSMTPServer starts a server that tb stops when it ends.
func NewSMTPServer(tb testing.TB) *SMTPServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("keywardtest: smtp listen: %v", err)
	}
	s := &SMTPServer{Addr: ln.Addr().String(), changed: make(chan struct{})}
	s.URL = "smtp://" + s.Addr
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// OnMessage sets fn to be called with the count of messages received so
// far each time one is accepted, before the server answers the DATA
// command.
func (s *SMTPServer) OnMessage(fn func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMessage = fn
}

// Messages returns the messages received so far, in order.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Wait waits up to timeout until the server holds at least n messages and
// returns them; it fails tb if they do not come.
func (s *SMTPServer) Wait(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline:
			tb.Fatalf("keywardtest: smtp: %d messages after %v, want %d", got, timeout, n)
		}
	}
}

func (s *SMTPServer) add(r Received) {
	s.mu.Lock()
	s.msgs = append(s.msgs, r)
	n, fn := len(s.msgs), s.onMessage
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	if fn != nil {
		fn(n)
	}
}

type smtpSession struct {
	srv  *SMTPServer
	from string
	to   []string
}

func (c *smtpSession) Reset()        { c.from, c.to = "", nil }
func (c *smtpSession) Logout() error { return nil }

func (c *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}

func (c *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.to = append(c.to, to)
	return nil
}

func (c *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec := Received{From: c.from, To: c.to, Raw: raw}
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		rec.Header = m.Header
		var body io.Reader = m.Body
		if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(m.Body)
		}
		b, _ := io.ReadAll(body)
		rec.Body = string(b)
	}
	c.srv.add(rec)
	return nil
}

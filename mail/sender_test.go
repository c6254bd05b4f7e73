package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/mail"
	"github.com/keyward-iam/keyward/sqlstore"
)

// outbox is a store with one organization and n queued messages, to
// r0@example.com ... r<n-1>@example.com.
func outbox(t *testing.T, dialect string, clock *keywardtest.Clock, n int) *sqlstore.DB {
	t.Helper()
	store := keywardtest.OpenDialect(t, dialect, sqlstore.Config{Now: clock.Now})
	ctx := context.Background()
	err := store.WriteTx(ctx, func(tx keyward.Tx) error {
		acct := &keyward.Account{Email: "owner@example.com"}
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		org := &keyward.Organization{ID: keyward.OrgID(keyward.NewID(tx.Now())), Name: "Acme", OwnerID: acct.ID}
		if err := tx.CreateOrganization(ctx, org); err != nil {
			return err
		}
		for i := range n {
			m := &keyward.MailMessage{OrgID: org.ID, To: fmt.Sprintf("r%d@example.com", i), Subject: "Hello", Text: "Hi =there=\n", Kind: "test"}
			if err := tx.EnqueueMail(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func transport(t *testing.T, url string) *mail.SMTP {
	t.Helper()
	tr, err := mail.NewSMTP(mail.Config{URL: url, TLS: mail.TLSNone, From: "keyward <noreply@keyward.test>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// perRecipient counts the messages the server received per recipient.
func perRecipient(msgs []keywardtest.Received) map[string]int {
	got := map[string]int{}
	for _, m := range msgs {
		for _, to := range m.To {
			got[to]++
		}
	}
	return got
}

// TestSenderStoppedMidBatch stops a sender right after the SMTP server
// accepted message k and starts a new one: every message arrives exactly
// once, counted by recipient (not deduplicated by Message-ID).
func TestSenderStoppedMidBatch(t *testing.T) {
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		const n, k = 6, 2
		clock := keywardtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		store := outbox(t, dialect, clock, n)
		srv := keywardtest.NewSMTPServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		srv.OnMessage(func(count int) {
			if count == k {
				cancel()
			}
		})
		opts := mail.SenderOptions{Now: clock.Now, Logger: quiet}
		sent, err := mail.NewSender(store, transport(t, srv.URL), opts).Drain(ctx)
		if err != nil || sent != k {
			t.Fatalf("first sender: sent %d, %v; want %d", sent, err, k)
		}
		if got := len(srv.Messages()); got != k {
			t.Fatalf("server holds %d messages after the stop, want %d", got, k)
		}
		srv.OnMessage(nil)
		sent, err = mail.NewSender(store, transport(t, srv.URL), opts).Drain(context.Background())
		if err != nil || sent != n-k {
			t.Fatalf("second sender: sent %d, %v; want %d", sent, err, n-k)
		}
		got := perRecipient(srv.Messages())
		for i := range n {
			if to := fmt.Sprintf("r%d@example.com", i); got[to] != 1 {
				t.Errorf("%s received %d times, want 1", to, got[to])
			}
		}
		ids := map[string]bool{}
		for _, m := range srv.Messages() {
			if !strings.HasSuffix(m.MessageID(), "@keyward.test>") || ids[m.MessageID()] {
				t.Errorf("Message-ID %q is not a unique outbox id", m.MessageID())
			}
			ids[m.MessageID()] = true
			if m.Body != "Hi =there=\n" && m.Body != "Hi =there=\r\n" {
				t.Errorf("body %q", m.Body)
			}
		}
	})
}

// TestSenderCrashAfterClaim: a sender that died holding a lease (it claimed
// a message and never recorded it) delays that message until the lease
// ends; then another sender delivers it, once.
func TestSenderCrashAfterClaim(t *testing.T) {
	clock := keywardtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	store := outbox(t, keywardtest.Dialects()[0], clock, 1)
	ctx := context.Background()
	err := store.WriteTx(ctx, func(tx keyward.Tx) error {
		_, err := tx.ClaimMail(ctx, clock.Now(), clock.Now().Add(2*time.Minute))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := keywardtest.NewSMTPServer(t)
	s := mail.NewSender(store, transport(t, srv.URL), mail.SenderOptions{Now: clock.Now, Logger: quiet})
	if sent, err := s.Drain(ctx); sent != 0 || err != nil {
		t.Fatalf("during the dead sender's lease: sent %d, %v; want 0", sent, err)
	}
	clock.Advance(2*time.Minute + time.Second)
	if sent, err := s.Drain(ctx); sent != 1 || err != nil {
		t.Fatalf("after the lease: sent %d, %v; want 1", sent, err)
	}
	if sent, _ := s.Drain(ctx); sent != 0 || len(srv.Messages()) != 1 {
		t.Fatalf("sent again: %d more, server holds %d", sent, len(srv.Messages()))
	}
}

// TestSenderRetries: a delivery that fails (the SMTP server is down) is
// retried after the backoff, not before.
func TestSenderRetries(t *testing.T) {
	clock := keywardtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	store := outbox(t, keywardtest.Dialects()[0], clock, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "smtp://" + ln.Addr().String()
	ln.Close()
	ctx := context.Background()
	opts := mail.SenderOptions{Now: clock.Now, Logger: quiet}
	if sent, err := mail.NewSender(store, transport(t, down), opts).Drain(ctx); sent != 0 || err != nil {
		t.Fatalf("server down: sent %d, %v", sent, err)
	}
	srv := keywardtest.NewSMTPServer(t)
	up := mail.NewSender(store, transport(t, srv.URL), opts)
	if sent, _ := up.Drain(ctx); sent != 0 {
		t.Fatal("retried before the backoff")
	}
	clock.Advance(31 * time.Second)
	if sent, err := up.Drain(ctx); sent != 1 || err != nil {
		t.Fatalf("after the backoff: sent %d, %v", sent, err)
	}
}

// TestNewSMTPConfig checks the URL and TLS settings.
func TestNewSMTPConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  mail.Config
		want string // "" for ok, else part of the error
	}{
		{mail.Config{URL: "smtp://u:p@mail.example.com:2525", From: "a@example.com"}, ""},
		{mail.Config{URL: "smtps://mail.example.com", From: "a@example.com", TLS: mail.TLSOpportunistic}, ""},
		{mail.Config{URL: "smtps://mail.example.com", From: "a@example.com", TLS: mail.TLSNone}, "contradicts"},
		{mail.Config{URL: "http://mail.example.com", From: "a@example.com"}, "want smtp://"},
		{mail.Config{URL: "smtp://u:secret@h:99999", From: "a@example.com"}, "bad port"},
		{mail.Config{URL: "smtp://h", From: "a@example.com", TLS: "maybe"}, "want mandatory"},
		{mail.Config{URL: "smtp://h", From: "not an address"}, "smtp from"},
	} {
		_, err := mail.NewSMTP(tc.cfg)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.cfg, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("error reveals the password: %v", err)
		}
	}
}

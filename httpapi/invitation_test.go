package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/mail"
	"github.com/keyward-iam/keyward/service"
)

// mailAPI is api with a fake clock, an in-process SMTP server and a mail
// sender delivering the outbox to it, as `keyward server` runs it.
type mailAPI struct {
	*api
	clock *keywardtest.Clock
	smtp  *keywardtest.SMTPServer
}

// newMailAPI starts the server; with smtp false no sender runs and mail
// stays in the development outbox.
func newMailAPI(t *testing.T, withSMTP bool) *mailAPI {
	t.Helper()
	store, clock := openClockedStore(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailAPI{clock: clock}
	opts := service.Options{Logger: logger, Now: clock.Now, PublicURL: "http://" + ln.Addr().String()}
	var sender *mail.Sender
	if withSMTP {
		m.smtp = keywardtest.NewSMTPServer(t)
		tr, err := mail.NewSMTP(mail.Config{URL: m.smtp.URL, TLS: mail.TLSNone, From: "keyward <noreply@keyward.test>"})
		if err != nil {
			t.Fatal(err)
		}
		sender = mail.NewSender(store, tr, mail.SenderOptions{Now: clock.Now, Logger: logger, Poll: 20 * time.Millisecond})
		opts.MailWake = sender.Wake
	}
	m.api = serveAPI(t, service.New(store, opts), logger, ln)
	if sender != nil {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sender.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return m
}

var linkPattern = regexp.MustCompile(`http://\S+/invitation\?token=\S+`)

// invite invites email as the root owner and returns the invitation id.
func (m *mailAPI) invite(body string) string {
	m.t.Helper()
	var raw map[string]any
	m.do("POST", "/v2/invitation", m.root, body, http.StatusCreated, &raw)
	if _, ok := raw["status"]; ok {
		m.t.Errorf("a bare invitation carries a top-level status, which breaks Vultr's client: %v", raw)
	}
	if raw["invite_status"] != "pending" {
		m.t.Errorf("invite_status = %v, want pending", raw["invite_status"])
	}
	return raw["id"].(string)
}

// mailTo waits for the nth message (1-based) the SMTP server received and
// checks it goes to email; it returns the invitation link in it.
func (m *mailAPI) mailTo(n int, email string) string {
	m.t.Helper()
	msg := m.smtp.Wait(m.t, n, 10*time.Second)[n-1]
	if len(msg.To) != 1 || msg.To[0] != email {
		m.t.Fatalf("message %d to %v, want %s", n, msg.To, email)
	}
	if !strings.HasSuffix(msg.MessageID(), "@keyward.test>") {
		m.t.Errorf("Message-ID %q is not derived from the outbox id", msg.MessageID())
	}
	link := linkPattern.FindString(msg.Body)
	if link == "" {
		m.t.Fatalf("no link in message %d:\n%s", n, msg.Body)
	}
	return link
}

// token returns the token parameter of link.
func token(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

// describePath is the API's description of link's invitation: the link
// itself is the console's page for people.
func describePath(t *testing.T, link string) string {
	t.Helper()
	return "/v2/invitations/accept?token=" + url.QueryEscape(token(t, link))
}

// open GETs the description of link (no bearer) and checks the status.
func (m *mailAPI) open(link string, want int) apiError {
	m.t.Helper()
	var e apiError
	m.do("GET", describePath(m.t, link), "", "", want, &e)
	return e
}

// accept POSTs the acceptance of link's token.
func (m *mailAPI) accept(link, bearer, name, password string, want int, out any) {
	m.t.Helper()
	b, _ := json.Marshal(map[string]string{"token": token(m.t, link), "name": name, "password": password})
	if bearer != "" {
		b, _ = json.Marshal(map[string]string{"token": token(m.t, link)})
	}
	m.do("POST", "/v2/invitations/accept", bearer, string(b), want, out)
}

type accepted struct {
	User struct {
		ID     string `json:"id"`
		Email  string `json:"email"`
		APIKey string `json:"api_key"`
	} `json:"user"`
	OrgID string `json:"org_id"`
}

// TestInvitationNewAccount follows the real email: the link describes the
// invitation, accepting creates the account with the invitation's role
// and group, and the link then works no more.
func TestInvitationNewAccount(t *testing.T) {
	m := newMailAPI(t, true)
	var g, r struct{ ID string }
	m.do("POST", "/v2/groups", m.root, `{"display_name":"ops","description":""}`, http.StatusCreated, &g)
	m.do("POST", "/v2/roles", m.root, `{"name":"deployer","description":"","role_type":"assignable","max_session_duration":0}`, http.StatusCreated, &r)
	id := m.invite(`{"email_invited":"new@example.com","permissions":{"api_enabled":true},"role_ids":["` + r.ID + `"],"group_ids":["` + g.ID + `"]}`)
	link := m.mailTo(1, "new@example.com")

	var d struct {
		InvitationID  string `json:"invitation_id"`
		EmailInvited  string `json:"email_invited"`
		InviterEmail  string `json:"inviter_email"`
		AccountExists bool   `json:"account_exists"`
	}
	m.do("GET", describePath(t, link), "", "", http.StatusOK, &d)
	if d.InvitationID != id || d.EmailInvited != "new@example.com" || d.InviterEmail != "admin@localhost" || d.AccountExists {
		t.Errorf("link describes %+v", d)
	}

	m.accept(link, "", "New Person", "short", http.StatusBadRequest, nil)
	var got accepted
	m.accept(link, "", "New Person", "correct horse battery", http.StatusCreated, &got)
	if got.User.Email != "new@example.com" || got.User.APIKey == "" || got.OrgID != m.orgID {
		t.Fatalf("accepted %+v", got)
	}
	var groups struct {
		Groups []struct{ ID string } `json:"groups"`
	}
	m.do("GET", "/v2/users/me/groups", got.User.APIKey, "", http.StatusOK, &groups)
	if len(groups.Groups) != 1 || groups.Groups[0].ID != g.ID {
		t.Errorf("groups of the new member = %+v, want ops", groups.Groups)
	}
	var roles struct {
		Roles struct {
			Direct []struct{ ID string } `json:"direct"`
		} `json:"roles"`
	}
	m.do("GET", "/v2/users/me/roles", got.User.APIKey, "", http.StatusOK, &roles)
	if len(roles.Roles.Direct) != 1 || roles.Roles.Direct[0].ID != r.ID {
		t.Errorf("direct roles of the new member = %+v, want deployer", roles.Roles.Direct)
	}

	e := m.open(link, http.StatusGone)
	if e.Code != "gone" || !strings.Contains(e.Error, "already been accepted") {
		t.Errorf("reused link: %+v", e)
	}
	m.accept(link, "", "Again", "correct horse battery", http.StatusGone, nil)

	var inv map[string]any
	m.do("GET", "/v2/invitation/"+id, m.root, "", http.StatusOK, &inv)
	if inv["invite_status"] != "accepted" || inv["email_registered"] != "new@example.com" {
		t.Errorf("accepted invitation reads %v", inv)
	}
	var list struct {
		Invites []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"invites"`
		Meta struct{ Total int } `json:"meta"`
	}
	m.do("GET", "/v2/invitation?per_page=5", m.root, `{"PerPage":5,"Cursor":""}`, http.StatusOK, &list)
	if list.Meta.Total != 1 || list.Invites[0].ID != id || list.Invites[0].Status != "accepted" {
		t.Errorf("list = %+v", list)
	}
	var outbox struct {
		Messages []struct{ State, To, RefID string } `json:"messages"`
	}
	m.do("GET", "/v2/mail", m.root, "", http.StatusOK, &outbox)
	if len(outbox.Messages) != 1 || outbox.Messages[0].State != "sent" || outbox.Messages[0].To != "new@example.com" {
		t.Errorf("outbox = %+v", outbox.Messages)
	}
}

// TestInvitationExistingAccount: an account of another organization
// accepts with its own bearer and gains the membership; another account's
// bearer is refused.
func TestInvitationExistingAccount(t *testing.T) {
	m := newMailAPI(t, true)
	_, otherRoot := m.otherOrg("Other")
	var carol struct {
		User struct {
			ID     string `json:"id"`
			APIKey string `json:"api_key"`
		} `json:"user"`
	}
	m.do("POST", "/v2/users", otherRoot, `{"email":"carol@example.com","name":"Carol","api_enabled":true}`, http.StatusCreated, &carol)
	_, bob := m.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)

	m.invite(`{"email_invited":"Carol@Example.com","permissions":{"api_enabled":true}}`)
	link := m.mailTo(1, "Carol@Example.com")
	var d struct {
		AccountExists bool `json:"account_exists"`
	}
	m.do("GET", describePath(t, link), "", "", http.StatusOK, &d)
	if !d.AccountExists {
		t.Error("account_exists = false for an existing account")
	}
	m.accept(link, "", "Carol Two", "correct horse battery", http.StatusConflict, nil)
	m.accept(link, bob, "", "", http.StatusForbidden, nil)
	var got accepted
	m.accept(link, carol.User.APIKey, "", "", http.StatusCreated, &got)
	if got.User.ID != carol.User.ID || got.OrgID != m.orgID || got.User.APIKey == "" {
		t.Fatalf("accepted %+v, want carol %s in %s with a key", got, carol.User.ID, m.orgID)
	}
	var me struct {
		User struct{ ID string } `json:"user"`
	}
	m.do("GET", "/v2/users/me", got.User.APIKey, "", http.StatusOK, &me)
	m.do("GET", "/v2/users/me", carol.User.APIKey, "", http.StatusOK, &me)
	if me.User.ID != carol.User.ID {
		t.Errorf("carol's key in her first organization answers as %s", me.User.ID)
	}
	m.accept(link, carol.User.APIKey, "", "", http.StatusGone, nil)
}

// TestInvitationLinksRefused: resent, revoked, expired and tampered links
// are refused with a reason; a resend revives an expired invitation.
func TestInvitationLinksRefused(t *testing.T) {
	m := newMailAPI(t, true)

	dave := m.invite(`{"email_invited":"dave@example.com","permissions":{"api_enabled":false}}`)
	old := m.mailTo(1, "dave@example.com")
	var resent map[string]any
	m.do("POST", "/v2/invitation/"+dave+"/resend", m.root, "", http.StatusOK, &resent)
	if resent["id"] != dave {
		t.Errorf("resend returned %v", resent["id"])
	}
	if _, ok := resent["status"]; ok {
		t.Error("resend returned a top-level status")
	}
	fresh := m.mailTo(2, "dave@example.com")
	if e := m.open(old, http.StatusGone); !strings.Contains(e.Error, "replaced by a newer one") {
		t.Errorf("old link after resend: %+v", e)
	}
	m.open(fresh, http.StatusOK)

	erin := m.invite(`{"email_invited":"erin@example.com","permissions":{"api_enabled":true}}`)
	revoked := m.mailTo(3, "erin@example.com")
	m.do("DELETE", "/v2/invitation/"+erin, m.root, "", http.StatusNoContent, nil)
	m.do("DELETE", "/v2/invitation/"+erin, m.root, "", http.StatusNoContent, nil)
	if e := m.open(revoked, http.StatusGone); !strings.Contains(e.Error, "revoked") {
		t.Errorf("revoked link: %+v", e)
	}
	m.accept(revoked, "", "Erin", "correct horse battery", http.StatusGone, nil)
	m.do("POST", "/v2/invitation/"+erin+"/resend", m.root, "", http.StatusConflict, nil)

	frank := m.invite(`{"email_invited":"frank@example.com","permissions":{"api_enabled":true}}`)
	expired := m.mailTo(4, "frank@example.com")
	m.clock.Advance(72*time.Hour + time.Second)
	if e := m.open(expired, http.StatusGone); !strings.Contains(e.Error, "expired") {
		t.Errorf("expired link: %+v", e)
	}
	m.accept(expired, "", "Frank", "correct horse battery", http.StatusGone, nil)
	var inv map[string]any
	m.do("GET", "/v2/invitation/"+frank, m.root, "", http.StatusOK, &inv)
	if inv["invite_status"] != "expired" {
		t.Errorf("invite_status = %v, want expired", inv["invite_status"])
	}
	m.do("POST", "/v2/invitation/"+frank+"/resend", m.root, "", http.StatusOK, nil)
	revived := m.mailTo(5, "frank@example.com")
	m.accept(revived, "", "Frank", "correct horse battery", http.StatusCreated, nil)

	tok := token(t, fresh)
	id, rest, _ := strings.Cut(tok, ".")
	for name, bad := range map[string]string{
		"mac":        tok[:len(tok)-2] + flip(tok[len(tok)-2:]),
		"expiry":     id + "." + strings.Replace(rest, ".1", ".2", 1),
		"other id":   frank + "." + rest,
		"truncated":  tok[:len(tok)/2],
		"not a link": "hello",
	} {
		t.Run(name, func(t *testing.T) {
			var e apiError
			m.in(t).do("GET", "/v2/invitations/accept?token="+url.QueryEscape(bad), "", "", http.StatusBadRequest, &e)
			if e.Field != "token" || !strings.Contains(e.Error, "not valid") {
				t.Errorf("tampered link: %+v", e)
			}
		})
	}
	m.do("POST", "/v2/invitations/accept", "", `{"token":"`+tok+`x","name":"D","password":"correct horse battery"}`, http.StatusBadRequest, nil)
}

// flip changes a base64url string's characters.
func flip(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, s)
}

// TestInvitationRules: bad input is a 400 naming the field, duplicates and
// members are conflicts, and granting a role needs the right to grant it.
func TestInvitationRules(t *testing.T) {
	m := newMailAPI(t, false)
	_, bob := m.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	for _, tc := range []struct {
		body  string
		want  int
		field string
	}{
		{`{"email_invited":"nope","permissions":{"api_enabled":true}}`, 400, "email_invited"},
		{`{"email_invited":"x@example.com","role_ids":["bad"]}`, 400, "role_ids"},
		{`{"email_invited":"x@example.com","group_ids":["0193a000-0000-7000-8000-00000000dead"]}`, 400, "group_ids"},
		{`{"email_invited":"x@example.com","colour":"red"}`, 400, "colour"},
		{`{"email_invited":"bob@example.com"}`, 409, "email_invited"},
	} {
		var e apiError
		m.do("POST", "/v2/invitation", m.root, tc.body, tc.want, &e)
		if e.Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.body, e.Field, tc.field)
		}
	}
	m.invite(`{"email_invited":"x@example.com"}`)
	m.do("POST", "/v2/invitation", m.root, `{"email_invited":"X@example.com"}`, http.StatusConflict, nil)

	// Bob may invite, but not grant a role he may not attach.
	var p struct{ ID string }
	m.do("POST", "/v2/policies", m.root, `{"name":"inviter","description":"","policy_document":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.invitation.Create"],"Resource":["*"]}]}}`, http.StatusCreated, &p)
	bobID := m.userID("bob@example.com")
	m.do("POST", "/v2/policies/"+p.ID+"/users/"+bobID, m.root, "", http.StatusNoContent, nil)
	var r struct{ ID string }
	m.do("POST", "/v2/roles", m.root, `{"name":"admin2","description":"","role_type":"assignable","max_session_duration":0}`, http.StatusCreated, &r)
	m.do("POST", "/v2/invitation", bob, `{"email_invited":"y@example.com"}`, http.StatusCreated, nil)
	var e apiError
	m.do("POST", "/v2/invitation", bob, `{"email_invited":"z@example.com","role_ids":["`+r.ID+`"]}`, http.StatusForbidden, &e)
	if !strings.Contains(string(e.Explain), "iam.role.AttachUser") {
		t.Errorf("explanation %s, want iam.role.AttachUser", e.Explain)
	}
}

// TestDevOutbox: with no SMTP server the invitation waits in the outbox,
// link included, for GET /v2/mail; members without iam.mail.List are
// refused.
func TestDevOutbox(t *testing.T) {
	m := newMailAPI(t, false)
	_, bob := m.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	id := m.invite(`{"email_invited":"new@example.com","permissions":{"api_enabled":true}}`)
	var outbox struct {
		Messages []struct {
			State, To, Kind, Text string
			RefID                 string `json:"ref_id"`
		} `json:"messages"`
		Meta struct{ Total int } `json:"meta"`
	}
	m.do("GET", "/v2/mail?per_page=10", m.root, "", http.StatusOK, &outbox)
	if outbox.Meta.Total != 1 || outbox.Messages[0].State != "queued" || outbox.Messages[0].RefID != id {
		t.Fatalf("outbox = %+v", outbox)
	}
	link := linkPattern.FindString(outbox.Messages[0].Text)
	m.accept(link, "", "New", "correct horse battery", http.StatusCreated, nil)
	m.do("GET", "/v2/mail", bob, "", http.StatusForbidden, nil)
}

// userID finds a user of the bootstrap organization by email.
func (a *api) userID(email string) string {
	a.t.Helper()
	var out struct {
		Users []struct{ ID string } `json:"users"`
	}
	a.do("GET", "/v2/users?email="+url.QueryEscape(email), a.root, "", http.StatusOK, &out)
	if len(out.Users) != 1 {
		a.t.Fatalf("no user %s", email)
	}
	return out.Users[0].ID
}

// TestInvitationDeletedOrg: the links of a deleted organization stop
// working.
func TestInvitationDeletedOrg(t *testing.T) {
	m := newMailAPI(t, true)
	orgID, doomedRoot := m.otherOrg("Doomed")
	m.do("POST", "/v2/invitation", doomedRoot, `{"email_invited":"ada@example.com"}`, http.StatusCreated, nil)
	link := m.mailTo(1, "ada@example.com")
	m.open(link, http.StatusOK)
	m.do("DELETE", "/v2/organizations/"+orgID, m.root, "", http.StatusNoContent, nil)
	if e := m.open(link, http.StatusGone); !strings.Contains(e.Error, "was deleted") {
		t.Errorf("link of a deleted organization: %+v", e)
	}
}

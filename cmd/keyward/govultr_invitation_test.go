package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vultr/govultr/v3"

	"github.com/keyward-iam/keyward/keywardtest"
)

var inviteLink = regexp.MustCompile(`http://[^\s']+/invitation\?token=[^\s']+`)

// TestGovultrInvitations drives the invitation endpoints through Vultr's
// client (vultr-api.md §8 step 3: no decode error proves that no bare
// invitation carries a string status) on a server that mails through an
// in-process SMTP server, then follows the mailed link.
func TestGovultrInvitations(t *testing.T) {
	sink := keywardtest.NewSMTPServer(t)
	ts := startServer(t, nil, "--smtp-url", sink.URL, "--smtp-tls", "none", "--smtp-from", "keyward <noreply@keyward.test>")
	ctx := context.Background()
	root, log := newGovultrRoot(t, ts)

	inv, _, err := root.Organization.CreateInvitation(ctx, &govultr.OrganizationInvitationReq{
		Email: "ada@example.com", Permissions: govultr.OrganizationInvitationPermission{APIEnabled: true},
	})
	if err != nil || inv.ID == "" || inv.EmailInvited != "ada@example.com" || inv.OrganizationID == "" ||
		inv.StatusInvite != "pending" || inv.Permissions == nil || !inv.Permissions.APIEnabled || inv.DateExpiration == "" {
		t.Fatalf("CreateInvitation = %+v, %v", inv, err)
	}
	wantStatus(t, log, "CreateInvitation", http.StatusCreated)
	got, _, err := root.Organization.GetInvitation(ctx, inv.ID)
	if err != nil || got.ID != inv.ID || got.InviterEmail != "admin@localhost" || got.OrganizationName == "" {
		t.Fatalf("GetInvitation = %+v, %v", got, err)
	}
	list, meta, _, err := root.Organization.ListInvitations(ctx, &govultr.ListOptions{PerPage: 5})
	if err != nil || len(list) != 1 || list[0].ID != inv.ID || list[0].Status != "pending" || meta == nil || meta.Total != 1 || meta.Links == nil {
		t.Fatalf("ListInvitations = %+v, %+v, %v", list, meta, err)
	}
	resent, _, err := root.Organization.ResendInvitation(ctx, inv.ID)
	if err != nil || resent.ID != inv.ID || resent.StatusInvite != "pending" {
		t.Fatalf("ResendInvitation = %+v, %v", resent, err)
	}
	wantStatus(t, log, "ResendInvitation", http.StatusOK)
	if _, _, err := root.Organization.GetInvitation(ctx, "00000000-0000-7000-8000-000000000000"); err == nil {
		t.Fatal("GetInvitation(unknown) succeeded")
	}
	wantStatus(t, log, "GetInvitation(unknown)", http.StatusNotFound)

	// The server's sender mailed both links; only the second works.
	msgs := sink.Wait(t, 2, 20*time.Second)
	first, second := inviteLink.FindString(msgs[0].Body), inviteLink.FindString(msgs[1].Body)
	if first == "" || second == "" || first == second || !strings.HasPrefix(second, ts.URL) {
		t.Fatalf("links %q and %q, want two different links to %s", first, second, ts.URL)
	}
	if status, _ := acceptLink(t, first); status != http.StatusGone {
		t.Errorf("the link a resend replaced answered %d, want 410", status)
	}
	status, key := acceptLink(t, second)
	if status != http.StatusCreated || key == "" {
		t.Fatalf("accepting the mailed link answered %d, key %q", status, key)
	}
	ada := newGovultr(t, ts, key, log)
	if _, _, _, err := ada.Organization.ListInvitations(ctx, nil); err == nil {
		t.Error("a new member without policies listed invitations")
	}
	got, _, err = root.Organization.GetInvitation(ctx, inv.ID)
	if err != nil || got.StatusInvite != "accepted" || got.EmailRegistered != "ada@example.com" || got.DateResponded == "" {
		t.Fatalf("GetInvitation after acceptance = %+v, %v", got, err)
	}
}

// acceptLink accepts link as a new account and returns the status and the
// API key.
func acceptLink(t *testing.T, link string) (int, string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"token": u.Query().Get("token"), "name": "Ada", "password": "correct horse battery"})
	res, err := http.Post(u.Scheme+"://"+u.Host+"/v2/invitations/accept", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out struct {
		User struct {
			APIKey string `json:"api_key"`
		} `json:"user"`
	}
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out.User.APIKey
}

// TestDevOutboxLogged: with no SMTP server the server says where mail
// goes.
func TestDevOutboxLogged(t *testing.T) {
	ts := startServer(t, nil)
	// Log lines reach stderr through a background writer: wait for it.
	waitFor(t, "the log line saying where mail goes", func() bool { return strings.Contains(ts.logs.String(), "development outbox") })
}

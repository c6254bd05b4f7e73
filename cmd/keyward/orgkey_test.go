package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyward-iam/keyward/api/client"
)

// TestOrganizationAPIKey mints a key for a second organization with
// POST /v2/organizations/{id}/api-keys and works there with it: the key acts
// in that organization only, and its changes are audited there.
func TestOrganizationAPIKey(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	root := newClient(t, ts, ts.Token)
	rootID := currentUserID(t, root)
	home := homeOrg(t, root)

	or, err := root.CreateOrganizationWithResponse(ctx, client.OrganizationReq{Name: "Second", Type: ptr(client.OrganizationType("business"))})
	expect(t, "CreateOrganization", or, err, http.StatusCreated)
	org2 := or.JSON201.ID

	// Bad requests first: they change nothing.
	kr, err := root.CreateOrganizationAPIKeyWithResponse(ctx, org2, client.APIKeyReq{ExpiresAt: ptr(time.Now().Add(-time.Minute))})
	expectError(t, "org key with a past expiry", kr, err, http.StatusBadRequest, "expires_at")
	kr, err = root.CreateOrganizationAPIKeyWithResponse(ctx, uuid.Must(uuid.NewV7()), client.APIKeyReq{})
	expectError(t, "org key in an unknown organization", kr, err, http.StatusNotFound, "")

	kr, err = root.CreateOrganizationAPIKeyWithResponse(ctx, org2, client.APIKeyReq{Name: ptr("second")}, withRequestID("mint-org2"))
	expect(t, "CreateOrganizationAPIKey", kr, err, http.StatusCreated)
	k := kr.JSON201.APIKey
	if k.OrgID != org2 || k.UserID != rootID || k.Name != "second" || k.Status != "active" || k.Key == nil {
		t.Fatalf("CreateOrganizationAPIKey = %+v; want an active key of %s in %s with its secret", k, rootID, org2)
	}

	// The key acts in the second organization.
	second := newClient(t, ts, *k.Key)
	who, err := second.GetCurrentUserWithResponse(ctx)
	expect(t, "GetCurrentUser with the org key", who, err, http.StatusOK)
	if u := who.JSON200.User; u.ID != rootID || u.Kind != "root_owner" {
		t.Fatalf("the org key acts as %s (%s), want the root owner %s", u.ID, u.Kind, rootID)
	}
	users, err := second.ListUsersWithResponse(ctx, nil)
	expect(t, "ListUsers in org 2", users, err, http.StatusOK)
	if n := users.JSON200.Meta.Total; n != 1 {
		t.Fatalf("org 2 has %d users, want only its root owner", n)
	}
	ur, err := second.CreateUserWithResponse(ctx, client.UserReq{Name: ptr("bot"), ServiceUser: ptr(true)})
	expect(t, "CreateUser in org 2", ur, err, http.StatusCreated)
	bot, botToken := ur.JSON201.User.ID, *ur.JSON201.User.APIKey

	// What lives in one organization is not visible from the other.
	gu, err := root.GetUserWithResponse(ctx, bot)
	expectError(t, "home key reads org 2's user", gu, err, http.StatusNotFound, "")
	homeUsers, err := root.ListUsersWithResponse(ctx, nil)
	expect(t, "ListUsers at home", homeUsers, err, http.StatusOK)
	if n := homeUsers.JSON200.Meta.Total; n != 1 {
		t.Errorf("home has %d users, want 1", n)
	}

	// A service user belongs to one organization and mints no org keys;
	// a member of the home organization only is not told org 2 exists.
	botClient := newClient(t, ts, botToken)
	kr, err = botClient.CreateOrganizationAPIKeyWithResponse(ctx, home, client.APIKeyReq{})
	expectError(t, "service user mints a key elsewhere", kr, err, http.StatusNotFound, "")
	ar, err := root.CreateUserWithResponse(ctx, client.UserReq{Email: ptr("ada@example.com"), APIEnabled: ptr(true)})
	expect(t, "CreateUser Ada", ar, err, http.StatusCreated)
	kr, err = newClient(t, ts, *ar.JSON201.User.APIKey).CreateOrganizationAPIKeyWithResponse(ctx, org2, client.APIKeyReq{})
	expectError(t, "non-member mints a key in org 2", kr, err, http.StatusNotFound, "")

	// Org 2's audit trail has its creation, the key and the service user.
	ev, err := second.ListAuditEventsWithResponse(ctx, nil)
	expect(t, "ListAuditEvents in org 2", ev, err, http.StatusOK)
	var got []string
	for _, e := range ev.JSON200.AuditEvents {
		got = append(got, e.Action+" "+e.TargetID)
	}
	want := []string{
		"iam.apikey.Create " + keyIDOf(t, botToken),
		"iam.user.Create " + bot.String(),
		"iam.apikey.Create " + k.ID.String(),
		"iam.organization.Create " + org2.String(),
	}
	if len(got) != len(want) {
		t.Fatalf("org 2 audit = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("org 2 audit = %q, want %q", got, want)
		}
	}
	if e := ev.JSON200.AuditEvents[2]; e.RequestID != "mint-org2" || e.ActorID != rootID.String() {
		t.Errorf("org key event = %+v; want request mint-org2 by %s", e, rootID)
	}
	// ... and the home trail does not.
	homeEv, err := root.ListAuditEventsWithResponse(ctx, &client.ListAuditEventsParams{TargetID: ptr(k.ID.String())})
	expect(t, "ListAuditEvents at home", homeEv, err, http.StatusOK)
	if n := len(homeEv.JSON200.AuditEvents); n != 0 {
		t.Errorf("the home audit trail has %d events about org 2's key, want 0", n)
	}
}

// currentUserID returns the ID of the user whose key c holds.
func currentUserID(t *testing.T, c *client.ClientWithResponses) uuid.UUID {
	t.Helper()
	me, err := c.GetCurrentUserWithResponse(context.Background())
	expect(t, "GetCurrentUser", me, err, http.StatusOK)
	return me.JSON200.User.ID
}

// homeOrg returns the ID of the one organization c's account belongs to.
func homeOrg(t *testing.T, c *client.ClientWithResponses) uuid.UUID {
	t.Helper()
	r, err := c.ListOrganizationsWithResponse(context.Background(), nil)
	expect(t, "ListOrganizations", r, err, http.StatusOK)
	if len(r.JSON200.Orgs) != 1 {
		t.Fatalf("ListOrganizations = %+v, want one organization", r.JSON200.Orgs)
	}
	return r.JSON200.Orgs[0].ID
}

package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyward-iam/keyward/api/client"
)

// TestAPIKeys drives a user's API keys through the generated client against
// the real server: create with name and expiry, list (never the secret),
// get, revoke (401 at once), expire (401); then checks that each of those
// changes is in the audit trail exactly as it happened.
func TestAPIKeys(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	root := newClient(t, ts, ts.Token)
	rootKeyID := keyIDOf(t, ts.Token)
	rootID := currentUserID(t, root)
	start := time.Now()
	var events []wantEvent // in the order they happen

	// A user created with API access gets a first key.
	ur, err := root.CreateUserWithResponse(ctx, client.UserReq{Email: ptr("ada@example.com"), Name: ptr("Ada"), APIEnabled: ptr(true)})
	expect(t, "CreateUser", ur, err, http.StatusCreated)
	ada, adaToken := ur.JSON201.User.ID, *ur.JSON201.User.APIKey
	rid := requestID(t, ur.HTTPResponse)
	events = append(events,
		wantEvent{"iam.user.Create", "user", ada.String(), rid, false, true},
		wantEvent{"iam.apikey.Create", "api_key", keyIDOf(t, adaToken), rid, false, true})

	// Extra keys: one named, one with an expiry, one about to expire.
	created := map[string]*client.APIKey{}
	yearly := time.Now().Add(365 * 24 * time.Hour).UTC().Truncate(time.Second)
	// Whole seconds, because date_expire shows whole seconds.
	soon := time.Now().Add(2 * time.Second).UTC().Truncate(time.Second)
	for _, k := range []struct {
		name   string
		expiry *time.Time
	}{{"ci", nil}, {"yearly", &yearly}, {"short", &soon}} {
		r, err := root.CreateAPIKeyWithResponse(ctx, ada, client.APIKeyReq{Name: ptr(k.name), ExpiresAt: k.expiry})
		expect(t, "CreateAPIKey "+k.name, r, err, http.StatusCreated)
		got := r.JSON201.APIKey
		if got.Name != k.name || got.UserID != ada || got.Status != "active" || got.DateRevoked != "" || got.DateCreated.IsZero() ||
			got.Key == nil || !strings.HasPrefix(*got.Key, "kw_"+got.ID.String()+"_") {
			t.Fatalf("CreateAPIKey %s = %+v", k.name, got)
		}
		if wantExp := ""; k.expiry == nil && got.DateExpire != wantExp {
			t.Errorf("CreateAPIKey %s: date_expire = %q, want %q", k.name, got.DateExpire, wantExp)
		}
		if k.expiry != nil {
			if exp, err := time.Parse(time.RFC3339, got.DateExpire); err != nil || !exp.Equal(*k.expiry) {
				t.Errorf("CreateAPIKey %s: date_expire = %q, want %s", k.name, got.DateExpire, k.expiry)
			}
		}
		created[k.name] = &got
		events = append(events, wantEvent{"iam.apikey.Create", "api_key", got.ID.String(), requestID(t, r.HTTPResponse), false, true})
	}
	ci, short := created["ci"], created["short"]

	// Bad input is a 400 naming the field, and changes nothing.
	for _, tt := range []struct {
		name  string
		req   client.APIKeyReq
		field string
	}{
		{"expiry in the past", client.APIKeyReq{ExpiresAt: ptr(time.Now().Add(-time.Hour))}, "expires_at"},
		{"name too long", client.APIKeyReq{Name: ptr(strings.Repeat("n", 201))}, "name"},
	} {
		r, err := root.CreateAPIKeyWithResponse(ctx, ada, tt.req)
		expectError(t, "CreateAPIKey "+tt.name, r, err, http.StatusBadRequest, tt.field)
	}
	r404, err := root.CreateAPIKeyWithResponse(ctx, uuid.Must(uuid.NewV7()), client.APIKeyReq{})
	expectError(t, "CreateAPIKey for an unknown user", r404, err, http.StatusNotFound, "")

	// The new key works.
	ciClient := newClient(t, ts, *ci.Key)
	who, err := ciClient.GetCurrentUserWithResponse(ctx)
	expect(t, "GetCurrentUser with the ci key", who, err, http.StatusOK)
	if who.JSON200.User.ID != ada {
		t.Fatalf("the ci key acts as %s, want Ada %s", who.JSON200.User.ID, ada)
	}

	// Listing pages through every key and never shows a secret.
	var listed []client.APIKey
	var cursor *string
	for page := 1; ; page++ {
		lr, err := root.ListAPIKeysWithResponse(ctx, ada, &client.ListAPIKeysParams{PerPage: ptr(3), Cursor: cursor})
		expect(t, "ListAPIKeys", lr, err, http.StatusOK)
		if strings.Contains(string(lr.Body), `"key"`) || strings.Contains(string(lr.Body), "kw_") {
			t.Fatalf("ListAPIKeys page %d shows a secret: %s", page, lr.Body)
		}
		if lr.JSON200.Meta.Total != 4 {
			t.Errorf("ListAPIKeys page %d: meta.total = %d, want 4", page, lr.JSON200.Meta.Total)
		}
		listed = append(listed, lr.JSON200.APIKeys...)
		if lr.JSON200.Meta.Links.Next == "" {
			break
		}
		if page == 5 {
			t.Fatal("ListAPIKeys does not end")
		}
		cursor = ptr(lr.JSON200.Meta.Links.Next)
	}
	seen := map[uuid.UUID]bool{}
	for _, k := range listed {
		seen[k.ID] = true
	}
	if len(listed) != 4 || len(seen) != 4 {
		t.Fatalf("ListAPIKeys listed %d keys (%d distinct), want 4: %+v", len(listed), len(seen), listed)
	}

	// Get shows the key without its secret.
	gr, err := root.GetAPIKeyWithResponse(ctx, ada, ci.ID)
	expect(t, "GetAPIKey", gr, err, http.StatusOK)
	if g := gr.JSON200.APIKey; g.ID != ci.ID || g.Name != "ci" || g.Key != nil || g.Status != "active" {
		t.Fatalf("GetAPIKey = %+v", g)
	}
	if r, err := root.GetAPIKeyWithResponse(ctx, rootID, ci.ID); err != nil || r.StatusCode() != http.StatusNotFound {
		t.Fatalf("GetAPIKey under another user: %v, %v; want 404", r.StatusCode(), err)
	}

	// A member without IAM permissions cannot manage keys.
	adaClient := newClient(t, ts, adaToken)
	fr, err := adaClient.ListAPIKeysWithResponse(ctx, rootID, nil)
	expectError(t, "Ada lists the root owner's keys", fr, err, http.StatusForbidden, "")

	// Revoking works at once, and again changes nothing.
	rr, err := root.DeleteAPIKeyWithResponse(ctx, ada, ci.ID, withRequestID("e2e-revoke-ci"))
	expect(t, "DeleteAPIKey", rr, err, http.StatusNoContent)
	events = append(events, wantEvent{"iam.apikey.Delete", "api_key", ci.ID.String(), "e2e-revoke-ci", true, true})
	who, err = ciClient.GetCurrentUserWithResponse(ctx)
	expectError(t, "the revoked key", who, err, http.StatusUnauthorized, "")
	rr, err = root.DeleteAPIKeyWithResponse(ctx, ada, ci.ID)
	expect(t, "DeleteAPIKey again", rr, err, http.StatusNoContent)
	gr, err = root.GetAPIKeyWithResponse(ctx, ada, ci.ID)
	expect(t, "GetAPIKey revoked", gr, err, http.StatusOK)
	if g := gr.JSON200.APIKey; g.Status != "revoked" || g.DateRevoked == "" {
		t.Fatalf("GetAPIKey of the revoked key = %+v", g)
	}

	// An expired key is refused.
	shortClient := newClient(t, ts, *short.Key)
	if time.Until(soon) > 500*time.Millisecond { // only if there is time to ask before it expires
		who, err = shortClient.GetCurrentUserWithResponse(ctx)
		expect(t, "the short key before it expires", who, err, http.StatusOK)
	}
	time.Sleep(time.Until(soon) + 10*time.Millisecond)
	who, err = shortClient.GetCurrentUserWithResponse(ctx)
	expectError(t, "the expired key", who, err, http.StatusUnauthorized, "")
	gr, err = root.GetAPIKeyWithResponse(ctx, ada, short.ID)
	expect(t, "GetAPIKey expired", gr, err, http.StatusOK)
	if g := gr.JSON200.APIKey; g.Status != "expired" {
		t.Fatalf("GetAPIKey of the expired key: status %q, want expired", g.Status)
	}
	// Ada's first key still works.
	who, err = adaClient.GetCurrentUserWithResponse(ctx)
	expect(t, "Ada's first key", who, err, http.StatusOK)

	checkAuditTrail(t, root, start, rootID, rootKeyID, events, []string{adaToken, *ci.Key, *short.Key, *created["yearly"].Key})
}

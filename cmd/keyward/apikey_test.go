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

// wantEvent is an audit event a test expects, newest first.
type wantEvent struct {
	action, targetType, targetID, requestID string
	before, after                           bool // whether the event carries them
}

// TestAPIKeys drives a user's API keys through the generated client against
// the real server: create with name and expiry, list (never the secret),
// get, revoke (401 at once), expire (401); then checks that each of those
// changes is in the audit trail exactly as it happened.
func TestAPIKeys(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	root := newClient(t, ts, ts.Token)
	rootKeyID := keyIDOf(t, ts.Token)
	me, err := root.GetCurrentUserWithResponse(ctx)
	expect(t, "GetCurrentUser", me, err, http.StatusOK)
	rootID := me.JSON200.User.ID
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

// checkAuditTrail checks that the audit trail since start holds exactly
// want (oldest first), by actor and key, with the request's ID and source
// IP; that no secret shows in it; and that its filters and paging work.
func checkAuditTrail(t *testing.T, c *client.ClientWithResponses, start time.Time, actor uuid.UUID, keyID string, want []wantEvent, secrets []string) {
	t.Helper()
	ctx := context.Background()
	list := func(what string, p client.ListAuditEventsParams) []client.AuditEvent {
		t.Helper()
		r, err := c.ListAuditEventsWithResponse(ctx, &p)
		expect(t, what, r, err, http.StatusOK)
		for _, s := range secrets {
			if strings.Contains(string(r.Body), s) {
				t.Fatalf("%s: the audit trail shows a secret: %s", what, r.Body)
			}
		}
		return r.JSON200.AuditEvents
	}

	got := list("ListAuditEvents since start", client.ListAuditEventsParams{Since: &start})
	if len(got) != len(want) {
		t.Fatalf("ListAuditEvents since start: %d events, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		e := got[len(got)-1-i] // newest first
		if e.Action != w.action || e.TargetType != w.targetType || e.TargetID != w.targetID || e.RequestID != w.requestID ||
			e.ActorType != "user" || e.ActorID != actor.String() || e.ActorKeyID != keyID || e.SourceIP != "127.0.0.1" ||
			(e.Before != nil) != w.before || (e.After != nil) != w.after || e.Time.Before(start.Truncate(time.Microsecond)) {
			t.Errorf("event %d = %+v\nwant %+v by %s with key %s from 127.0.0.1", i, e, w, actor, keyID)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	// The revocation records the key before and after.
	last := got[0]
	if (*last.Before)["revoked_at"] != nil || (*last.After)["revoked_at"] == nil || (*last.After)["name"] != "ci" {
		t.Errorf("revocation event before %v, after %v; want revoked_at null, then set", *last.Before, *last.After)
	}
	if u := got[len(got)-1]; (*u.After)["email"] != "ada@example.com" {
		t.Errorf("user creation event after = %v, want Ada's email", *u.After)
	}

	ids := func(events []client.AuditEvent) []uuid.UUID {
		out := make([]uuid.UUID, len(events))
		for i, e := range events {
			out[i] = e.ID
		}
		return out
	}
	same := func(what string, got, want []client.AuditEvent) {
		t.Helper()
		g, w := ids(got), ids(want)
		if len(g) != len(w) {
			t.Errorf("%s: %d events %v, want %d %v", what, len(g), g, len(w), w)
			return
		}
		for i := range g {
			if g[i] != w[i] {
				t.Errorf("%s: events %v, want %v", what, g, w)
				return
			}
		}
	}
	revoke, keyCreates := got[0], got[1:len(got)-1]
	nobody := uuid.Must(uuid.NewV7())
	filters := []struct {
		name string
		p    client.ListAuditEventsParams
		want []client.AuditEvent
	}{
		{"actor", client.ListAuditEventsParams{ActorID: &actor, Since: &start}, got},
		{"other actor", client.ListAuditEventsParams{ActorID: &nobody}, nil},
		{"action", client.ListAuditEventsParams{Action: ptr("iam.apikey.Delete")}, []client.AuditEvent{revoke}},
		{"action and since", client.ListAuditEventsParams{Action: ptr("iam.apikey.Create"), Since: &start}, keyCreates},
		{"target", client.ListAuditEventsParams{TargetID: ptr(revoke.TargetID)}, []client.AuditEvent{revoke, got[len(got)-3]}},
		// since is inclusive and until exclusive.
		{"time range", client.ListAuditEventsParams{Since: &got[3].Time, Until: &got[1].Time}, got[2:4]},
		{"since the last", client.ListAuditEventsParams{Since: &revoke.Time}, got[:1]},
	}
	for _, f := range filters {
		same("filter "+f.name, list("ListAuditEvents "+f.name, f.p), f.want)
	}
	r, err := c.ListAuditEventsWithResponse(ctx, &client.ListAuditEventsParams{Since: &revoke.Time, Until: &revoke.Time})
	expectError(t, "ListAuditEvents until = since", r, err, http.StatusBadRequest, "until")

	// Paging with cursors, forward and back.
	var paged []client.AuditEvent
	var pages []client.Meta
	p := client.ListAuditEventsParams{Since: &start, PerPage: ptr(2)}
	for len(pages) < 10 {
		r, err := c.ListAuditEventsWithResponse(ctx, &p)
		expect(t, "ListAuditEvents page", r, err, http.StatusOK)
		paged = append(paged, r.JSON200.AuditEvents...)
		pages = append(pages, r.JSON200.Meta)
		if r.JSON200.Meta.Total != len(got) {
			t.Errorf("page %d: meta.total = %d, want %d", len(pages), r.JSON200.Meta.Total, len(got))
		}
		if r.JSON200.Meta.Links.Next == "" {
			break
		}
		p.Cursor = ptr(r.JSON200.Meta.Links.Next)
	}
	same("paged by 2", paged, got)
	if n := (len(got) + 1) / 2; len(pages) != n || pages[0].Links.Prev != "" {
		t.Fatalf("paging %d events by 2 took %d pages (first prev %q), want %d", len(got), len(pages), pages[0].Links.Prev, n)
	}
	p.Cursor = ptr(pages[1].Links.Prev)
	same("the page before page 2", list("ListAuditEvents prev", p), got[:2])
}

func ptr[T any](v T) *T { return &v }

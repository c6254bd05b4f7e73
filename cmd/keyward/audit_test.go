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
	obj := func(v any) map[string]any { m, _ := v.(map[string]any); return m }
	if obj(last.Before)["revoked_at"] != nil || obj(last.After)["revoked_at"] == nil || obj(last.After)["name"] != "ci" {
		t.Errorf("revocation event before %v, after %v; want revoked_at null, then set", last.Before, last.After)
	}
	if u := got[len(got)-1]; obj(u.After)["email"] != "ada@example.com" {
		t.Errorf("user creation event after = %v, want Ada's email", u.After)
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

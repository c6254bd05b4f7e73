package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAuditTrailShowsOnlyWhatTheReaderMayRead: a member that may list the
// audit trail but not read users learns that a user was created, not its
// email; one that may read users sees it all.
func TestAuditTrailShowsOnlyWhatTheReaderMayRead(t *testing.T) {
	a := newAPI(t)
	_, auditor := a.member("auditor@example.com", "iam.auditevent.List")
	_, reader := a.member("reader@example.com", "iam.auditevent.List", "iam.user.Read")
	secret, _ := a.createUser(`{"email":"secret@example.com","name":"Secret Agent"}`)
	type events struct {
		Events []struct {
			Action   string          `json:"action"`
			TargetID string          `json:"target_id"`
			After    json.RawMessage `json:"after"`
			Redacted bool            `json:"redacted"`
		} `json:"audit_events"`
	}
	for _, tc := range []struct {
		name, token string
		redacted    bool
	}{{"auditor", auditor, true}, {"reader", reader, false}, {"root", a.root, false}} {
		var got events
		a.do("GET", "/v2/audit-events?action=iam.user.Create", tc.token, "", http.StatusOK, &got)
		if len(got.Events) != 3 {
			t.Fatalf("%s: %d events, want 3", tc.name, len(got.Events))
		}
		for _, e := range got.Events {
			if e.TargetID != secret {
				continue
			}
			leaked := strings.Contains(string(e.After), "secret@example.com")
			if e.Redacted != tc.redacted || leaked == tc.redacted {
				t.Errorf("%s: event on %s: redacted %v, after %s; want redacted %v", tc.name, e.TargetID, e.Redacted, e.After, tc.redacted)
			}
		}
	}
}

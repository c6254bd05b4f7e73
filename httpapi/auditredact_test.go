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

// TestRefusalsAreAudited: a refused call of an authenticated caller is
// recorded, apart from the changes: listed with refusals=true, with the
// refused action, the route and the explanation.
func TestRefusalsAreAudited(t *testing.T) {
	a := newAPI(t)
	eve, key := a.member("eve@example.com")
	a.do("DELETE", "/v2/users/"+a.rootID(), key, "", http.StatusForbidden, nil)
	var got struct {
		Events []struct {
			Action     string          `json:"action"`
			ActorID    string          `json:"actor_id"`
			TargetType string          `json:"target_type"`
			TargetID   string          `json:"target_id"`
			After      json.RawMessage `json:"after"`
		} `json:"audit_events"`
	}
	a.do("GET", "/v2/audit-events?refusals=true", a.root, "", http.StatusOK, &got)
	if len(got.Events) != 1 {
		t.Fatalf("%d refusals, want 1: %+v", len(got.Events), got.Events)
	}
	e := got.Events[0]
	if e.Action != "iam.user.Delete" || e.ActorID != eve || e.TargetType != "refusal" || e.TargetID != "DELETE /v2/users/{user_id}" ||
		!strings.Contains(string(e.After), "implicit_deny") {
		t.Errorf("refusal event %+v %s", e, e.After)
	}
	a.do("GET", "/v2/audit-events?action=iam.user.Delete", a.root, "", http.StatusOK, &got)
	if len(got.Events) != 0 {
		t.Errorf("the changes list a refusal: %+v", got.Events)
	}
	a.do("GET", "/v2/audit-events?refusals=maybe", a.root, "", http.StatusBadRequest, nil)
}

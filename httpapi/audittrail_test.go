package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// auditEvent is what the tests read of an audit event.
type auditEvent struct {
	Action     string          `json:"action"`
	TargetID   string          `json:"target_id"`
	ActorType  string          `json:"actor_type"`
	ActorChain []string        `json:"actor_chain"`
	After      json.RawMessage `json:"after"`
}

// auditEvents returns the organization's audit trail as token reads it,
// newest first, up to 500 events.
func (a *api) auditEvents(token string) []auditEvent {
	a.t.Helper()
	var out struct {
		Events []auditEvent `json:"audit_events"`
	}
	a.do("GET", "/v2/audit-events?per_page=500", token, "", http.StatusOK, &out)
	return out.Events
}

// auditActions returns the actions of the trail's events whose action
// starts with prefix, oldest first.
func (a *api) auditActions(prefix string) []string {
	a.t.Helper()
	var actions []string
	for _, ev := range a.auditEvents(a.root) {
		if strings.HasPrefix(ev.Action, prefix) {
			actions = append(actions, ev.Action)
		}
	}
	slices.Reverse(actions)
	return actions
}

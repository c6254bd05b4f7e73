package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/keyward-iam/keyward"
)

type auditEventJSON struct {
	ID         string          `json:"id"`
	Time       string          `json:"time"`
	ActorType  string          `json:"actor_type"`
	ActorID    string          `json:"actor_id"`
	ActorKeyID string          `json:"actor_key_id"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"request_id"`
	SourceIP   string          `json:"source_ip"`
	// SessionID and ActorChain are set for an action taken through a role
	// session: the chain runs from the account to the session.
	SessionID  string   `json:"session_id,omitempty"`
	ActorChain []string `json:"actor_chain,omitempty"`
	// Redacted: the reader may not read the object, so before and after
	// are withheld.
	Redacted bool `json:"redacted,omitempty"`
}

func rawOrNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

func toAuditEventJSON(e *keyward.AuditEvent) auditEventJSON {
	return auditEventJSON{
		ID: string(e.ID), Time: e.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), ActorType: e.ActorType,
		ActorID: string(e.ActorID), ActorKeyID: string(e.ActorKeyID), Action: e.Action, TargetType: e.TargetType,
		TargetID: e.TargetID, Before: rawOrNull(e.Before), After: rawOrNull(e.After), RequestID: e.RequestID,
		SourceIP: e.SourceIP, SessionID: string(e.SessionID), ActorChain: e.ActorChain, Redacted: e.Redacted,
	}
}

func (s *server) handleListAuditEvents() http.Handler {
	return listHandler(s, "audit_events", nil, func(r *http.Request, _ string, page keyward.Page) ([]auditEventJSON, keyward.PageInfo, error) {
		f, err := auditFilterOf(r, page)
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		switch r.URL.Query().Get("refusals") {
		case "", "false":
		case "true":
			f.Refusals = true
		default:
			return nil, keyward.PageInfo{}, keyward.FieldError("refusals", "refusals must be true or false.")
		}
		events, info, err := s.svc.ListAuditEvents(r.Context(), f)
		return jsons(events, toAuditEventJSON), info, err
	})
}

// auditFilterOf reads the filters every audit listing takes: actor_id,
// action, target_id, since and until.
func auditFilterOf(r *http.Request, page keyward.Page) (keyward.AuditFilter, error) {
	q := r.URL.Query()
	f := keyward.AuditFilter{ActorID: keyward.UserID(q.Get("actor_id")), Action: q.Get("action"), TargetID: q.Get("target_id"), Page: page}
	var err error
	if f.Since, err = parseTimeParam("since", q.Get("since")); err != nil {
		return f, err
	}
	f.Until, err = parseTimeParam("until", q.Get("until"))
	return f, err
}

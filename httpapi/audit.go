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
}

func rawOrNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

func (s *server) handleListAuditEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		q := r.URL.Query()
		f := keyward.AuditFilter{ActorID: keyward.UserID(q.Get("actor_id")), Action: q.Get("action"), TargetID: q.Get("target_id"), Page: page}
		if f.Since, err = parseTimeParam("since", q.Get("since")); err != nil {
			s.writeError(w, r, err)
			return
		}
		if f.Until, err = parseTimeParam("until", q.Get("until")); err != nil {
			s.writeError(w, r, err)
			return
		}
		events, info, err := s.svc.ListAuditEvents(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := make([]auditEventJSON, len(events))
		for i, e := range events {
			out[i] = auditEventJSON{
				ID: string(e.ID), Time: e.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), ActorType: e.ActorType,
				ActorID: string(e.ActorID), ActorKeyID: string(e.ActorKeyID), Action: e.Action, TargetType: e.TargetType,
				TargetID: e.TargetID, Before: rawOrNull(e.Before), After: rawOrNull(e.After), RequestID: e.RequestID,
				SourceIP: e.SourceIP,
			}
		}
		writeJSON(w, http.StatusOK, struct {
			AuditEvents []auditEventJSON `json:"audit_events"`
			Meta        meta             `json:"meta"`
		}{out, metaOf(info)})
	})
}

package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
)

// mailJSON is one outbox message. state is queued, sent or failed.
type mailJSON struct {
	ID          string `json:"id"`
	To          string `json:"to"`
	Subject     string `json:"subject"`
	Text        string `json:"text"`
	Kind        string `json:"kind"`
	RefID       string `json:"ref_id"`
	State       string `json:"state"`
	Attempts    int    `json:"attempts"`
	LastError   string `json:"last_error"`
	DateCreated string `json:"date_created"`
	DateSent    string `json:"date_sent"`
	NextAttempt string `json:"next_attempt"`
}

func toMailJSON(m *keyward.MailMessage) mailJSON {
	j := mailJSON{
		ID: string(m.ID), To: m.To, Subject: m.Subject, Text: m.Text, Kind: m.Kind, RefID: m.RefID, State: "queued",
		Attempts: m.Attempts, LastError: m.LastError, DateCreated: timeJSON(&m.CreatedAt), DateSent: timeJSON(m.SentAt),
	}
	switch {
	case m.SentAt != nil:
		j.State = "sent"
	case m.FailedAt != nil:
		j.State = "failed"
	default:
		j.NextAttempt = timeJSON(&m.NextAttempt)
	}
	return j
}

func (s *server) handleListMail() http.Handler {
	return listHandler(s, "messages", nil, func(r *http.Request, _ string, page keyward.Page) ([]mailJSON, keyward.PageInfo, error) {
		msgs, info, err := s.svc.ListMail(r.Context(), keyward.MailFilter{To: r.URL.Query().Get("to"), Page: page})
		return jsons(msgs, toMailJSON), info, err
	})
}

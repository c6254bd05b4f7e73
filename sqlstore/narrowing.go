package sqlstore

import (
	"encoding/json"

	"github.com/keyward-iam/keyward"
)

// A role session's named session policies and carried narrowing are JSON
// arrays in role_sessions.session_policies and role_sessions.narrowing
// (migration 00008). These are their stored forms: the JSON is the
// schema, so its field names never change with the Go types.

type storedDocument struct {
	PolicyID string          `json:"policy_id,omitempty"`
	Name     string          `json:"name,omitempty"`
	Document json.RawMessage `json:"document"`
}

type storedLayer struct {
	Source    string           `json:"source"`
	Documents []storedDocument `json:"documents"`
}

// toSessionDocuments is ds as stored, [] when there are none.
func toSessionDocuments(ds []keyward.SessionDocument) []storedDocument {
	out := make([]storedDocument, len(ds))
	for i, d := range ds {
		out[i] = storedDocument{PolicyID: string(d.PolicyID), Name: d.Name, Document: d.Document}
	}
	return out
}

// fromSessionDocuments reads stored documents, nil when there are none.
func fromSessionDocuments(raw string) ([]keyward.SessionDocument, error) {
	var ss []storedDocument
	if err := json.Unmarshal([]byte(raw), &ss); err != nil || len(ss) == 0 {
		return nil, err
	}
	return sessionDocuments(ss), nil
}

func sessionDocuments(ss []storedDocument) []keyward.SessionDocument {
	out := make([]keyward.SessionDocument, len(ss))
	for i, s := range ss {
		out[i] = keyward.SessionDocument{PolicyID: keyward.PolicyID(s.PolicyID), Name: s.Name, Document: s.Document}
	}
	return out
}

// toNarrowing is ls as stored, [] when there are none.
func toNarrowing(ls []keyward.NarrowingLayer) []storedLayer {
	out := make([]storedLayer, len(ls))
	for i, l := range ls {
		out[i] = storedLayer{Source: l.Source, Documents: toSessionDocuments(l.Documents)}
	}
	return out
}

// fromNarrowing reads stored layers, nil when there are none.
func fromNarrowing(raw string) ([]keyward.NarrowingLayer, error) {
	var ss []storedLayer
	if err := json.Unmarshal([]byte(raw), &ss); err != nil || len(ss) == 0 {
		return nil, err
	}
	out := make([]keyward.NarrowingLayer, len(ss))
	for i, s := range ss {
		out[i] = keyward.NarrowingLayer{Source: s.Source, Documents: sessionDocuments(s.Documents)}
	}
	return out, nil
}

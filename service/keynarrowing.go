package service

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/keyward-iam/keyward"
)

// keyNarrowing returns the narrowing document of a new key (nil for none)
// and, when it was given as a grid, the grid. A grid that grants nothing
// narrows the key to nothing: it is refused, since such a key could do
// nothing at all.
func (s *Service) keyNarrowing(in APIKeyInput) (doc, grid json.RawMessage, err error) {
	hasPolicy := len(in.Policy) > 0 && string(in.Policy) != "null"
	switch {
	case hasPolicy && in.Grid != nil:
		return nil, nil, keyward.FieldError("grid", "Give policy or grid, not both.")
	case hasPolicy:
		doc, err := s.parseDocument(in.Policy)
		var e *keyward.Error
		if errors.As(err, &e) && strings.HasPrefix(e.Field, "policy_document") {
			c := *e
			c.Field = "policy" + strings.TrimPrefix(e.Field, "policy_document")
			c.Message = strings.ReplaceAll(c.Message, "policy_document", "policy")
			return nil, nil, &c
		}
		return doc, nil, err
	case in.Grid != nil:
		grid, doc, err := s.parseGrid("grid", in.Grid)
		if err != nil {
			return nil, nil, err
		}
		if string(doc) == "null" {
			return nil, nil, keyward.FieldError("grid", "The grid grants nothing; a key narrowed to it could do nothing.")
		}
		return doc, grid, nil
	}
	return nil, nil, nil
}

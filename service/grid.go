package service

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// parseGrid validates a grid given in the field named field and returns it
// in canonical JSON with the policy document it generates (JSON null when
// it grants nothing). A bad cell is a 400 naming <field>.<group>.<level>.
func (s *Service) parseGrid(field string, g policy.Grid) (grid, doc json.RawMessage, err error) {
	if g == nil {
		return nil, nil, keyward.FieldError(field, "%s is required.", field)
	}
	cat := s.catalog()
	if ve := g.Validate(cat); len(ve) > 0 {
		msgs := make([]string, len(ve))
		for i, fe := range ve {
			msgs[i] = field + strings.TrimPrefix(fe.Path, "grid") + ": " + fe.Message
		}
		msg := "Invalid grid: " + msgs[0] + "."
		if len(msgs) > 1 {
			msg += " " + strconv.Itoa(len(msgs)-1) + " more: " + strings.Join(msgs[1:], "; ") + "."
		}
		return nil, nil, &keyward.Error{Code: keyward.CodeInvalid, Field: field + strings.TrimPrefix(ve[0].Path, "grid"), Message: msg, Detail: ve}
	}
	if grid, err = json.Marshal(g); err != nil {
		return nil, nil, err
	}
	d := g.Document(cat)
	if d == nil {
		return grid, json.RawMessage("null"), nil
	}
	doc, err = d.MarshalJSON()
	return grid, doc, err
}

// decodeGrid reads a stored grid; a grid that no longer reads comes back
// empty rather than failing the read.
func decodeGrid(raw json.RawMessage) policy.Grid {
	g := policy.Grid{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &g)
	}
	return g
}

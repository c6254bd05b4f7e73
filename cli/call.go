package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// APIError is an error answer of the keyward API.
type APIError struct {
	Status    int    // the HTTP status
	Code      string // the error code, e.g. "not_found"; "" if the body had none
	Message   string
	Field     string // the request field that is wrong, if any
	RequestID string
	Denial    *denial // a 403's explanation, if the server gave one
}

// Error returns "<message> (status N, code C, field F)", leaving out what
// the server did not send, and for a 403 with an explanation, lines
// naming the action, the layer that refused it and the Deny statements.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (status %d", e.Message, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, ", code %s", e.Code)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", field %s", e.Field)
	}
	b.WriteByte(')')
	if d := e.Denial; d != nil && d.Layer != "" {
		fmt.Fprintf(&b, "\n  %s denied by the %s layer", d.Action, d.Layer)
		if d.Reason != "" {
			fmt.Fprintf(&b, ": %s", d.Reason)
		}
		for _, st := range d.Statements {
			fmt.Fprintf(&b, "\n  %s statement %d", st.Effect, st.Index)
			if st.Sid != "" {
				fmt.Fprintf(&b, " (%s)", st.Sid)
			}
			fmt.Fprintf(&b, " of policy %s", st.PolicyName)
			if st.Via != "" {
				fmt.Fprintf(&b, ", via %s", st.Via)
			}
		}
	}
	return b.String()
}

// denial is the explanation a 403 carries: the action refused, the layer
// of the decision that refused it, and the Deny statements that matched.
type denial struct {
	Action     string `json:"action"`
	Layer      string `json:"layer"`
	Reason     string `json:"reason"`
	Statements []struct {
		PolicyName string `json:"policy_name"`
		Via        string `json:"via"`
		Index      int    `json:"statement_index"`
		Sid        string `json:"sid"`
		Effect     string `json:"effect"`
	} `json:"statements"`
}

// newAPIError reads an error body. A body that is not keyward's Error
// (from a proxy, say) gives its text, or the status text, as the message.
func newAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	var v struct {
		Error     string  `json:"error"`
		Code      string  `json:"code"`
		Field     string  `json:"field"`
		RequestID string  `json:"request_id"`
		Denial    *denial `json:"explanation"`
	}
	if json.Unmarshal(body, &v) == nil && v.Error != "" {
		e.Message, e.Code, e.Field, e.RequestID, e.Denial = v.Error, v.Code, v.Field, v.RequestID, v.Denial
		return e
	}
	e.Message = strings.TrimSpace(string(body))
	if len(e.Message) > 200 {
		e.Message = e.Message[:200] + "..."
	}
	if e.Message == "" || strings.HasPrefix(e.Message, "<") {
		e.Message = http.StatusText(status)
	}
	return e
}

// response is what every generated ClientWithResponses result has.
type response interface {
	StatusCode() int
	ContentType() string
	GetBody() []byte
}

// check returns the error of a call that returned r and err: err itself, an
// *APIError if the status is not want, or an error if a body is expected
// but is not JSON. After a nil check, r's JSON<want> field is set.
func check(r response, err error, want int) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) {
		return fmt.Errorf("server sent an unexpected response: %w", err)
	}
	if err != nil {
		return err
	}
	if s := r.StatusCode(); s != want {
		return newAPIError(s, r.GetBody())
	}
	if want != http.StatusNoContent && !strings.Contains(r.ContentType(), "json") {
		return fmt.Errorf("server answered %d with Content-Type %q, want application/json", want, r.ContentType())
	}
	return nil
}

// page is one page of a list: its decoded items, the same items as the
// server sent them, and the cursor of the next page ("" for none).
type page[T any] struct {
	items []T
	raw   []json.RawMessage
	next  string
}

// fetch gets the page at cursor and, if all is set, every page after it,
// following next cursors. The result's next is the last page's.
func fetch[T any](cursor string, all bool, get func(cursor string) (page[T], error)) (page[T], error) {
	var out page[T]
	seen := map[string]bool{cursor: true}
	for {
		p, err := get(cursor)
		if err != nil {
			return out, err
		}
		out.items = append(out.items, p.items...)
		out.raw = append(out.raw, p.raw...)
		out.next = p.next
		if !all || p.next == "" {
			return out, nil
		}
		if seen[p.next] {
			return out, fmt.Errorf("server repeated cursor %q", p.next)
		}
		seen[p.next] = true
		cursor = p.next
	}
}

// parseID parses the ID of a thing ("user", "organization", ...).
func parseID(thing, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.UUID{}, fmt.Errorf("invalid %s ID %q: want a UUID", thing, s)
	}
	return id, nil
}

// ptr returns a pointer to v, for the generated optional fields.
func ptr[T any](v T) *T { return &v }

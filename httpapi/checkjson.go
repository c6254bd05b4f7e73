package httpapi

import (
	"net/http"
	"strconv"
)

// decodeAuthorize reads the body of POST /v2/authorize into req (see
// readAuthorize).
func decodeAuthorize(r *http.Request, req *authorizeReq) error {
	return withBody(r, func(body []byte) error { return readAuthorize(body, req) })
}

// readAuthorize reads body into req. The authorize API is the call made on
// every request of the provider's services, and encoding/json was the
// largest cost of its handler, so the usual body is read by scanAuthorize;
// any body it does not take goes to unmarshalStrict, whose errors name the
// field. Both give the same req for every body scanAuthorize takes, and a
// body with a key given twice or in two spellings is refused either way:
// the scanner never takes one, and unmarshalStrict refuses it
// (FuzzScanAuthorize).
func readAuthorize(body []byte, req *authorizeReq) error {
	if scanAuthorize(body, req) {
		return nil
	}
	*req = authorizeReq{}
	return unmarshalStrict(body, req)
}

// scanAuthorize decodes body into req if it is the usual shape: one
// object of authorizeReq's members, each at most once and spelled as
// documented, strings of printable ASCII without escapes, min_revision a
// plain integer, and nothing after the object. It reports false, with req
// partly filled, for anything else, valid JSON or not; so a key it meets a
// second time, or in another spelling, sends the body to unmarshalStrict,
// which refuses it with the key's name. Keeping that check here to the
// bits of onceIn keeps the usual body free of allocations.
func scanAuthorize(body []byte, req *authorizeReq) bool {
	s := jsonScanner{b: body, text: string(body)}
	var seen uint
	once := func(bit uint) bool { return onceIn(&seen, bit) }
	ok := s.object(func(key string) bool {
		switch key {
		case "principal_id":
			return once(1) && s.str(&req.PrincipalID)
		case "action":
			return once(2) && s.str(&req.Action)
		case "resource":
			var inner uint
			return once(4) && s.object(func(key string) bool {
				switch key {
				case "id":
					return onceIn(&inner, 1) && s.str(&req.Resource.ID)
				case "project_id":
					return onceIn(&inner, 2) && s.str(&req.Resource.ProjectID)
				case "organization_id":
					return onceIn(&inner, 4) && s.str(&req.Resource.OrganizationID)
				}
				return false
			})
		case "context":
			var inner uint
			return once(8) && s.object(func(key string) bool {
				switch key {
				case "source_ip":
					return onceIn(&inner, 1) && s.str(&req.Context.SourceIP)
				case "time":
					req.Context.Time = new(string)
					return onceIn(&inner, 2) && s.str(req.Context.Time)
				case "mfa":
					req.Context.MFA = new(bool)
					return onceIn(&inner, 4) && s.boolean(req.Context.MFA)
				}
				return false
			})
		case "min_revision":
			return once(16) && s.integer(&req.MinRevision)
		case "explain":
			req.Explain = new(bool)
			return once(32) && s.boolean(req.Explain)
		}
		return false
	})
	s.space()
	return ok && s.i == len(s.b)
}

// onceIn sets bit in *seen, reporting false if it was set already.
func onceIn(seen *uint, bit uint) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// jsonScanner reads the few JSON forms scanAuthorize takes from b,
// starting at i. Each method skips the whitespace before its token and
// reports false, leaving i anywhere, if the token is not there. text is
// b as a string, copied once, so that the strings read are slices of it
// and a body costs one allocation, not one per string.
type jsonScanner struct {
	b    []byte
	text string
	i    int
}

func (s *jsonScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// punct consumes the byte c.
func (s *jsonScanner) punct(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// object consumes an object, calling member for each key with the
// scanner at the value, which member must consume.
func (s *jsonScanner) object(member func(key string) bool) bool {
	if !s.punct('{') {
		return false
	}
	if s.punct('}') {
		return true
	}
	for {
		var key string
		if !s.str(&key) || !s.punct(':') || !member(key) {
			return false
		}
		if !s.punct(',') {
			return s.punct('}')
		}
	}
}

// str consumes a string of printable ASCII without escapes into *v.
func (s *jsonScanner) str(v *string) bool {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			*v = s.text[s.i+1 : j]
			s.i = j + 1
			return true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return false
		}
	}
	return false
}

// boolean consumes true or false into *v.
func (s *jsonScanner) boolean(v *bool) bool {
	s.space()
	for _, lit := range []struct {
		text string
		val  bool
	}{{"true", true}, {"false", false}} {
		if end := s.i + len(lit.text); end <= len(s.b) && string(s.b[s.i:end]) == lit.text {
			s.i, *v = end, lit.val
			return true
		}
	}
	return false
}

// integer consumes an integer that fits an int64, written as JSON writes
// one (an optional minus, no leading zero, no fraction or exponent).
func (s *jsonScanner) integer(v *int64) bool {
	s.space()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	n := s.i - digits
	if n == 0 || n > 1 && s.b[digits] == '0' {
		return false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return false
	}
	x, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	if err != nil {
		return false
	}
	*v = x
	return true
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// writeJSON writes v with Content-Type exactly "application/json" (Vultr's
// client ignores bodies whose type carries a charset).
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	buf.Reset()
	// Encode writes what json.Marshal returns, then a newline, without
	// Marshal's copy of the result.
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		buf.Reset()
		buf.WriteString(`{"error":"Internal error.","status":500,"code":"internal"}` + "\n")
		status = http.StatusInternalServerError
	}
	send(w, status, buf)
}

// send writes buf, a JSON body, with status, its length and Content-Type
// exactly "application/json".
func send(w http.ResponseWriter, status int, buf *bytes.Buffer) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// contentTypeJSON is the Content-Type value of every JSON answer, shared
// because header values are never modified in place.
var contentTypeJSON = []string{"application/json"}

// buffers holds the buffers of request and response bodies, so that a
// call does not allocate one of each.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuffer returns buf to the pool unless an unusually large body grew
// it, which the pool would otherwise keep alive.
func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		buffers.Put(buf)
	}
}

// decodeJSON reads r's body into v strictly: unknown fields, wrong types,
// trailing data, keys given twice or in two spellings at any depth
// (checkKeys) and bodies over MaxBodyBytes are errors that name what is
// wrong. An empty body decodes as {} because Vultr's client sends none on
// some POST, PUT and PATCH calls.
func decodeJSON(r *http.Request, v any) error {
	return withBody(r, func(body []byte) error { return unmarshalStrict(body, v) })
}

// withBody reads r's body, up to MaxBodyBytes, into a pooled buffer and
// passes it to decode, which must copy what it keeps: the buffer goes
// back to the pool when decode returns.
func withBody(r *http.Request, decode func(body []byte) error) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	buf.Reset()
	if r.ContentLength > 0 && r.ContentLength <= MaxBodyBytes {
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(r.Body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return keyward.Errorf(keyward.CodeTooLarge, "Request body is larger than %d bytes.", tooBig.Limit)
		}
		return keyward.Errorf(keyward.CodeInvalid, "Could not read the request body.")
	}
	return decode(buf.Bytes())
}

// unmarshalStrict decodes body into v as decodeJSON promises. The decoder
// copies what it reads, so nothing decoded points into body.
func unmarshalStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, v)
	}
	// v is not used if the keys are refused; checking them after the
	// decoder has validated the JSON lets checkKeys skip validating it.
	if err := checkKeys(body[:dec.InputOffset()]); err != nil {
		return err
	}
	if dec.More() {
		return keyward.Errorf(keyward.CodeInvalid, "Request body has data after the JSON object.")
	}
	return nil
}

// jsonError turns a decoding error of v into a caller-facing one naming
// the field, with a "did you mean" for an unknown field close to one of
// v's.
func jsonError(err error, v any) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return keyward.Errorf(keyward.CodeInvalid, "Malformed JSON at byte %d: %s.", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return keyward.Errorf(keyward.CodeInvalid, "Request body must be a JSON object.")
		}
		return keyward.FieldError(field, "%s must be %s, not %s.", field, jsonType(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return keyward.Errorf(keyward.CodeInvalid, "Malformed JSON: the body ends early.")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		paths := jsonFieldPaths(reflect.TypeOf(v))
		leaves := make([]string, len(paths))
		for i, p := range paths {
			leaves[i] = p[strings.LastIndex(p, ".")+1:]
		}
		near, ok := policy.Nearest(name, leaves)
		switch {
		case !ok:
			return keyward.FieldError(name, "Unknown field %q.", name)
		case near == name:
			// The name is right, the object is not: say which one holds it.
			path := paths[slices.Index(leaves, name)]
			if dot := strings.LastIndex(path, "."); dot >= 0 {
				return keyward.FieldError(name, "Unknown field %q here: it belongs inside %q.", name, path[:dot])
			}
			return keyward.FieldError(name, "Unknown field %q here: it belongs at the top level of the body.", name)
		}
		return keyward.FieldError(name, "Unknown field %q (did you mean %q?).", name, near)
	}
	return keyward.Errorf(keyward.CodeInvalid, "Malformed JSON: %s.", err.Error())
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	default:
		return "a number"
	}
}

// timeJSON formats t as RFC 3339 in UTC, or "" for nil/zero, the way Vultr
// sends dates.
func timeJSON(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func parseTimeParam(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, keyward.FieldError(field, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z.", field)
	}
	return t, nil
}

// pathID returns the path value name, lower-cased, checking it is an id.
func pathID(r *http.Request, name string) (string, error) {
	v := strings.ToLower(r.PathValue(name))
	if !keyward.ValidID(v) {
		return "", keyward.FieldError(name, "%s %q is not a valid id (a UUID).", name, r.PathValue(name))
	}
	return v, nil
}

// meta is the pagination block of every list response.
type meta struct {
	Total int   `json:"total"`
	Links links `json:"links"`
}

type links struct {
	Next string `json:"next"`
	Prev string `json:"prev"`
}

func metaOf(info keyward.PageInfo) meta {
	return meta{Total: info.Total, Links: links{Next: info.Next, Prev: info.Prev}}
}

// pageOf reads per_page and cursor from the query. Vultr's client may also
// send a JSON body on GET lists; it is ignored.
func pageOf(r *http.Request) (keyward.Page, error) {
	q := r.URL.Query()
	p := keyward.Page{Cursor: q.Get("cursor")}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > keyward.MaxPerPage {
			return p, keyward.FieldError("per_page", "per_page must be an integer from 1 to %d.", keyward.MaxPerPage)
		}
		p.Limit = n
	}
	if len(p.Cursor) > 512 {
		return p, keyward.FieldError("cursor", "cursor is not a cursor this server issued.")
	}
	return p, nil
}

// jsonFieldPaths lists the JSON fields of t's structs, at every depth, by
// path ("issuer.name"; an array's elements are their array's path): the
// decoder's error does not say at which depth a field was unknown, and a
// suggestion from a nested object is still a good one.
func jsonFieldPaths(t reflect.Type) []string {
	var paths []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t) // another path may hold the same type
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				walk(f.Type, prefix)
				continue
			}
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			paths = append(paths, prefix+name)
			walk(f.Type, prefix+name+".")
		}
	}
	if t != nil {
		walk(t, "")
	}
	return paths
}

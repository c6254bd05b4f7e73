package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrintList(t *testing.T) {
	raw := []json.RawMessage{json.RawMessage(`{"id":"a","name":"x"}`), json.RawMessage(`{"id":"bb","name":""}`)}
	rows := func() [][]string { return [][]string{{"a", "x"}, {"bb", ""}} }
	tests := []struct {
		format string
		raw    []json.RawMessage
		rows   [][]string
		want   string
	}{
		{formatTable, raw, rows(), "ID  NAME\na   x\nbb  -\n"},
		{formatTable, nil, nil, "ID  NAME\n"},
		{formatJSON, raw, rows(), "[\n  {\n    \"id\": \"a\",\n    \"name\": \"x\"\n  },\n  {\n    \"id\": \"bb\",\n    \"name\": \"\"\n  }\n]\n"},
		{formatJSON, nil, nil, "[]\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		a := &app{stdout: &out, output: tt.format}
		if err := a.printList(tt.raw, []string{"ID", "NAME"}, tt.rows); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, out.String()); diff != "" {
			t.Errorf("printList(%s, %d items) mismatch (-want +got):\n%s", tt.format, len(tt.raw), diff)
		}
	}
}

func TestPrintObject(t *testing.T) {
	raw := json.RawMessage(`{"id":"a","date_revoked":""}`)
	fields := []field{{"id", "a"}, {"date_revoked", ""}}
	for format, want := range map[string]string{
		formatTable: "id            a\ndate_revoked  -\n",
		formatJSON:  "{\n  \"id\": \"a\",\n  \"date_revoked\": \"\"\n}\n",
	} {
		var out bytes.Buffer
		a := &app{stdout: &out, output: format}
		if err := a.printObject(raw, fields); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, out.String()); diff != "" {
			t.Errorf("printObject(%s) mismatch (-want +got):\n%s", format, diff)
		}
	}
}

func TestPrintDone(t *testing.T) {
	for format, want := range map[string]string{formatTable: "Removed user u.\n", formatJSON: ""} {
		var out bytes.Buffer
		a := &app{stdout: &out, output: format}
		a.printDone("Removed user %s.", "u")
		if out.String() != want {
			t.Errorf("printDone(%s) wrote %q, want %q", format, out.String(), want)
		}
	}
}

func TestAPIError_Error(t *testing.T) {
	tests := []struct {
		e    APIError
		want string
	}{
		{APIError{Status: 404, Code: "not_found", Message: "User not found."}, "User not found. (status 404, code not_found)"},
		{APIError{Status: 400, Code: "invalid", Message: "Bad.", Field: "email"}, "Bad. (status 400, code invalid, field email)"},
		{APIError{Status: 502, Message: "Bad Gateway"}, "Bad Gateway (status 502)"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestNewAPIError(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   APIError
	}{
		{409, `{"error":"Taken.","status":409,"code":"conflict","field":"email","request_id":"r"}`,
			APIError{Status: 409, Code: "conflict", Message: "Taken.", Field: "email", RequestID: "r"}},
		{503, "", APIError{Status: 503, Message: "Service Unavailable"}},
		{502, "<html>proxy</html>", APIError{Status: 502, Message: "Bad Gateway"}},
		{500, "upstream timed out\n", APIError{Status: 500, Message: "upstream timed out"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, *newAPIError(tt.status, []byte(tt.body))); diff != "" {
			t.Errorf("newAPIError(%d, %q) mismatch (-want +got):\n%s", tt.status, tt.body, diff)
		}
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Output formats.
const (
	formatTable = "table"
	formatJSON  = "json"
)

// format returns the --output format, checked.
func (a *app) format() (string, error) {
	switch a.output {
	case formatTable, formatJSON:
		return a.output, nil
	}
	return "", fmt.Errorf("invalid --output %q: want table or json", a.output)
}

// field is one line of a single object's table: its JSON name and value.
type field struct{ name, value string }

// printObject prints one object: in JSON, raw (the object as the server
// sent it) indented; as a table, fields as aligned name/value lines.
func (a *app) printObject(raw json.RawMessage, fields []field) error {
	if a.output == formatJSON {
		return writeJSON(a.stdout, raw)
	}
	tw := newTabWriter(a.stdout)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s\t%s\n", f.name, orDash(f.value))
	}
	return tw.Flush()
}

// printList prints a list: in JSON, an indented array of the raw objects;
// as a table, a header of columns and one row per object.
func (a *app) printList(raw []json.RawMessage, columns []string, rows [][]string) error {
	if a.output == formatJSON {
		if raw == nil {
			raw = []json.RawMessage{}
		}
		b, err := json.Marshal(raw)
		if err != nil {
			return err
		}
		return writeJSON(a.stdout, b)
	}
	tw := newTabWriter(a.stdout)
	fmt.Fprintln(tw, strings.Join(columns, "\t"))
	for _, r := range rows {
		for i := range r {
			r[i] = orDash(r[i])
		}
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// printDone confirms a change that has no body to show. JSON output stays
// empty, so scripts see only API objects on stdout.
func (a *app) printDone(format string, args ...any) {
	if a.output == formatTable {
		fmt.Fprintf(a.stdout, format+"\n", args...)
	}
}

// noteMore tells, on stderr, how to get the next page of a list.
func (a *app) noteMore(next string) {
	if next != "" {
		fmt.Fprintf(a.stderr, "More results: pass --cursor %s, or --all.\n", next)
	}
}

// noteSecret warns, on stderr, that a secret is shown once.
func (a *app) noteSecret() {
	fmt.Fprintln(a.stderr, "Save the API key now: it is not shown again.")
}

// writeJSON writes raw indented by two spaces, with a final newline.
func writeJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("server sent invalid JSON: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

func newTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// orDash returns s, or "-" for an empty cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatTime formats t in UTC as RFC 3339, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// yesNo formats a bool for a table.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// member returns the raw value of key in the JSON object body, or body
// itself when key is "" (a bare object).
func member(body []byte, key string) (json.RawMessage, error) {
	if key == "" {
		return body, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("server sent invalid JSON: %w", err)
	}
	v, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("server response has no %q", key)
	}
	return v, nil
}

// members returns the raw items of the JSON array under key in body.
func members(body []byte, key string) ([]json.RawMessage, error) {
	v, err := member(body, key)
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		return nil, fmt.Errorf("server response %q is not a list: %w", key, err)
	}
	return items, nil
}

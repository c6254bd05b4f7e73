package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"
)

// Output formats.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

// format returns the --output format, checked.
func (a *app) format() (string, error) {
	switch a.output {
	case formatTable, formatJSON, formatYAML:
		return a.output, nil
	}
	return "", fmt.Errorf("invalid --output %q: want table, json or yaml", a.output)
}

// structured reports whether the output is the API's objects (JSON or
// YAML, written by writeData) rather than a table for people.
func (a *app) structured() bool { return a.output == formatJSON || a.output == formatYAML }

// writeData writes raw, JSON the server sent (or a list of its objects),
// to stdout in the output format: JSON indented by two spaces, or YAML
// with the same keys in the same order.
func (a *app) writeData(raw []byte) error {
	if a.output != formatYAML {
		return writeJSON(a.stdout, raw)
	}
	var doc yaml.Node
	// JSON is YAML: decoding it keeps the order of keys.
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("server sent invalid JSON: %w", err)
	}
	blockStyle(&doc)
	enc := yaml.NewEncoder(a.stdout)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// blockStyle turns n's JSON flow style into YAML's block style, leaving
// each scalar's quoting to the encoder (which quotes a string that would
// otherwise read as a number, a bool or null).
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// field is one line of a single object's table: its JSON name and value.
type field struct{ name, value string }

// printObject prints one object: in JSON or YAML, raw (the object as the
// server sent it); as a table, fields as aligned name/value lines, or with
// --quiet its id alone.
func (a *app) printObject(raw json.RawMessage, fields []field) error {
	if a.structured() {
		return a.writeData(raw)
	}
	if a.quiet {
		for _, f := range fields {
			if f.name == "id" {
				_, err := fmt.Fprintln(a.stdout, f.value)
				return err
			}
		}
		return nil
	}
	tw := newTabWriter(a.stdout)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s\t%s\n", f.name, orDash(f.value))
	}
	return tw.Flush()
}

// idColumn is the index of the column --quiet prints: "ID", else the
// first whose name ends in "ID" (USER_ID); -1 if none.
func idColumn(columns []string) int {
	first := -1
	for i, c := range columns {
		if c == "ID" {
			return i
		}
		if first < 0 && strings.HasSuffix(c, "ID") {
			first = i
		}
	}
	return first
}

// printList prints a list: in JSON or YAML, an array of the raw objects;
// as a table, a header of columns and one row per object, or with --quiet
// each object's id alone (idColumn).
func (a *app) printList(raw []json.RawMessage, columns []string, rows [][]string) error {
	if a.structured() {
		if raw == nil {
			raw = []json.RawMessage{}
		}
		b, err := json.Marshal(raw)
		if err != nil {
			return err
		}
		return a.writeData(b)
	}
	if a.quiet {
		if c := idColumn(columns); c >= 0 {
			for _, r := range rows {
				fmt.Fprintln(a.stdout, r[c])
			}
		}
		return nil
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
	if a.output == formatTable && !a.quiet {
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

// printMember checks the answer r, err of a call for the status want, as
// check does, and then prints with print the object under key in r's
// body, which print gets as sent.
func printMember(r response, err error, want int, key string, print func(raw []byte) error) error {
	if err := check(r, err, want); err != nil {
		return err
	}
	raw, err := member(r.GetBody(), key)
	if err != nil {
		return err
	}
	return print(raw)
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

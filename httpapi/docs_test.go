package httpapi

import (
	"flag"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/api.md's route index from the route table")

const (
	apiDocs          = "../docs/api.md"
	routeIndexBegin  = "<!-- route index: begin -->\n"
	routeIndexEnd    = "<!-- route index: end -->\n"
	routeIndexHeader = "<!-- Generated from the route table (httpapi/routes.go) by `go test ./httpapi -run TestAPIDocsRouteIndex -update`: edit the routes, not this table. -->\n" +
		"| route | action | who may call it |\n|---|---|---|\n"
)

// routeIndex renders the route table as docs/api.md's route index: one
// row per route, in the table's order.
func routeIndex(table []route) string {
	var b strings.Builder
	b.WriteString(routeIndexHeader)
	for _, rt := range table {
		action := ""
		if rt.Action != "" {
			action = "`" + rt.Action + "`"
		}
		who := map[Access]string{
			AccessAction: "a caller the engine allows the action (on the object of the path, if any)",
			AccessSelf:   "every member, for itself or its organization (the self layer)",
			AccessPublic: "anyone: no keyward credential",
		}[rt.Access]
		b.WriteString("| `" + rt.Pattern + "` | " + action + " | " + who + " |\n")
	}
	return b.String()
}

// TestAPIDocsRouteIndex holds docs/api.md's route index, between its
// markers, to the route table; -update rewrites it.
func TestAPIDocsRouteIndex(t *testing.T) {
	table, doc := routesAndDocs(t)
	before, rest, ok1 := strings.Cut(doc, routeIndexBegin)
	got, after, ok2 := strings.Cut(rest, routeIndexEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s has no route index between %q and %q", apiDocs, routeIndexBegin, routeIndexEnd)
	}
	want := routeIndex(table)
	if got == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(apiDocs, []byte(before+routeIndexBegin+want+routeIndexEnd+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's route index differs from the route table (-docs +routes); run go test ./httpapi -run TestAPIDocsRouteIndex -update:\n%s",
		apiDocs, cmp.Diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
}

var (
	// docRoute finds a route in backquotes: its method and path, the
	// path ending before a query, an optional part or a space.
	docRoute = regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^`?\\[\\s]*)[^`]*`")
	// proseAction is the action prose gives right after a route.
	proseAction = regexp.MustCompile("^ \\((?:keyward; )?action `([^`]+)`")
	docAction   = regexp.MustCompile("`([a-z]+\\.[a-z]+\\.[A-Za-z]+)`")
	pathParam   = regexp.MustCompile(`\{[^}]+\}`)
)

// TestAPIDocsActions holds the hand-written parts of docs/api.md to the
// route table: every route they name exists, and the action they give it
// ("`METHOD path` (action `a`", or a table's action column in a row that
// names one route) is the route's.
func TestAPIDocsActions(t *testing.T) {
	table, doc := routesAndDocs(t)
	actions := map[string]string{} // "METHOD path", parameters as {} → action
	for _, rt := range table {
		actions[pathParam.ReplaceAllString(rt.Pattern, "{}")] = rt.Action
	}
	before, rest, _ := strings.Cut(doc, routeIndexBegin)
	_, after, _ := strings.Cut(rest, routeIndexEnd)
	var header []string // the columns of the table the line is in
	checked := 0
	for i, line := range strings.Split(before+after, "\n") {
		cells := tableCells(line)
		switch {
		case cells == nil:
			header = nil
		case header == nil:
			header = cells
		}
		matches := docRoute.FindAllStringSubmatchIndex(line, -1)
		// key is the route table's key of the route of match m.
		key := func(m []int) string { return line[m[2]:m[3]] + " " + pathParam.ReplaceAllString(line[m[4]:m[5]], "{}") }
		for _, m := range matches {
			want, ok := actions[key(m)]
			if !ok {
				t.Errorf("docs/api.md:%d: %s is no route", i+1, line[m[0]:m[1]])
				continue
			}
			if a := proseAction.FindStringSubmatch(line[m[1]:]); a != nil {
				checked++
				if a[1] != want {
					t.Errorf("docs/api.md:%d: %s has action %s; the route table says %s", i+1, line[m[0]:m[1]], a[1], want)
				}
			}
		}
		col := indexOf(header, "action")
		if len(matches) != 1 || col < 0 || col >= len(cells) {
			continue
		}
		if a := docAction.FindStringSubmatch(cells[col]); a != nil {
			checked++
			m := matches[0]
			if want := actions[key(m)]; a[1] != want {
				t.Errorf("docs/api.md:%d: %s has action %s; the route table says %s", i+1, line[m[0]:m[1]], a[1], want)
			}
		}
	}
	// The forms above are how the text names actions; a rewrite that
	// dropped them would leave nothing checked.
	if checked < 100 {
		t.Errorf("checked %d actions in docs/api.md; the forms of this test no longer find them", checked)
	}
}

// routesAndDocs returns the route table and docs/api.md.
func routesAndDocs(t *testing.T) ([]route, string) {
	t.Helper()
	s := &server{}
	s.routes(http.NewServeMux(), prometheus.NewRegistry())
	raw, err := os.ReadFile(apiDocs)
	if err != nil {
		t.Fatal(err)
	}
	return s.table, string(raw)
}

// tableCells returns the trimmed cells of a Markdown table row, nil for
// any other line; a separator row (|---|) is a row of no cells.
func tableCells(line string) []string {
	if !strings.HasPrefix(line, "|") {
		return nil
	}
	cells := strings.Split(strings.Trim(line, "|"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	if strings.HasPrefix(cells[0], "---") || strings.HasPrefix(cells[0], ":--") {
		return []string{}
	}
	return cells
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

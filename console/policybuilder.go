package console

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// draft is a policy in the editor: its name and description, the
// visual builder's statements and the JSON, with what the engine's parser
// says of the document. The two halves always describe one document: the
// preview round trip (handlePolicyPreview) rebuilds the one that was not
// edited from the one that was.
type draft struct {
	ID                keyward.PolicyID // empty for a new policy
	Version           int64
	Name, Description string
	Statements        []statementForm
	JSON              string
	// Problems are the parser's, each naming the statement and field at
	// fault; empty when the document is valid. Refusal is the engine's
	// refusal to let the member save it, which the parser is not asked.
	Problems []problemLine
	Refusal  *problem
	Builder  *builderCatalog
}

// problemLine is one problem the parser found, by path.
type problemLine struct {
	Path, Message string
}

// statementForm is one statement as the builder shows it: the effect;
// the actions, as the checked actions of one service of the catalog and
// any other patterns in More; the resources, all of them, one project or
// a list of ids (a resource or project UUID, or TYPE/ID). A condition,
// which the builder does not edit, is carried as JSON so that it survives
// the round trip.
type statementForm struct {
	Sid       string
	Effect    policy.Effect
	Service   string
	Actions   []string
	More      string
	Kind      string // resourceAll, resourceProject or resourceIDs
	Project   string
	IDs       string
	Condition string
}

// The resource choices of a statement in the builder.
const (
	resourceAll     = "all"
	resourceProject = "project"
	resourceIDs     = "ids"
)

// Checked reports whether the statement holds the action pattern name,
// which the builder shows as a checked box.
func (f statementForm) Checked(name string) bool {
	return slices.ContainsFunc(f.Actions, func(a string) bool { return strings.EqualFold(a, name) })
}

// builderCatalog is what the builder offers: the catalog's actions by
// service, when the member may read the catalog, and the projects, when
// it may list them. Without the catalog, actions are typed in More.
type builderCatalog struct {
	Services []string
	byName   map[string][]policy.Action
	Projects []*keyward.Project
}

// ActionsOf returns the catalog's actions of service svc.
func (b *builderCatalog) ActionsOf(svc string) []policy.Action {
	if b == nil {
		return nil
	}
	return b.byName[svc]
}

// loadBuilder reads the builder's catalog as the member. What the member
// may not read is left out, not refused: the JSON half still works.
func (c *Console) loadBuilder(ctx context.Context) (*builderCatalog, error) {
	b := &builderCatalog{byName: map[string][]policy.Action{}}
	if ok, err := c.svc.Allowed(ctx, "iam.catalog.List", "", ""); err != nil {
		return nil, err
	} else if ok {
		if err := c.eachAction(ctx, func(a policy.Action) {
			if _, seen := b.byName[a.Service]; !seen {
				b.Services = append(b.Services, a.Service)
			}
			b.byName[a.Service] = append(b.byName[a.Service], a)
		}); err != nil {
			return nil, err
		}
		slices.Sort(b.Services)
	}
	if ok, err := c.svc.Allowed(ctx, "iam.project.List", "", ""); err != nil {
		return nil, err
	} else if ok {
		if b.Projects, _, err = c.svc.ListProjects(ctx, keyward.Page{Limit: keyward.MaxPerPage}); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// eachAction calls f with every action of the catalog, reading it a page
// at a time through the service.
func (c *Console) eachAction(ctx context.Context, f func(policy.Action)) error {
	page := keyward.Page{Limit: keyward.MaxPerPage}
	for {
		actions, info, err := c.svc.ListActions(ctx, service.ActionFilter{Page: page})
		if err != nil {
			return err
		}
		for _, a := range actions {
			f(a)
		}
		if info.Next == "" {
			return nil
		}
		page.Cursor = info.Next
	}
}

// readStatements reads the builder's statements from a submitted editor
// form: fields s<i>.<name> for i below n.
func readStatements(r *http.Request) []statementForm {
	n, _ := strconv.Atoi(r.PostFormValue("n"))
	n = min(max(n, 0), policy.MaxStatements)
	out := make([]statementForm, n)
	for i := range out {
		p := "s" + strconv.Itoa(i) + "."
		out[i] = statementForm{
			Sid: strings.TrimSpace(r.PostFormValue(p + "sid")), Effect: policy.Effect(r.PostFormValue(p + "effect")),
			Service: r.PostFormValue(p + "service"), Actions: r.PostForm[p+"action"], More: r.PostFormValue(p + "more"),
			Kind: r.PostFormValue(p + "kind"), Project: r.PostFormValue(p + "project"), IDs: r.PostFormValue(p + "ids"),
			Condition: r.PostFormValue(p + "condition"),
		}
	}
	return out
}

// document is the document the statements describe, whether or not the
// parser will accept it.
func document(stmts []statementForm) *policy.Document {
	doc := &policy.Document{Version: policy.Version, Statement: make([]policy.Statement, len(stmts))}
	for i, f := range stmts {
		st := policy.Statement{Sid: f.Sid, Effect: f.Effect, Action: slices.Clone(f.Actions)}
		st.Action = append(st.Action, splitList(f.More)...)
		switch f.Kind {
		case resourceAll:
			st.Resource = []string{"*"}
		case resourceProject:
			st.Resource = splitList(f.Project)
		default:
			st.Resource = splitList(f.IDs)
		}
		if f.Condition != "" {
			// Carried from a parsed document, so it reads back; a forged
			// one that does not is dropped, and the parser checks the rest.
			_ = json.Unmarshal([]byte(f.Condition), &st.Condition)
		}
		doc.Statement[i] = st
	}
	return doc
}

// splitList splits a comma- or space-separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// statementsOf is doc as the builder shows it. A statement's service is
// that of its first action the catalog has; its actions of that service
// are checked boxes, the others stay in More. Its resources are "all"
// for ["*"], a project for one project id of b, and a list of ids
// otherwise.
func statementsOf(doc *policy.Document, b *builderCatalog) []statementForm {
	out := make([]statementForm, len(doc.Statement))
	for i, st := range doc.Statement {
		f := statementForm{Sid: st.Sid, Effect: st.Effect, Kind: resourceIDs}
		for _, a := range st.Action {
			if svc, _, _ := strings.Cut(a, "."); f.Service == "" && len(b.ActionsOf(svc)) > 0 {
				f.Service = svc
			}
		}
		f.sortActions(st.Action, b)
		switch {
		case len(st.Resource) == 1 && st.Resource[0] == "*":
			f.Kind = resourceAll
		case len(st.Resource) == 1 && slices.ContainsFunc(b.Projects, func(p *keyward.Project) bool { return strings.EqualFold(string(p.ID), st.Resource[0]) }):
			f.Kind, f.Project = resourceProject, st.Resource[0]
		default:
			f.IDs = strings.Join(st.Resource, ", ")
		}
		if len(st.Condition) > 0 {
			cond, _ := json.Marshal(st.Condition)
			f.Condition = string(cond)
		}
		out[i] = f
	}
	return out
}

// sortActions sets f's actions to the patterns of actions: those the
// builder offers as boxes of f's service checked, the rest in More.
func (f *statementForm) sortActions(actions []string, b *builderCatalog) {
	var more []string
	f.Actions = nil
	for _, a := range actions {
		if offered(b.ActionsOf(f.Service), f.Service, a) {
			f.Actions = append(f.Actions, a)
		} else {
			more = append(more, a)
		}
	}
	f.More = strings.Join(more, ", ")
}

// offered reports whether the builder shows the pattern a as a box among
// the actions of service svc: one of them, or svc.* (all of them).
func offered(actions []policy.Action, svc, a string) bool {
	if svc != "" && strings.EqualFold(a, svc+".*") {
		return true
	}
	return slices.ContainsFunc(actions, func(x policy.Action) bool { return strings.EqualFold(x.Name, a) })
}

// newStatement is the statement "Add statement" adds: an Allow on
// everything, with no action yet.
func newStatement() statementForm {
	return statementForm{Effect: policy.EffectAllow, Kind: resourceAll}
}

// check parses raw with the engine's parser, as the member of r, and
// records its problems in d, or the refusal to let the member save d. It
// returns the parsed document, nil when the parser refused it.
func (c *Console) check(r *http.Request, d *draft, raw []byte) *policy.Document {
	doc, err := c.svc.ParsePolicyDocument(r.Context(), d.ID, raw)
	d.Problems, d.Refusal = nil, nil
	if err == nil {
		return doc
	}
	if e := keyward.AsError(err); e != nil {
		if ve, ok := e.Detail.(policy.ValidationErrors); ok {
			for _, fe := range ve {
				d.Problems = append(d.Problems, problemLine{Path: fe.Path, Message: fe.Message})
			}
			return nil
		}
	}
	d.Refusal, _ = c.problemOf(r, err)
	return nil
}

// fromBuilder sets d's JSON to the document of its statements, and
// checks it. The actions a statement holds are sorted again for the
// service it now shows, so that choosing another service keeps the
// checked actions of the one before (in More).
func (c *Console) fromBuilder(r *http.Request, d *draft) {
	for i := range d.Statements {
		f := &d.Statements[i]
		f.sortActions(append(slices.Clone(f.Actions), splitList(f.More)...), d.Builder)
	}
	raw, err := document(d.Statements).MarshalJSON()
	if err != nil {
		d.Problems = []problemLine{{Message: err.Error()}}
		return
	}
	d.JSON = indentJSON(raw)
	c.check(r, d, raw)
}

// fromJSON checks d's JSON and, when the parser accepts it, sets the
// builder's statements from it; otherwise the builder keeps what it had.
func (c *Console) fromJSON(r *http.Request, d *draft) {
	if doc := c.check(r, d, []byte(d.JSON)); doc != nil {
		d.Statements = statementsOf(doc, d.Builder)
	}
}

// indentJSON is raw indented for reading, or raw itself if it is not
// JSON.
func indentJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// handlePolicyPreview is the editor's round trip: htmx posts the whole
// editor form, with from=builder when a builder control changed (or
// op=add / op=remove-<i> to add or remove a statement) and from=json when
// the JSON was edited. It answers with the builder half, which shows the
// parser's problems, and, when the builder was edited, the JSON half out
// of band; the JSON being typed is not swapped under the cursor.
func (c *Console) handlePolicyPreview(w http.ResponseWriter, r *http.Request, s *session) {
	d, err := c.readDraft(r)
	if err != nil {
		c.render(w, r, "message.html", view{Title: "Error", Me: s}, err)
		return
	}
	fromBuilder := r.PostFormValue("from") != "json"
	if fromBuilder {
		switch op := r.PostFormValue("op"); {
		case op == "add" && len(d.Statements) < policy.MaxStatements:
			d.Statements = append(d.Statements, newStatement())
		case strings.HasPrefix(op, "remove-"):
			if i, err := strconv.Atoi(strings.TrimPrefix(op, "remove-")); err == nil && i >= 0 && i < len(d.Statements) {
				d.Statements = slices.Delete(d.Statements, i, i+1)
			}
		}
		c.fromBuilder(r, d)
	} else {
		c.fromJSON(r, d)
	}
	c.fragment(w, r, "policyedit.html", "builder", editor{d, fromBuilder})
}

// readDraft reads the editor form of r, with the builder's catalog.
func (c *Console) readDraft(r *http.Request) (*draft, error) {
	b, err := c.loadBuilder(r.Context())
	if err != nil {
		return nil, err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	id := r.PathValue("policy_id")
	if id == "" {
		id = r.PostFormValue("policy_id") // the preview's, which has no path of its own
	}
	return &draft{ID: keyward.PolicyID(id), Version: version, Name: r.PostFormValue("name"),
		Description: r.PostFormValue("description"), Statements: readStatements(r), JSON: r.PostFormValue("document"), Builder: b}, nil
}

// fragment answers r with the template def of page name alone, for htmx
// to swap into the page.
func (c *Console) fragment(w http.ResponseWriter, r *http.Request, name, def string, data any) {
	var b bytes.Buffer
	if err := c.pages.byName[name].ExecuteTemplate(&b, def, data); err != nil {
		c.log.ErrorContext(r.Context(), "console: render", "page", name, "template", def, "err", err)
		http.Error(w, "Something went wrong on the server; try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

package console

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// assets serves the embedded script, style sheet and licence under
// /assets/. They change only with the binary, so browsers may keep them
// for a day.
func assets() http.Handler {
	files := http.FileServerFS(assetFS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/assets/" {
			http.NotFound(w, r) // no listing
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

// pages holds each page's template, parsed with the layout, and the
// layout's alone for the fragments htmx asks for (pick-options).
type pages struct {
	byName   map[string]*template.Template
	fragment *template.Template
}

// funcs are the templates' functions.
var funcs = template.FuncMap{"pick": pickOf}

// mustParsePages parses every page of templates/ with layout.html.
func mustParsePages() *pages {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{byName: map[string]*template.Template{}, fragment: parse("templates/layout.html")}
	for _, n := range names {
		if path.Base(n) == "layout.html" {
			continue
		}
		p.byName[path.Base(n)] = parse("templates/layout.html", n)
	}
	return p
}

// parse parses the templates of files, which must parse.
func parse(files ...string) *template.Template {
	return template.Must(template.New(path.Base(files[0])).Funcs(funcs).ParseFS(templateFS, files...))
}

// view is what every page's template gets: the signed-in member (nil on
// the pages for signed-out people), the problem of a refused or failed
// action, and the page's own data.
type view struct {
	Title   string
	Me      *session
	Problem *problem
	Notice  string
	Data    any
}

// problem is an error shown on a page: its message and field, and for a
// refusal the engine's explanation (which layer, which statements), as
// the API's 403 carries it.
type problem struct {
	Message string
	Field   string
	Denial  *service.Denial
}

// problemOf returns the problem to show for err and its HTTP status, the
// API's for the same error. An internal error is logged and shown as a
// generic message; a refusal is recorded in the audit trail, as the API
// records its refusals.
func (c *Console) problemOf(r *http.Request, err error) (*problem, int) {
	code, status := httpapi.Status(err)
	pr := &problem{Message: keyward.ErrorMessage(err)}
	if e := keyward.AsError(err); e != nil {
		pr.Field = e.Field
		if d, ok := e.Detail.(service.Denial); ok {
			pr.Denial = &d
			c.svc.AuditRefusal(r.Context(), r.Pattern, d.Action, err)
		}
	}
	if code == keyward.CodeInternal {
		c.log.ErrorContext(r.Context(), "console: internal error", "err", err, "method", r.Method, "path", r.URL.Path)
		pr = &problem{Message: "Something went wrong on the server; try again."}
	}
	return pr, status
}

// render answers r with page name. With err it shows err's problem and
// answers with err's status; htmx is configured (layout.html) to swap
// such answers in too, so a refusal shows where the action was.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, v view, err error) {
	status := http.StatusOK
	if err != nil {
		v.Problem, status = c.problemOf(r, err)
		httpapi.SetRetryAfter(w.Header(), err)
	}
	t, ok := c.pages.byName[name]
	if !ok {
		panic("console: no page " + name)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		c.log.ErrorContext(r.Context(), "console: render", "page", name, "err", err)
		http.Error(w, "Something went wrong on the server; try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// show renders page name with d, the data loaded for it, and the problem
// of act, the action that led there; or, when loading failed (err), with
// that problem and no data.
func (c *Console) show(w http.ResponseWriter, r *http.Request, name string, v view, d any, err, act error) {
	if err == nil {
		v.Data, err = d, act
	}
	c.render(w, r, name, v, err)
}

// seeOther ends a successful action by sending the browser to the page
// that shows its result, so that reloading it does not repeat the action.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

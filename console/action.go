package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// action is what a form of a page does, as the member of ctx: it returns
// the page that shows its result.
type action func(ctx context.Context, r *http.Request, s *session) (to string, err error)

// shower renders a page with the problem of an action taken on it.
type shower func(w http.ResponseWriter, r *http.Request, s *session, err error)

// act runs a and, when it succeeds, sends the browser to the page a
// names, through a redirect so that a reload does not repeat it; a
// refused or failed action shows on the page show renders, with the
// engine's explanation.
func (c *Console) act(a action, show shower) memberHandler {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		to, err := a(r.Context(), r, s)
		if err != nil {
			show(w, r, s, err)
			return
		}
		seeOther(w, r, to)
	}
}

// step is what a form does on the page it stays on, as the member of
// ctx: stay makes it an action that shows that page again.
type step func(ctx context.Context, r *http.Request, s *session) error

// stay is the action that does a on the page at pattern and shows that
// page again; pattern's {name} segments are r's path values of that
// name (as in "/projects/{project_id}"), so that one page's actions share
// the route's wildcards.
func stay(pattern string, a step) action {
	return func(ctx context.Context, r *http.Request, s *session) (string, error) {
		return fill(pattern, r), a(ctx, r, s)
	}
}

// fill is the path of pattern with each {name} segment replaced by r's
// path value name, escaped: a value may hold any character.
func fill(pattern string, r *http.Request) string {
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			segs[i] = url.PathEscape(r.PathValue(strings.TrimSuffix(name, "}")))
		}
	}
	return strings.Join(segs, "/")
}

// allowed reports whether the engine lets the member of ctx do action on
// resource, to show the control that does it; an error of the check hides
// the control, as a refusal would.
func (c *Console) allowed(ctx context.Context, action, resource string) bool {
	ok, err := c.svc.Allowed(ctx, action, resource, "")
	return err == nil && ok
}

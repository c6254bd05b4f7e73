package console

import (
	"context"
	"net/http"
)

// act is an action of a page (a form's POST), acting as the member of
// ctx.
type act func(ctx context.Context, r *http.Request, s *session) error

// pageShow renders a page with the problem of its action (err), or none.
type pageShow func(w http.ResponseWriter, r *http.Request, s *session, err error)

// action runs a and, when it succeeds, sends the browser to the page at
// to(r) through a redirect, so that a reload does not repeat it; when a
// fails, show renders the page the action was on with the problem (for
// a refusal, the engine's explanation) and its 4xx.
func (c *Console) action(a act, to func(*http.Request) string, show pageShow) memberHandler {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		if err := a(r.Context(), r, s); err != nil {
			show(w, r, s, err)
			return
		}
		seeOther(w, r, to(r))
	}
}

// at is the destination of an action whose page has a fixed path.
func at(path string) func(*http.Request) string {
	return func(*http.Request) string { return path }
}

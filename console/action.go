package console

import (
	"context"
	"net/http"
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

// allowed reports whether the engine lets the member of ctx do action on
// resource, to show the control that does it; an error of the check hides
// the control, as a refusal would.
func (c *Console) allowed(ctx context.Context, action, resource string) bool {
	ok, err := c.svc.Allowed(ctx, action, resource, "")
	return err == nil && ok
}

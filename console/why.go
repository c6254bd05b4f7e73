package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// whyPage is the "why" page's data: the question (member, action,
// resource, project), the members it may be asked about, and the
// engine's answer with its explanation.
type whyPage struct {
	Check service.Check
	// Pick is whether the signed-in member may ask about another (the
	// engine lets every member check itself, and
	// iam.authorization.Authorize decides the others).
	Pick    bool
	Verdict *service.Verdict
}

// handleWhy answers "may this member do this action on this resource?"
// with the engine's decision and explanation: the layer that decided and
// every statement that matched, with the path it came through. It is a
// read: the question is in the URL, so it can be shared and bookmarked.
func (c *Console) handleWhy(w http.ResponseWriter, r *http.Request, s *session) {
	ctx, q := r.Context(), r.URL.Query()
	d := whyPage{Check: service.Check{Principal: keyward.UserID(q.Get("member")), Action: q.Get("action"),
		Resource: q.Get("resource"), Project: q.Get("project")},
		Pick: c.allowed(ctx, "iam.authorization.Authorize", "") && s.allows("/team")}
	v := view{Title: "Why", Me: s, Data: &d}
	member, err := c.picked(ctx, r, "member", "users")
	if err != nil || d.Check.Action == "" {
		c.render(w, r, "why.html", v, err)
		return
	}
	d.Check.Principal = keyward.UserID(member)
	d.Verdict, err = c.svc.Authorize(ctx, d.Check, 0)
	c.render(w, r, "why.html", v, err)
}

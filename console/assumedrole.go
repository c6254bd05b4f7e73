package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// assumedPage is the Assumed roles page's data: the roles the member may
// assume (the trusts that cover it, directly or through a group), its
// live sessions, and a session just started, whose token is shown once.
type assumedPage struct {
	Trusts   []*service.TrustDetail
	Sessions []*service.SessionDetail
	Windows  []window
	New      *newSession
	Now      time.Time
}

// newSession is a session just started, as the API's answer shows it.
type newSession struct {
	*service.SessionDetail
	Remaining int
}

// window is a choice of session length: seed 002's session windows, 15
// minutes to 12 hours (the role's maximum caps it).
type window struct {
	Seconds int
	Label   string
}

var windows = []window{{900, "15 minutes"}, {1800, "30 minutes"}, {3600, "1 hour"}, {7200, "2 hours"},
	{14400, "4 hours"}, {28800, "8 hours"}, {43200, "12 hours"}}

// handleAssumed shows the Assumed roles page.
func (c *Console) handleAssumed(w http.ResponseWriter, r *http.Request, s *session) {
	c.showAssumed(w, r, s, nil, nil)
}

// showAssumed renders the Assumed roles page, with a session just
// started or the problem of an action (err). A member lists its own
// trusts and sessions without a grant.
func (c *Console) showAssumed(w http.ResponseWriter, r *http.Request, s *session, started *service.SessionDetail, err error) {
	ctx, now := r.Context(), c.svc.Now()
	d := &assumedPage{Windows: windows, Now: now}
	v := view{Title: "Assumed roles", Me: s, Data: d}
	if started != nil {
		d.New = &newSession{started, started.RemainingSeconds(now)}
	}
	trusts, _, lerr := c.svc.ListRoleTrusts(ctx, keyward.TrustFilter{User: s.Principal.UserID, Page: keyward.Page{Limit: keyward.MaxPerPage}})
	if lerr == nil {
		for _, t := range trusts {
			if t.Mode == keyward.AssumeManual && t.Live(now) {
				d.Trusts = append(d.Trusts, t)
			}
		}
		d.Sessions, _, lerr = c.svc.ListRoleSessions(ctx, keyward.SessionFilter{UserID: s.Principal.UserID, Page: keyward.Page{Limit: keyward.MaxPerPage}})
	}
	if lerr != nil {
		v.Data = nil
		err = lerr
	}
	c.render(w, r, "assumed.html", v, err)
}

// handleAssume assumes the chosen role for a session and answers with the
// session, its token shown this once: in the answer to the POST, never
// in a URL or a later page.
func (c *Console) handleAssume(w http.ResponseWriter, r *http.Request, s *session) {
	in := service.AssumeInput{RoleID: keyward.RoleID(r.PostFormValue("role_id")), SessionName: r.PostFormValue("session_name")}
	if v := r.PostFormValue("duration"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.showAssumed(w, r, s, nil, keyward.FieldError("duration", "duration %q is not a number of seconds.", v))
			return
		}
		in.Duration = n
	}
	d, err := c.svc.AssumeRole(r.Context(), in)
	if err == nil {
		w.Header().Set("HX-Replace-Url", "/assumed-roles")
	}
	c.showAssumed(w, r, s, d, err)
}

// terminate ends one of the member's sessions, named by its id (the
// page never has its token).
func (c *Console) terminate(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.TerminateRoleSessionByID(ctx, keyward.RoleSessionID(r.PathValue("session_id")))
}

// assumedAction runs a and shows the Assumed roles page again.
func (c *Console) assumedAction(a step) memberHandler {
	return c.act(stay("/assumed-roles", a), func(w http.ResponseWriter, r *http.Request, s *session, err error) {
		c.showAssumed(w, r, s, nil, err)
	})
}

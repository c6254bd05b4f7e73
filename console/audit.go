package console

import (
	"net/http"
	"net/url"
	"time"

	"github.com/keyward-iam/keyward"
)

// auditPage is the audit trail's data: the filters as given, the names
// of the page's actors (those the member may read), and a page of the
// events, newest first, each with its before and after.
type auditPage struct {
	Actor, Action, Object, Since, Until string
	Names                               map[keyward.UserID]string
	Events                              []auditRow
	Pager                               pager
}

// auditRow is an event with its before and after indented for reading.
type auditRow struct {
	*keyward.AuditEvent
	BeforeJSON, AfterJSON string
}

// auditTimeLayout is how the filter's time fields (datetime-local inputs)
// send a time: the browser's local time without a zone, which the page
// says is UTC.
const auditTimeLayout = "2006-01-02T15:04"

// auditRoutes adds the audit trail.
func (c *Console) auditRoutes() {
	c.member("GET /audit", c.handleAudit)
}

// handleAudit lists the organization's audit events that the filters of
// the URL select: actor, action, object (the target's id) and a time
// range (since inclusive, until exclusive, in UTC). Events about objects
// the member may not read come without their before and after, as the
// API redacts them.
func (c *Console) handleAudit(w http.ResponseWriter, r *http.Request, s *session) {
	ctx, q := r.Context(), r.URL.Query()
	d := auditPage{Actor: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object"), Since: q.Get("since"), Until: q.Get("until"),
		Names: map[keyward.UserID]string{}}
	v := view{Title: "Audit trail", Me: s, Data: &d}
	f := keyward.AuditFilter{Action: d.Action, TargetID: d.Object, Page: pageOf(r)}
	actor, err := c.picked(ctx, r, "actor", "users")
	f.ActorID = keyward.UserID(actor)
	if err == nil {
		f.Since, err = auditTime("since", d.Since)
	}
	if err == nil {
		f.Until, err = auditTime("until", d.Until)
	}
	if err != nil {
		c.render(w, r, "audit.html", v, err)
		return
	}
	events, info, err := c.svc.ListAuditEvents(ctx, f)
	if err != nil {
		c.render(w, r, "audit.html", v, err)
		return
	}
	for _, e := range events {
		d.Events = append(d.Events, auditRow{e, indentJSON(e.Before), indentJSON(e.After)})
		if _, seen := d.Names[e.ActorID]; e.ActorID != "" && !seen {
			if u, err := c.svc.GetUser(ctx, e.ActorID); err == nil {
				d.Names[e.ActorID] = u.Account.Name
			} else {
				d.Names[e.ActorID] = "" // not readable: the row shows the id
			}
		}
	}
	d.Pager = pagerOf("/audit", info)
	d.Pager.Query = url.Values{}
	for _, k := range []string{"actor", "action", "object", "since", "until"} {
		if v := q.Get(k); v != "" {
			d.Pager.Query.Set(k, v)
		}
	}
	c.render(w, r, "audit.html", v, nil)
}

// auditTime reads a time filter of field; empty is no filter.
func auditTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(auditTimeLayout, s)
	if err != nil {
		t, err = time.Parse(auditTimeLayout+":05", s) // with seconds, as some browsers send it
	}
	if err != nil {
		return time.Time{}, keyward.FieldError(field, "%s %q is not a time such as 2026-12-06T16:30.", field, s)
	}
	return t, nil
}

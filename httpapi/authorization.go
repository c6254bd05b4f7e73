package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/service"
)

// checkReq is one question of the authorize API.
type checkReq struct {
	PrincipalID string `json:"principal_id"`
	Action      string `json:"action"`
	Resource    struct {
		ID             string `json:"id"`
		ProjectID      string `json:"project_id"`
		OrganizationID string `json:"organization_id"`
	} `json:"resource"`
	Context struct {
		SourceIP string  `json:"source_ip"`
		Time     *string `json:"time"`
		MFA      *bool   `json:"mfa"`
	} `json:"context"`
}

func (q *checkReq) check(field string) (service.Check, error) {
	c := service.Check{
		Principal: keyward.UserID(q.PrincipalID),
		Action:    q.Action,
		Resource:  q.Resource.ID,
		Project:   q.Resource.ProjectID,
		Org:       q.Resource.OrganizationID,
		SourceIP:  q.Context.SourceIP,
		MFA:       q.Context.MFA,
	}
	if q.Context.Time != nil {
		t, err := time.Parse(time.RFC3339, *q.Context.Time)
		if err != nil {
			return c, keyward.FieldError(field+"context.time", "context.time %q is not an RFC 3339 time.", *q.Context.Time)
		}
		c.Time = &t
	}
	return c, nil
}

type authorizeReq struct {
	checkReq
	MinRevision int64 `json:"min_revision"`
	Explain     *bool `json:"explain"`
}

type batchReq struct {
	Checks      []checkReq `json:"checks"`
	MinRevision int64      `json:"min_revision"`
	Explain     *bool      `json:"explain"`
}

// brief reports whether explain, the request's "explain" member, asks
// for the verdict alone; the explanation is the default.
func brief(explain *bool) bool { return explain != nil && !*explain }

// verdictJSON is the answer to one check: "allow" or "deny" at the top, the
// engine's explanation (with the layer and the statements) below, unless
// the request said "explain": false.
type verdictJSON struct {
	Decision    string        `json:"decision"`
	Allowed     bool          `json:"allowed"`
	PrincipalID string        `json:"principal_id"`
	Revision    int64         `json:"revision"`
	Explanation *authz.Result `json:"explanation,omitempty"`
}

func toVerdictJSON(v *service.Verdict) verdictJSON {
	d := "deny"
	if v.Allowed {
		d = "allow"
	}
	out := verdictJSON{Decision: d, Allowed: v.Allowed, PrincipalID: string(v.Principal), Revision: v.Revision}
	if !v.Brief {
		out.Explanation = &v.Explanation
	}
	return out
}

func (s *server) handleAuthorize() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req authorizeReq
		if err := decodeAuthorize(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		c, err := req.check("")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		c.Brief = brief(req.Explain)
		v, err := s.svc.Authorize(r.Context(), c, req.MinRevision)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := toVerdictJSON(v)
		writeVerdict(w, &out)
	})
}

func (s *server) handleAuthorizeBatch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req batchReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		cs := make([]service.Check, len(req.Checks))
		for i := range req.Checks {
			var err error
			if cs[i], err = req.Checks[i].check("checks[" + strconv.Itoa(i) + "]."); err != nil {
				s.writeError(w, r, err)
				return
			}
			cs[i].Brief = brief(req.Explain)
		}
		vs, err := s.svc.AuthorizeBatch(r.Context(), cs, req.MinRevision)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := struct {
			Results  []verdictJSON `json:"results"`
			Revision int64         `json:"revision"`
		}{Results: make([]verdictJSON, len(vs))}
		for i := range vs {
			out.Results[i] = toVerdictJSON(&vs[i])
			out.Revision = vs[i].Revision
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// minRevisionOf reads the optional min_revision query parameter.
func minRevisionOf(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("min_revision")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, keyward.FieldError("min_revision", "min_revision must be a non-negative integer.")
	}
	return n, nil
}

func (s *server) handleEffectiveAccess(me bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id keyward.UserID
		if !me {
			v, err := pathID(r, "user_id")
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			id = keyward.UserID(v)
		}
		rev, err := minRevisionOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		acc, err := s.svc.EffectiveAccess(r.Context(), id, rev)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			EffectiveAccess *authz.Access `json:"effective_access"`
		}{acc})
	})
}

// granteeJSON is one principal of a who-can answer.
type granteeJSON struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Kind  string   `json:"kind"`
	Layer string   `json:"layer"`
	Via   []string `json:"via"`
}

func (s *server) handleWhoCan() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req authorizeReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if req.PrincipalID != "" {
			s.writeError(w, r, keyward.FieldError("principal_id", "who-can finds the principals itself; leave principal_id out."))
			return
		}
		if req.Explain != nil {
			s.writeError(w, r, keyward.FieldError("explain", "who-can always lists the paths that grant; leave explain out."))
			return
		}
		c, err := req.check("")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		gs, rev, err := s.svc.WhoCan(r.Context(), c, req.MinRevision)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := struct {
			Principals []granteeJSON `json:"principals"`
			Revision   int64         `json:"revision"`
		}{Principals: make([]granteeJSON, len(gs)), Revision: rev}
		for i, g := range gs {
			out.Principals[i] = granteeJSON{ID: string(g.User.Account.ID), Name: g.User.Name, Email: g.User.Email,
				Kind: string(g.User.Kind()), Layer: g.Layer, Via: g.Via}
		}
		writeJSON(w, http.StatusOK, out)
	})
}

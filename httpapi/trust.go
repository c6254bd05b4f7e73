package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// timeOfDayJSON is Vultr's time_of_day: whole UTC hours. Vultr's docs
// also show a timezone and days_of_week inside it; keyward accepts UTC
// only, and days there as in conditions.days_of_week.
type timeOfDayJSON struct {
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Timezone   string   `json:"timezone,omitempty"`
	DaysOfWeek []string `json:"days_of_week,omitempty"`
}

// conditionsJSON is a trust's conditions, always an object (Vultr's
// client cannot decode an array there).
type conditionsJSON struct {
	TimeOfDay  *timeOfDayJSON `json:"time_of_day"`
	IPAddress  []string       `json:"ip_address"`
	DaysOfWeek []string       `json:"days_of_week"`
}

// trustJSON is Vultr's RoleTrust with keyward's role_id, assumption_mode,
// OIDC issuer trustee and claim conditions.
type trustJSON struct {
	ID                  string            `json:"id"`
	RoleID              string            `json:"role_id"`
	RoleName            string            `json:"role_name"`
	TrustType           string            `json:"trust_type"`
	AssumptionMode      string            `json:"assumption_mode"`
	TrustedUserID       string            `json:"trusted_user_id"`
	UserDisplay         string            `json:"user_display"`
	TrustedGroupID      string            `json:"trusted_group_id"`
	GroupDisplay        string            `json:"group_display"`
	TrustedOIDCIssuerID string            `json:"trusted_oidc_issuer_id"`
	ClaimConditions     map[string]string `json:"claim_conditions"`
	Conditions          conditionsJSON    `json:"conditions"`
	ValidUntil          string            `json:"valid_until"`
	DateCreated         string            `json:"date_created"`
	DateUpdated         string            `json:"date_updated"`
	DateDeleted         string            `json:"date_deleted,omitempty"`
}

func toTrustJSON(d *service.TrustDetail) trustJSON {
	c := conditionsJSON{IPAddress: []string{}, DaysOfWeek: []string{}}
	if w := d.Conditions.TimeOfDay; w != nil {
		c.TimeOfDay = &timeOfDayJSON{Start: w.Start, End: w.End}
	}
	for _, p := range d.Conditions.IPAddress {
		c.IPAddress = append(c.IPAddress, p.String())
	}
	for _, day := range d.Conditions.DaysOfWeek {
		c.DaysOfWeek = append(c.DaysOfWeek, keyward.WeekdayName(day))
	}
	claims := d.ClaimConditions
	if claims == nil {
		claims = map[string]string{}
	}
	return trustJSON{
		ID: string(d.ID), RoleID: string(d.RoleID), RoleName: d.RoleName, TrustType: string(d.Type), AssumptionMode: string(d.Mode),
		TrustedUserID: string(d.TrustedUserID), UserDisplay: d.UserDisplay, TrustedGroupID: string(d.TrustedGroupID),
		GroupDisplay: d.GroupDisplay, TrustedOIDCIssuerID: d.TrustedOIDCIssuerID, ClaimConditions: claims, Conditions: c,
		ValidUntil: timeJSON(d.ValidUntil), DateCreated: timeJSON(&d.CreatedAt), DateUpdated: timeJSON(&d.UpdatedAt),
		DateDeleted: timeJSON(d.DeletedAt),
	}
}

func trustJSONs(ds []*service.TrustDetail) []trustJSON {
	out := make([]trustJSON, len(ds))
	for i, d := range ds {
		out[i] = toTrustJSON(d)
	}
	return out
}

// trustReq is Vultr's RoleTrustCreateReq and RoleTrustUpdateReq (whose
// fields are all optional) with keyward's fields.
type trustReq struct {
	RoleID              *string           `json:"role_id"`
	TrustType           *string           `json:"trust_type"`
	AssumptionMode      *string           `json:"assumption_mode"`
	TrustedUserID       *string           `json:"trusted_user_id"`
	TrustedGroupID      *string           `json:"trusted_group_id"`
	TrustedOIDCIssuerID *string           `json:"trusted_oidc_issuer_id"`
	ClaimConditions     map[string]string `json:"claim_conditions"`
	Conditions          *conditionsJSON   `json:"conditions"`
	ValidUntil          *string           `json:"valid_until"`
	AcknowledgeUnpinned bool              `json:"acknowledge_unpinned_claims"`
}

func (q *trustReq) input() (service.TrustInput, error) {
	in := service.TrustInput{
		Type: (*keyward.TrustType)(q.TrustType), Mode: (*keyward.AssumptionMode)(q.AssumptionMode),
		TrustedUserID: (*keyward.UserID)(q.TrustedUserID), TrustedGroupID: (*keyward.GroupID)(q.TrustedGroupID),
		TrustedOIDCIssuerID: q.TrustedOIDCIssuerID, ClaimConditions: q.ClaimConditions, ValidUntil: q.ValidUntil,
		AcknowledgeUnpinned: q.AcknowledgeUnpinned,
	}
	if q.RoleID != nil {
		in.RoleID = keyward.RoleID(strings.ToLower(strings.TrimSpace(*q.RoleID)))
	}
	if c := q.Conditions; c != nil {
		in.Conditions = &service.ConditionsInput{IPAddress: c.IPAddress, DaysOfWeek: c.DaysOfWeek}
		if w := c.TimeOfDay; w != nil {
			if tz := strings.ToUpper(strings.TrimSpace(w.Timezone)); tz != "" && tz != "UTC" && tz != "ETC/UTC" {
				return in, keyward.FieldError("conditions.time_of_day.timezone", "timezone %q is not supported: time_of_day is in UTC hours.", w.Timezone)
			}
			in.Conditions.TimeOfDay = &keyward.TimeOfDay{Start: w.Start, End: w.End}
			in.Conditions.DaysOfWeek = append(in.Conditions.DaysOfWeek, w.DaysOfWeek...)
		}
	}
	return in, nil
}

// trustsBody is the envelope of trust listings: role_trusts, or
// assumable_roles for the trusts of one user.
type trustsBody struct {
	RoleTrusts     *[]trustJSON `json:"role_trusts,omitempty"`
	AssumableRoles *[]trustJSON `json:"assumable_roles,omitempty"`
	Meta           meta         `json:"meta"`
}

func (s *server) handleCreateRoleTrust() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *trustReq) (any, error) {
		in, err := req.input()
		if err != nil {
			return nil, err
		}
		if req.RoleID == nil {
			return nil, keyward.FieldError("role_id", "role_id is required.")
		}
		d, err := s.svc.CreateRoleTrust(r.Context(), in)
		if err != nil {
			return nil, err
		}
		return toTrustJSON(d), nil
	})
}

func (s *server) handleGetRoleTrust() http.Handler {
	return s.trustHandler(s.svc.GetRoleTrust)
}

// trustHandler answers with the trust that call returns for the path's
// trust_id, wrapped in role_trust.
func (s *server) trustHandler(call func(context.Context, keyward.RoleTrustID) (*service.TrustDetail, error)) http.Handler {
	return callHandler(s, inPath("trust_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		d, err := call(r.Context(), keyward.RoleTrustID(id))
		if err != nil {
			return nil, err
		}
		return struct {
			RoleTrust trustJSON `json:"role_trust"`
		}{toTrustJSON(d)}, nil
	})
}

// handleListRoleTrusts lists the organization's trusts, those of the
// path's role_id (by-role) or those of the path's user_id (assumable,
// under assumable_roles).
func (s *server) handleListRoleTrusts(by string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		f := keyward.TrustFilter{Page: page}
		switch by {
		case "role_id", "user_id":
			id, err := pathID(r, by)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			if by == "role_id" {
				f.RoleID = keyward.RoleID(id)
			} else {
				f.User = keyward.UserID(id)
			}
		default:
			if f.Deleted, err = deletedParam(r); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		ds, info, err := s.svc.ListRoleTrusts(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		list := trustJSONs(ds)
		body := trustsBody{RoleTrusts: &list, Meta: metaOf(info)}
		if by == "user_id" {
			body.RoleTrusts, body.AssumableRoles = nil, &list
		}
		writeJSON(w, http.StatusOK, body)
	})
}

func (s *server) handleUpdateRoleTrust() http.Handler {
	return callHandler(s, inPath("trust_id"), http.StatusOK, func(r *http.Request, id string, req *trustReq) (any, error) {
		in, err := req.input()
		if err != nil {
			return nil, err
		}
		d, err := s.svc.UpdateRoleTrust(r.Context(), keyward.RoleTrustID(id), in)
		if err != nil {
			return nil, err
		}
		return toTrustJSON(d), nil
	})
}

func (s *server) handleDeleteRoleTrust() http.Handler {
	return callHandler(s, inPath("trust_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteRoleTrust(r.Context(), keyward.RoleTrustID(id))
	})
}

// handleRestoreRoleTrust answers with the trust wrapped in role_trust,
// unlike role and policy restores (vultr-api.md §7.4).
func (s *server) handleRestoreRoleTrust() http.Handler {
	return s.trustHandler(s.svc.RestoreRoleTrust)
}

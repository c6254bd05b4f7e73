package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
)

// deletedOrgJSON is an organization in the deleted listing: when it was
// deleted and when it will be purged for good.
type deletedOrgJSON struct {
	organizationJSON
	DateDeleted string `json:"date_deleted"`
	DatePurge   string `json:"date_purge"`
}

// handleListDeletedOrganizations answers GET /v2/organizations?deleted=true.
func (s *server) handleListDeletedOrganizations(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	orgs, info, err := s.svc.ListDeletedOrganizations(r.Context(), page)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]deletedOrgJSON, len(orgs))
	for i, o := range orgs {
		out[i] = deletedOrgJSON{orgJSON(o), timeJSON(o.DeletedAt), timeJSON(s.svc.PurgeAfter(o))}
	}
	writeJSON(w, http.StatusOK, struct {
		Orgs []deletedOrgJSON `json:"orgs"`
		Meta meta             `json:"meta"`
	}{out, metaOf(info)})
}

// orgAndUser reads the organization_id and user_id path values.
func orgAndUser(r *http.Request) (keyward.OrgID, keyward.UserID, error) {
	org, user, err := twoIDs(r, "organization_id", "user_id")
	return keyward.OrgID(org), keyward.UserID(user), err
}

func (s *server) handleDeleteOrganization() http.Handler {
	return s.orgNoContent(func(r *http.Request, id keyward.OrgID) error { return s.svc.DeleteOrganization(r.Context(), id) })
}

func (s *server) handleRestoreOrganization() http.Handler {
	return s.orgNoContent(func(r *http.Request, id keyward.OrgID) error { return s.svc.RestoreOrganization(r.Context(), id) })
}

// orgNoContent answers 204 to a call on an organization that returns
// nothing.
func (s *server) orgNoContent(call func(*http.Request, keyward.OrgID) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "organization_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := decodeJSON(r, &struct{}{}); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := call(r, keyward.OrgID(id)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// orgUserNoContent answers 204 to a call on an organization's user that
// returns nothing.
func (s *server) orgUserNoContent(call func(*http.Request, keyward.OrgID, keyward.UserID) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, user, err := orgAndUser(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := decodeJSON(r, &struct{}{}); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := call(r, org, user); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleRemoveOrgUser() http.Handler {
	return s.orgUserNoContent(func(r *http.Request, o keyward.OrgID, u keyward.UserID) error {
		return s.svc.RemoveOrgUser(r.Context(), o, u)
	})
}

func (s *server) handleSuspendUser() http.Handler {
	return s.orgUserNoContent(func(r *http.Request, o keyward.OrgID, u keyward.UserID) error {
		return s.svc.SuspendUser(r.Context(), o, u)
	})
}

func (s *server) handleUnsuspendUser() http.Handler {
	return s.orgUserNoContent(func(r *http.Request, o keyward.OrgID, u keyward.UserID) error {
		return s.svc.UnsuspendUser(r.Context(), o, u)
	})
}

func (s *server) handleListSuspendedUsers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "organization_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		users, info, err := s.svc.ListSuspendedUsers(r.Context(), keyward.OrgID(id), page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := make([]orgUserJSON, len(users))
		for i, u := range users {
			out[i] = toOrgUserJSON(u)
		}
		writeJSON(w, http.StatusOK, struct {
			Users []orgUserJSON `json:"users"`
			Meta  meta          `json:"meta"`
		}{out, metaOf(info)})
	})
}

func (s *server) handleTransferOwnership() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "organization_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req struct {
			UserID string `json:"user_id"`
		}
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.TransferOwnership(r.Context(), keyward.OrgID(id), keyward.UserID(req.UserID)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

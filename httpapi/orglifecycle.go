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
func (s *server) handleListDeletedOrganizations() http.Handler {
	return listHandler(s, "orgs", nil, func(r *http.Request, _ string, page keyward.Page) ([]deletedOrgJSON, keyward.PageInfo, error) {
		orgs, info, err := s.svc.ListDeletedOrganizations(r.Context(), page)
		return jsons(orgs, func(o *keyward.Organization) deletedOrgJSON {
			return deletedOrgJSON{orgJSON(o), timeJSON(o.DeletedAt), timeJSON(s.svc.PurgeAfter(o))}
		}), info, err
	})
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
	return callHandler(s, inPath("organization_id"), http.StatusNoContent, func(r *http.Request, id string, _ *struct{}) (any, error) {
		return nil, call(r, keyward.OrgID(id))
	})
}

// orgUser is an organization and one of its users, as a path names them.
type orgUser struct {
	org  keyward.OrgID
	user keyward.UserID
}

// orgUserOf reads the organization and user of r's path.
func orgUserOf(r *http.Request) (orgUser, error) {
	org, user, err := orgAndUser(r)
	return orgUser{org, user}, err
}

// orgUserNoContent answers 204 to a call on an organization's user that
// returns nothing.
func (s *server) orgUserNoContent(call func(*http.Request, keyward.OrgID, keyward.UserID) error) http.Handler {
	return callHandler(s, orgUserOf, http.StatusNoContent, func(r *http.Request, ou orgUser, _ *struct{}) (any, error) {
		return nil, call(r, ou.org, ou.user)
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
	return listHandler(s, "users", inPath("organization_id"), func(r *http.Request, id string, page keyward.Page) ([]orgUserJSON, keyward.PageInfo, error) {
		users, info, err := s.svc.ListSuspendedUsers(r.Context(), keyward.OrgID(id), page)
		return jsons(users, toOrgUserJSON), info, err
	})
}

func (s *server) handleTransferOwnership() http.Handler {
	type request struct {
		UserID string `json:"user_id"`
	}
	return callHandler(s, inPath("organization_id"), http.StatusNoContent, func(r *http.Request, id string, req *request) (any, error) {
		return nil, s.svc.TransferOwnership(r.Context(), keyward.OrgID(id), keyward.UserID(req.UserID))
	})
}

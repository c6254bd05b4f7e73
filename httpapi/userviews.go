package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
)

// userParam returns the user of a per-user view: the caller on the
// /v2/users/me routes, else the path's user_id.
func userParam(r *http.Request, me bool) (keyward.UserID, error) {
	if me {
		if p := keyward.PrincipalFromContext(r.Context()); p != nil {
			return p.UserID, nil
		}
		return "", keyward.Errorf(keyward.CodeUnauthenticated, "Authentication required.")
	}
	id, err := pathID(r, "user_id")
	return keyward.UserID(id), err
}

// userAndPage reads the user and the page of a per-user view.
func userAndPage(r *http.Request, me bool) (keyward.UserID, keyward.Page, error) {
	user, err := userParam(r, me)
	if err != nil {
		return "", keyward.Page{}, err
	}
	page, err := pageOf(r)
	return user, page, err
}

// handleListUserGroups serves /v2/users/{user_id}/groups and, with me,
// /v2/users/me/groups.
func (s *server) handleListUserGroups(me bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, page, err := userAndPage(r, me)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		gs, info, err := s.svc.ListUserGroups(r.Context(), user, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, groupsBody{groupJSONs(gs), metaOf(info)})
	})
}

// handleListUserRoles serves Vultr's RolesForUser view: all, direct and
// inherited (through groups) roles; the page cuts all.
func (s *server) handleListUserRoles(me bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, page, err := userAndPage(r, me)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		set, info, err := s.svc.ListUserRoles(r.Context(), user, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		type rolesForUser struct {
			All       []roleJSON `json:"all"`
			Direct    []roleJSON `json:"direct"`
			Inherited []roleJSON `json:"inherited"`
		}
		writeJSON(w, http.StatusOK, struct {
			Roles rolesForUser `json:"roles"`
			Meta  meta         `json:"meta"`
		}{rolesForUser{roleJSONs(set.All), roleJSONs(set.Direct), roleJSONs(set.Inherited)}, metaOf(info)})
	})
}

// handleListUserPolicies serves Vultr's PoliciesForUser view: all, direct
// and inherited (through groups and roles, marked by from_role and
// source) policies; the page cuts all.
func (s *server) handleListUserPolicies(me bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, page, err := userAndPage(r, me)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		set, info, err := s.svc.ListUserPolicies(r.Context(), user, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		type policiesForUser struct {
			All       []policyJSON `json:"all"`
			Direct    []policyJSON `json:"direct"`
			Inherited []policyJSON `json:"inherited"`
		}
		writeJSON(w, http.StatusOK, struct {
			Policies policiesForUser `json:"policies"`
			Meta     meta            `json:"meta"`
		}{policiesForUser{policyJSONs(set.All), policyJSONs(set.Direct), policyJSONs(set.Inherited)}, metaOf(info)})
	})
}

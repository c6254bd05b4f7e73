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

// userScope is the scope of a per-user view, as userParam reads it.
func userScope(me bool) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		user, err := userParam(r, me)
		return string(user), err
	}
}

// handleListUserGroups serves /v2/users/{user_id}/groups and, with me,
// /v2/users/me/groups.
func (s *server) handleListUserGroups(me bool) http.Handler {
	return listHandler(s, "groups", userScope(me), func(r *http.Request, user string, page keyward.Page) ([]groupJSON, keyward.PageInfo, error) {
		gs, info, err := s.svc.ListUserGroups(r.Context(), keyward.UserID(user), page)
		return groupJSONs(gs), info, err
	})
}

// userViewJSON is Vultr's RolesForUser and PoliciesForUser: all, direct
// and inherited roles or policies.
type userViewJSON[J any] struct {
	All       []J `json:"all"`
	Direct    []J `json:"direct"`
	Inherited []J `json:"inherited"`
}

// handleListUserRoles serves Vultr's RolesForUser view: all, direct and
// inherited (through groups) roles; the page cuts all.
func (s *server) handleListUserRoles(me bool) http.Handler {
	return listHandler(s, "roles", userScope(me), func(r *http.Request, user string, page keyward.Page) (userViewJSON[roleJSON], keyward.PageInfo, error) {
		set, info, err := s.svc.ListUserRoles(r.Context(), keyward.UserID(user), page)
		if err != nil {
			return userViewJSON[roleJSON]{}, info, err
		}
		return userViewJSON[roleJSON]{roleJSONs(set.All), roleJSONs(set.Direct), roleJSONs(set.Inherited)}, info, nil
	})
}

// handleListUserPolicies serves Vultr's PoliciesForUser view: all, direct
// and inherited (through groups and roles, marked by from_role and
// source) policies; the page cuts all.
func (s *server) handleListUserPolicies(me bool) http.Handler {
	return listHandler(s, "policies", userScope(me), func(r *http.Request, user string, page keyward.Page) (userViewJSON[policyJSON], keyward.PageInfo, error) {
		set, info, err := s.svc.ListUserPolicies(r.Context(), keyward.UserID(user), page)
		if err != nil {
			return userViewJSON[policyJSON]{}, info, err
		}
		return userViewJSON[policyJSON]{policyJSONs(set.All), policyJSONs(set.Direct), policyJSONs(set.Inherited)}, info, nil
	})
}

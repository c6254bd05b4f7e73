package httpapi

import (
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// orgUserJSON is Vultr's OrganizationUser: a user as group and policy
// listings show it, plus keyward's service_user and status.
type orgUserJSON struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	AssignmentType string `json:"assignment_type,omitempty"`
	ServiceUser    bool   `json:"service_user"`
	Status         string `json:"status"`
	DateCreated    string `json:"date_created"`
	DateSuspended  string `json:"date_suspended"`
	AssignedDate   string `json:"assigned_date,omitempty"`
}

func toOrgUserJSON(u *keyward.User) orgUserJSON {
	return orgUserJSON{
		ID: string(u.Account.ID), Name: u.Name, Email: u.Email, ServiceUser: u.Service, Status: string(u.Status),
		DateCreated: timeJSON(&u.Member.CreatedAt), DateSuspended: timeJSON(u.SuspendedAt),
	}
}

func memberJSONs(ms []*keyward.GroupMemberView) []orgUserJSON {
	out := make([]orgUserJSON, len(ms))
	for i, m := range ms {
		out[i] = toOrgUserJSON(m.User)
		out[i].AssignedDate = timeJSON(&m.AddedAt)
	}
	return out
}

// groupJSON is Vultr's Group. members holds the first page of members;
// member_count (which Vultr's client no longer reads) counts them all.
type groupJSON struct {
	ID           string        `json:"id"`
	DisplayName  string        `json:"display_name"`
	Description  string        `json:"description"`
	Members      []orgUserJSON `json:"members"`
	MemberCount  int           `json:"member_count"`
	DateCreated  string        `json:"date_created"`
	DateUpdated  string        `json:"date_updated"`
	AssignedDate string        `json:"assigned_date,omitempty"`
	Source       string        `json:"source"`
	DateDeleted  string        `json:"date_deleted,omitempty"`
}

func toGroupJSON(g *service.GroupDetail) groupJSON {
	return groupJSON{
		ID: string(g.ID), DisplayName: g.Name, Description: g.Description, Members: memberJSONs(g.Members),
		MemberCount: max(g.MemberCount, len(g.Members)), DateCreated: timeJSON(&g.CreatedAt), DateUpdated: timeJSON(&g.UpdatedAt),
		AssignedDate: timeJSON(&g.AssignedAt), Source: g.SourceName(), DateDeleted: timeJSON(g.DeletedAt),
	}
}

func groupJSONs(gs []*service.GroupDetail) []groupJSON {
	return jsons(gs, toGroupJSON)
}

// groupReq is Vultr's GroupReq.
type groupReq struct {
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
}

// groupMemberReq is Vultr's GroupMemberReq; display_name is ignored.
type groupMemberReq struct {
	UserID      string `json:"user_id"`
	DisplayName string `json:"display_name"`
}

func (s *server) handleCreateGroup() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *groupReq) (any, error) {
		g, err := s.svc.CreateGroup(r.Context(), service.GroupInput{Name: req.DisplayName, Description: req.Description})
		if err != nil {
			return nil, err
		}
		return toGroupJSON(g), nil
	})
}

func (s *server) handleGetGroup() http.Handler {
	return callHandler(s, inPath("group_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		g, err := s.svc.GetGroup(r.Context(), keyward.GroupID(id))
		if err != nil {
			return nil, err
		}
		return struct {
			Group groupJSON `json:"group"`
		}{toGroupJSON(g)}, nil
	})
}

func (s *server) handleListGroups() http.Handler {
	return listHandler(s, "groups", nil, func(r *http.Request, _ string, page keyward.Page) ([]groupJSON, keyward.PageInfo, error) {
		deleted, err := deletedParam(r)
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		gs, info, err := s.svc.ListGroups(r.Context(), keyward.GroupFilter{Deleted: deleted, Page: page})
		return groupJSONs(gs), info, err
	})
}

func (s *server) handleUpdateGroup() http.Handler {
	return callHandler(s, inPath("group_id"), http.StatusOK, func(r *http.Request, id string, req *groupReq) (any, error) {
		g, err := s.svc.UpdateGroup(r.Context(), keyward.GroupID(id), service.GroupInput{Name: req.DisplayName, Description: req.Description})
		if err != nil {
			return nil, err
		}
		return toGroupJSON(g), nil
	})
}

func (s *server) handleDeleteGroup() http.Handler {
	return callHandler(s, inPath("group_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteGroup(r.Context(), keyward.GroupID(id))
	})
}

// handleRestoreGroup answers with the restored group, bare, as the
// restore of a role does.
func (s *server) handleRestoreGroup() http.Handler {
	return restoreHandler(s, "group_id", s.svc.RestoreGroup, func(w http.ResponseWriter, g *service.GroupDetail) {
		writeJSON(w, http.StatusOK, toGroupJSON(g))
	})
}

func (s *server) handleAddGroupMember() http.Handler {
	return callHandler(s, inPath("group_id"), http.StatusNoContent, func(r *http.Request, id string, req *groupMemberReq) (any, error) {
		if req.UserID == "" {
			return nil, keyward.FieldError("user_id", "user_id is required.")
		}
		return nil, s.svc.AddGroupMember(r.Context(), keyward.GroupID(id), keyward.UserID(strings.ToLower(strings.TrimSpace(req.UserID))))
	})
}

func (s *server) handleRemoveGroupMember() http.Handler {
	return callHandler(s, inPaths("group_id", "user_id"), http.StatusNoContent, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		return nil, s.svc.RemoveGroupMember(r.Context(), keyward.GroupID(ids.first), keyward.UserID(ids.second))
	})
}

func (s *server) handleListGroupMembers() http.Handler {
	return listHandler(s, "members", inPath("group_id"), func(r *http.Request, id string, page keyward.Page) ([]orgUserJSON, keyward.PageInfo, error) {
		ms, info, err := s.svc.ListGroupMembers(r.Context(), keyward.GroupID(id), page)
		return memberJSONs(ms), info, err
	})
}

// groupRoleJSON is Vultr's GroupRole: a role bound to a group, named by
// display_name and dated by date_assigned.
type groupRoleJSON struct {
	ID           string `json:"id"`
	DisplayName  string `json:"display_name"`
	Description  string `json:"description"`
	RoleType     string `json:"role_type"`
	DateAssigned string `json:"date_assigned"`
}

func toGroupRoleJSON(a *service.RoleAssignment) groupRoleJSON {
	return groupRoleJSON{
		ID: string(a.Role.ID), DisplayName: a.Role.Name, Description: a.Role.Description, RoleType: string(a.Role.Type),
		DateAssigned: timeJSON(&a.CreatedAt),
	}
}

// groupRolesJSON is Vultr's roles-of-a-group view.
type groupRolesJSON struct {
	All       []groupRoleJSON `json:"all"`
	Inherited []groupRoleJSON `json:"inherited"`
	Direct    []groupRoleJSON `json:"direct"`
}

func (s *server) handleListGroupRoles() http.Handler {
	return listHandler(s, "roles", inPath("group_id"), func(r *http.Request, id string, page keyward.Page) (groupRolesJSON, keyward.PageInfo, error) {
		set, info, err := s.svc.ListGroupRoles(r.Context(), keyward.GroupID(id), page)
		if err != nil {
			return groupRolesJSON{}, info, err
		}
		return groupRolesJSON{jsons(set.All, toGroupRoleJSON), jsons(set.Inherited, toGroupRoleJSON), jsons(set.Direct, toGroupRoleJSON)}, info, nil
	})
}

// groupPoliciesJSON is Vultr's policies-of-a-group view.
type groupPoliciesJSON struct {
	Direct    []policyJSON `json:"direct"`
	FromRoles []policyJSON `json:"from_roles"`
	All       []policyJSON `json:"all"`
}

func (s *server) handleListGroupPolicies() http.Handler {
	return listHandler(s, "policies", inPath("group_id"), func(r *http.Request, id string, page keyward.Page) (groupPoliciesJSON, keyward.PageInfo, error) {
		set, info, err := s.svc.ListGroupPolicies(r.Context(), keyward.GroupID(id), page)
		if err != nil {
			return groupPoliciesJSON{}, info, err
		}
		return groupPoliciesJSON{policyJSONs(set.Direct), policyJSONs(set.Inherited), policyJSONs(set.All)}, info, nil
	})
}

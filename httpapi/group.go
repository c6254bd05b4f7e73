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
}

func toGroupJSON(g *service.GroupDetail) groupJSON {
	return groupJSON{
		ID: string(g.ID), DisplayName: g.Name, Description: g.Description, Members: memberJSONs(g.Members),
		MemberCount: max(g.MemberCount, len(g.Members)), DateCreated: timeJSON(&g.CreatedAt), DateUpdated: timeJSON(&g.UpdatedAt),
		AssignedDate: timeJSON(&g.AssignedAt),
	}
}

func groupJSONs(gs []*service.GroupDetail) []groupJSON {
	out := make([]groupJSON, len(gs))
	for i, g := range gs {
		out[i] = toGroupJSON(g)
	}
	return out
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req groupReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		g, err := s.svc.CreateGroup(r.Context(), service.GroupInput{Name: req.DisplayName, Description: req.Description})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, toGroupJSON(g))
	})
}

func (s *server) handleGetGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		g, err := s.svc.GetGroup(r.Context(), keyward.GroupID(id))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Group groupJSON `json:"group"`
		}{toGroupJSON(g)})
	})
}

// groupsBody is the envelope of every group listing.
type groupsBody struct {
	Groups []groupJSON `json:"groups"`
	Meta   meta        `json:"meta"`
}

func (s *server) handleListGroups() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		gs, info, err := s.svc.ListGroups(r.Context(), page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, groupsBody{groupJSONs(gs), metaOf(info)})
	})
}

func (s *server) handleUpdateGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req groupReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		g, err := s.svc.UpdateGroup(r.Context(), keyward.GroupID(id), service.GroupInput{Name: req.DisplayName, Description: req.Description})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toGroupJSON(g))
	})
}

func (s *server) handleDeleteGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.DeleteGroup(r.Context(), keyward.GroupID(id)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleAddGroupMember() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req groupMemberReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if req.UserID == "" {
			s.writeError(w, r, keyward.FieldError("user_id", "user_id is required."))
			return
		}
		if err := s.svc.AddGroupMember(r.Context(), keyward.GroupID(id), keyward.UserID(strings.ToLower(strings.TrimSpace(req.UserID)))); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleRemoveGroupMember() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, user, err := twoIDs(r, "group_id", "user_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.RemoveGroupMember(r.Context(), keyward.GroupID(id), keyward.UserID(user)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleListGroupMembers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ms, info, err := s.svc.ListGroupMembers(r.Context(), keyward.GroupID(id), page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Members []orgUserJSON `json:"members"`
			Meta    meta          `json:"meta"`
		}{memberJSONs(ms), metaOf(info)})
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

func groupRoleJSONs(as []*service.RoleAssignment) []groupRoleJSON {
	out := make([]groupRoleJSON, len(as))
	for i, a := range as {
		out[i] = groupRoleJSON{
			ID: string(a.Role.ID), DisplayName: a.Role.Name, Description: a.Role.Description, RoleType: string(a.Role.Type),
			DateAssigned: timeJSON(&a.CreatedAt),
		}
	}
	return out
}

func (s *server) handleListGroupRoles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		set, info, err := s.svc.ListGroupRoles(r.Context(), keyward.GroupID(id), page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		type groupRoles struct {
			All       []groupRoleJSON `json:"all"`
			Inherited []groupRoleJSON `json:"inherited"`
			Direct    []groupRoleJSON `json:"direct"`
		}
		writeJSON(w, http.StatusOK, struct {
			Roles groupRoles `json:"roles"`
			Meta  meta       `json:"meta"`
		}{groupRoles{groupRoleJSONs(set.All), groupRoleJSONs(set.Inherited), groupRoleJSONs(set.Direct)}, metaOf(info)})
	})
}

func (s *server) handleListGroupPolicies() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "group_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		set, info, err := s.svc.ListGroupPolicies(r.Context(), keyward.GroupID(id), page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		type groupPolicies struct {
			Direct    []policyJSON `json:"direct"`
			FromRoles []policyJSON `json:"from_roles"`
			All       []policyJSON `json:"all"`
		}
		writeJSON(w, http.StatusOK, struct {
			Policies groupPolicies `json:"policies"`
			Meta     meta          `json:"meta"`
		}{groupPolicies{policyJSONs(set.Direct), policyJSONs(set.Inherited), policyJSONs(set.All)}, metaOf(info)})
	})
}

// twoIDs reads two id path values, checking each.
func twoIDs(r *http.Request, a, b string) (string, string, error) {
	x, err := pathID(r, a)
	if err != nil {
		return "", "", err
	}
	y, err := pathID(r, b)
	return x, y, err
}

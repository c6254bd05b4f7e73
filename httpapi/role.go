package httpapi

import (
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// roleJSON is Vultr's Role with its live policies. source says how the
// role reaches a user in the user views; date_deleted is set in
// ?deleted=true listings.
type roleJSON struct {
	ID                 string       `json:"id"`
	Name               string       `json:"name"`
	Description        string       `json:"description"`
	RoleType           string       `json:"role_type"`
	MaxSessionDuration int          `json:"max_session_duration"`
	Policies           []policyJSON `json:"policies"`
	Source             string       `json:"source,omitempty"`
	DateCreated        string       `json:"date_created"`
	DateUpdated        string       `json:"date_updated"`
	DateDeleted        string       `json:"date_deleted,omitempty"`
}

func toRoleJSON(r *service.RoleDetail) roleJSON {
	return roleJSON{
		ID: string(r.ID), Name: r.Name, Description: r.Description, RoleType: string(r.Type),
		MaxSessionDuration: r.MaxSessionSeconds, Policies: policyJSONs(r.Policies), Source: r.Source,
		DateCreated: timeJSON(&r.CreatedAt), DateUpdated: timeJSON(&r.UpdatedAt), DateDeleted: timeJSON(r.DeletedAt),
	}
}

func roleJSONs(rs []*service.RoleDetail) []roleJSON {
	out := make([]roleJSON, len(rs))
	for i, r := range rs {
		out[i] = toRoleJSON(r)
	}
	return out
}

// rolesBody is the envelope of every plain role listing.
type rolesBody struct {
	Roles []roleJSON `json:"roles"`
	Meta  meta       `json:"meta"`
}

// roleReq is Vultr's RoleReq.
type roleReq struct {
	Name               string `json:"name"`
	Description        string `json:"description"`
	RoleType           string `json:"role_type"`
	MaxSessionDuration int    `json:"max_session_duration"`
}

func (q roleReq) input() service.RoleInput {
	return service.RoleInput{Name: q.Name, Description: q.Description, Type: keyward.RoleType(q.RoleType), MaxSessionSeconds: q.MaxSessionDuration}
}

// roleAssignmentJSON is Vultr's RolePolicyAttachment, RoleUserAssignment
// and RoleGroupAssignment in one: each carries the role's fields and the
// id (and name) of what the role is attached to.
type roleAssignmentJSON struct {
	PolicyID        string `json:"policy_id,omitempty"`
	PolicyName      string `json:"policy_name,omitempty"`
	UserID          string `json:"user_id,omitempty"`
	GroupID         string `json:"group_id,omitempty"`
	GroupName       string `json:"group_name,omitempty"`
	RoleID          string `json:"role_id"`
	RoleName        string `json:"role_name"`
	RoleDescription string `json:"role_description"`
	RoleType        string `json:"role_type"`
	DateAssigned    string `json:"date_assigned"`
	AssignedBy      string `json:"assigned_by,omitempty"`
}

func assignmentJSON(a *service.RoleAssignment) roleAssignmentJSON {
	j := roleAssignmentJSON{
		RoleID: string(a.Role.ID), RoleName: a.Role.Name, RoleDescription: a.Role.Description, RoleType: string(a.Role.Type),
		DateAssigned: timeJSON(&a.CreatedAt), AssignedBy: string(a.CreatedBy),
	}
	if a.PrincipalType == keyward.PrincipalGroup {
		j.GroupID, j.GroupName = a.PrincipalID, a.GroupName
	} else {
		j.UserID = a.PrincipalID
	}
	return j
}

func (s *server) handleCreateRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req roleReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		role, err := s.svc.CreateRole(r.Context(), req.input())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, toRoleJSON(role))
	})
}

func (s *server) handleGetRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "role_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		role, err := s.svc.GetRole(r.Context(), keyward.RoleID(id))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Role roleJSON `json:"role"`
		}{toRoleJSON(role)})
	})
}

func (s *server) handleListRoles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		deleted, err := deletedParam(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		f := keyward.RoleFilter{Type: keyward.RoleType(r.URL.Query().Get("role_type")), Deleted: deleted, Page: page}
		rs, info, err := s.svc.ListRoles(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, rolesBody{roleJSONs(rs), metaOf(info)})
	})
}

func (s *server) handleUpdateRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "role_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req roleReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		role, err := s.svc.UpdateRole(r.Context(), keyward.RoleID(id), req.input())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toRoleJSON(role))
	})
}

func (s *server) handleDeleteRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "role_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.DeleteRole(r.Context(), keyward.RoleID(id)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleRestoreRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "role_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		role, err := s.svc.RestoreRole(r.Context(), keyward.RoleID(id))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toRoleJSON(role))
	})
}

// roleAndPage reads the role id and the page of a role listing.
func roleAndPage(r *http.Request) (keyward.RoleID, keyward.Page, error) {
	id, err := pathID(r, "role_id")
	if err != nil {
		return "", keyward.Page{}, err
	}
	page, err := pageOf(r)
	return keyward.RoleID(id), page, err
}

func (s *server) handleListRolePolicies() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, page, err := roleAndPage(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ps, info, err := s.svc.ListRolePolicies(r.Context(), id, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, policiesBody{policyJSONs(ps), metaOf(info)})
	})
}

// rolePolicyReq is the body older clients POST to /v2/roles/{id}/policies.
type rolePolicyReq struct {
	PolicyID string `json:"policy_id"`
}

// handleAttachRolePolicy attaches the policy named in the path or, when
// inBody, in the body's policy_id, and answers 201 with a bare
// RolePolicyAttachment.
func (s *server) handleAttachRolePolicy(inBody bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "role_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var policy string
		if inBody {
			var req rolePolicyReq
			if err := decodeJSON(r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
			if policy = strings.ToLower(strings.TrimSpace(req.PolicyID)); !keyward.ValidID(policy) {
				s.writeError(w, r, keyward.FieldError("policy_id", "policy_id %q is not a valid id (a UUID).", req.PolicyID))
				return
			}
		} else if policy, err = pathID(r, "policy_id"); err != nil {
			s.writeError(w, r, err)
			return
		}
		a, err := s.svc.AttachRolePolicy(r.Context(), keyward.RoleID(id), keyward.PolicyID(policy))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, roleAssignmentJSON{
			PolicyID: string(a.Policy.ID), PolicyName: a.Policy.Name, RoleID: string(a.Role.ID), RoleName: a.Role.Name,
			RoleDescription: a.Role.Description, RoleType: string(a.Role.Type), DateAssigned: timeJSON(&a.CreatedAt),
			AssignedBy: string(a.CreatedBy),
		})
	})
}

func (s *server) handleDetachRolePolicy() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, policy, err := twoIDs(r, "role_id", "policy_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.DetachRolePolicy(r.Context(), keyward.RoleID(id), keyward.PolicyID(policy)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleRoleBinding serves attach (201 with the assignment) and detach
// (204) of a role and a user or group.
func (s *server) handleRoleBinding(param string, attach func(*http.Request, keyward.RoleID, string) (*service.RoleAssignment, error),
	detach func(*http.Request, keyward.RoleID, string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, target, err := twoIDs(r, "role_id", param)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if detach != nil {
			if err := detach(r, keyward.RoleID(id), target); err != nil {
				s.writeError(w, r, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		a, err := attach(r, keyward.RoleID(id), target)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, assignmentJSON(a))
	})
}

func (s *server) handleAttachRoleUser() http.Handler {
	return s.handleRoleBinding("user_id", func(r *http.Request, id keyward.RoleID, t string) (*service.RoleAssignment, error) {
		return s.svc.AttachRoleUser(r.Context(), id, keyward.UserID(t))
	}, nil)
}

func (s *server) handleDetachRoleUser() http.Handler {
	return s.handleRoleBinding("user_id", nil, func(r *http.Request, id keyward.RoleID, t string) error {
		return s.svc.DetachRoleUser(r.Context(), id, keyward.UserID(t))
	})
}

func (s *server) handleAttachRoleGroup() http.Handler {
	return s.handleRoleBinding("group_id", func(r *http.Request, id keyward.RoleID, t string) (*service.RoleAssignment, error) {
		return s.svc.AttachRoleGroup(r.Context(), id, keyward.GroupID(t))
	}, nil)
}

func (s *server) handleDetachRoleGroup() http.Handler {
	return s.handleRoleBinding("group_id", nil, func(r *http.Request, id keyward.RoleID, t string) error {
		return s.svc.DetachRoleGroup(r.Context(), id, keyward.GroupID(t))
	})
}

// handleListRoleBindings lists a role's users or groups under Vultr's
// "assignments" envelope.
func (s *server) handleListRoleBindings(list func(*http.Request, keyward.RoleID, keyward.Page) ([]*service.RoleAssignment, keyward.PageInfo, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, page, err := roleAndPage(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		as, info, err := list(r, id, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := make([]roleAssignmentJSON, len(as))
		for i, a := range as {
			out[i] = assignmentJSON(a)
		}
		writeJSON(w, http.StatusOK, struct {
			Assignments []roleAssignmentJSON `json:"assignments"`
			Meta        meta                 `json:"meta"`
		}{out, metaOf(info)})
	})
}

func (s *server) handleListRoleUsers() http.Handler {
	return s.handleListRoleBindings(func(r *http.Request, id keyward.RoleID, p keyward.Page) ([]*service.RoleAssignment, keyward.PageInfo, error) {
		return s.svc.ListRoleUsers(r.Context(), id, p)
	})
}

func (s *server) handleListRoleGroups() http.Handler {
	return s.handleListRoleBindings(func(r *http.Request, id keyward.RoleID, p keyward.Page) ([]*service.RoleAssignment, keyward.PageInfo, error) {
		return s.svc.ListRoleGroups(r.Context(), id, p)
	})
}

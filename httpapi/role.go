package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
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
	AllowChaining      bool         `json:"allow_chaining"`
	Policies           []policyJSON `json:"policies"`
	Source             string       `json:"source,omitempty"`
	DateCreated        string       `json:"date_created"`
	DateUpdated        string       `json:"date_updated"`
	DateDeleted        string       `json:"date_deleted,omitempty"`
	// keyward's: built-in roles are system roles (read-only, the same in
	// every organization); grid and policy_document show the grid of a
	// built-in or grid-defined role and the policy generated from it.
	IsSystemRole   bool            `json:"is_system_role"`
	Grid           policy.Grid     `json:"grid,omitempty"`
	PolicyDocument json.RawMessage `json:"policy_document,omitempty"`
}

func toRoleJSON(r *service.RoleDetail) roleJSON {
	return roleJSON{
		ID: string(r.ID), Name: r.Name, Description: r.Description, RoleType: string(r.Type),
		MaxSessionDuration: r.MaxSessionSeconds, AllowChaining: r.AllowChaining, Policies: policyJSONs(r.Policies), Source: r.Source,
		DateCreated: timeJSON(&r.CreatedAt), DateUpdated: timeJSON(&r.UpdatedAt), DateDeleted: timeJSON(r.DeletedAt),
		IsSystemRole: r.System, Grid: r.Grid, PolicyDocument: r.Document,
	}
}

func roleJSONs(rs []*service.RoleDetail) []roleJSON {
	return jsons(rs, toRoleJSON)
}

// roleReq is Vultr's RoleReq.
type roleReq struct {
	Name               string `json:"name"`
	Description        string `json:"description"`
	RoleType           string `json:"role_type"`
	MaxSessionDuration int    `json:"max_session_duration"`
	AllowChaining      *bool  `json:"allow_chaining"` // keyward's; absent keeps the current value
	// Grid is keyward's: the role's permissions as a grid; absent keeps
	// the current grid, if any.
	Grid policy.Grid `json:"grid"`
}

func (q roleReq) input() service.RoleInput {
	return service.RoleInput{Name: q.Name, Description: q.Description, Type: keyward.RoleType(q.RoleType), MaxSessionSeconds: q.MaxSessionDuration,
		AllowChaining: q.AllowChaining, Grid: q.Grid}
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
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *roleReq) (any, error) {
		role, err := s.svc.CreateRole(r.Context(), req.input())
		if err != nil {
			return nil, err
		}
		return toRoleJSON(role), nil
	})
}

func (s *server) handleGetRole() http.Handler {
	return callHandler(s, inPath("role_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		role, err := s.svc.GetRole(r.Context(), keyward.RoleID(id))
		if err != nil {
			return nil, err
		}
		return struct {
			Role roleJSON `json:"role"`
		}{toRoleJSON(role)}, nil
	})
}

func (s *server) handleListRoles() http.Handler {
	return listHandler(s, "roles", nil, func(r *http.Request, _ string, page keyward.Page) ([]roleJSON, keyward.PageInfo, error) {
		deleted, err := deletedParam(r)
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		f := keyward.RoleFilter{Type: keyward.RoleType(r.URL.Query().Get("role_type")), Deleted: deleted, Page: page}
		rs, info, err := s.svc.ListRoles(r.Context(), f)
		return roleJSONs(rs), info, err
	})
}

func (s *server) handleUpdateRole() http.Handler {
	return callHandler(s, inPath("role_id"), http.StatusOK, func(r *http.Request, id string, req *roleReq) (any, error) {
		role, err := s.svc.UpdateRole(r.Context(), keyward.RoleID(id), req.input())
		if err != nil {
			return nil, err
		}
		return toRoleJSON(role), nil
	})
}

func (s *server) handleDeleteRole() http.Handler {
	return callHandler(s, inPath("role_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteRole(r.Context(), keyward.RoleID(id))
	})
}

func (s *server) handleRestoreRole() http.Handler {
	return restoreHandler(s, "role_id", s.svc.RestoreRole, func(w http.ResponseWriter, r *service.RoleDetail) {
		writeJSON(w, http.StatusOK, toRoleJSON(r))
	})
}

func (s *server) handleListRolePolicies() http.Handler {
	return listHandler(s, "policies", inPath("role_id"), func(r *http.Request, id string, page keyward.Page) ([]policyJSON, keyward.PageInfo, error) {
		ps, info, err := s.svc.ListRolePolicies(r.Context(), keyward.RoleID(id), page)
		return policyJSONs(ps), info, err
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
	return callHandler(s, inPaths("role_id", "policy_id"), http.StatusNoContent, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		return nil, s.svc.DetachRolePolicy(r.Context(), keyward.RoleID(ids.first), keyward.PolicyID(ids.second))
	})
}

// handleRoleBinding serves attach (201 with the assignment) and detach
// (204) of a role and a user or group.
func (s *server) handleRoleBinding(param string, attach func(*http.Request, keyward.RoleID, string) (*service.RoleAssignment, error),
	detach func(*http.Request, keyward.RoleID, string) error) http.Handler {
	status := http.StatusCreated
	if detach != nil {
		status = http.StatusNoContent
	}
	return callHandler(s, inPaths("role_id", param), status, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		if detach != nil {
			return nil, detach(r, keyward.RoleID(ids.first), ids.second)
		}
		a, err := attach(r, keyward.RoleID(ids.first), ids.second)
		if err != nil {
			return nil, err
		}
		return assignmentJSON(a), nil
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

func (s *server) handleListRoleUsers() http.Handler {
	return listHandler(s, "assignments", inPath("role_id"), func(r *http.Request, id string, page keyward.Page) ([]roleAssignmentJSON, keyward.PageInfo, error) {
		as, info, err := s.svc.ListRoleUsers(r.Context(), keyward.RoleID(id), page)
		return jsons(as, assignmentJSON), info, err
	})
}

func (s *server) handleListRoleGroups() http.Handler {
	return listHandler(s, "assignments", inPath("role_id"), func(r *http.Request, id string, page keyward.Page) ([]roleAssignmentJSON, keyward.PageInfo, error) {
		as, info, err := s.svc.ListRoleGroups(r.Context(), keyward.RoleID(id), page)
		return jsons(as, assignmentJSON), info, err
	})
}

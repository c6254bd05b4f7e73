package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// roleAssignmentsReq is Oxide's policy document: the whole list of a
// scope's role assignments.
type roleAssignmentsReq struct {
	RoleAssignments []service.ScopeAssignment `json:"role_assignments"`
}

// writeAssignments answers with the document and its ETag.
func writeAssignments(w http.ResponseWriter, d *service.ScopeAssignments) {
	w.Header().Set("ETag", `"`+d.ETag+`"`)
	writeJSON(w, http.StatusOK, roleAssignmentsReq{d.Assignments})
}

// handleGetRoleAssignments serves the organization's document (project
// false: path value organization_id) or a project's (project_id).
func (s *server) handleGetRoleAssignments(project bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, proj, err := assignmentScope(r, project)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d, err := s.svc.GetRoleAssignments(r.Context(), org, proj)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeAssignments(w, d)
	})
}

func (s *server) handlePutRoleAssignments(project bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, proj, err := assignmentScope(r, project)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req roleAssignmentsReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if req.RoleAssignments == nil {
			s.writeError(w, r, keyward.FieldError("role_assignments", "role_assignments is required (an empty list removes every assignment)."))
			return
		}
		d, err := s.svc.PutRoleAssignments(r.Context(), org, proj, req.RoleAssignments, r.Header.Get("If-Match"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeAssignments(w, d)
	})
}

// assignmentScope reads the scope of a role-assignments document from the
// path: the organization, whose id must be the caller's (the service
// checks it), or a project of the caller's organization.
func assignmentScope(r *http.Request, project bool) (keyward.OrgID, keyward.ProjectID, error) {
	if project {
		id, err := pathID(r, "project_id")
		return "", keyward.ProjectID(id), err
	}
	id, err := pathID(r, "organization_id")
	return keyward.OrgID(id), "", err
}

type overrideBody struct {
	Override *service.Override `json:"override"`
}

type overrideReq struct {
	Grid policy.Grid `json:"grid"`
}

func (s *server) handleGetOverride() http.Handler {
	return callHandler(s, inPaths("project_id", "user_id"), http.StatusOK, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		o, err := s.svc.GetOverride(r.Context(), keyward.ProjectID(ids.first), keyward.UserID(ids.second))
		if err != nil {
			return nil, err
		}
		return overrideBody{o}, nil
	})
}

func (s *server) handlePutOverride() http.Handler {
	return callHandler(s, inPaths("project_id", "user_id"), http.StatusOK, func(r *http.Request, ids idPair, req *overrideReq) (any, error) {
		o, err := s.svc.PutOverride(r.Context(), keyward.ProjectID(ids.first), keyward.UserID(ids.second), req.Grid)
		if err != nil {
			return nil, err
		}
		return overrideBody{o}, nil
	})
}

func (s *server) handleDeleteOverride() http.Handler {
	return callHandler(s, inPaths("project_id", "user_id"), http.StatusNoContent, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		return nil, s.svc.DeleteOverride(r.Context(), keyward.ProjectID(ids.first), keyward.UserID(ids.second))
	})
}

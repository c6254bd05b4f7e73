package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// policyJSON is Vultr's Policy. policy_document is the canonical document
// (Action and Resource always arrays); version is the policy's own version
// label, its ETag; from_role and source say how it reaches a principal in
// the user and group views.
type policyJSON struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	PolicyDocument json.RawMessage `json:"policy_document"`
	Version        string          `json:"version"`
	IsSystemPolicy bool            `json:"is_system_policy"`
	FromRole       string          `json:"from_role,omitempty"`
	Source         string          `json:"source,omitempty"`
	DateCreated    string          `json:"date_created"`
	DateUpdated    string          `json:"date_updated"`
	DateDeleted    string          `json:"date_deleted,omitempty"`
}

func toPolicyJSON(p *service.PolicyDetail) policyJSON {
	return policyJSON{
		ID: string(p.ID), Name: p.Name, Description: p.Description, PolicyDocument: p.Document,
		Version: strconv.FormatInt(p.Version, 10), IsSystemPolicy: p.Managed, FromRole: string(p.FromRole), Source: p.Source,
		DateCreated: timeJSON(&p.CreatedAt), DateUpdated: timeJSON(&p.UpdatedAt), DateDeleted: timeJSON(p.DeletedAt),
	}
}

func policyJSONs(ps []*service.PolicyDetail) []policyJSON {
	return jsons(ps, toPolicyJSON)
}

// writePolicy answers with one policy and its version as the ETag, bare
// or wrapped in "policy".
func writePolicy(w http.ResponseWriter, status int, p *service.PolicyDetail, wrapped bool) {
	w.Header().Set("ETag", `"`+strconv.FormatInt(p.Version, 10)+`"`)
	if !wrapped {
		writeJSON(w, status, toPolicyJSON(p))
		return
	}
	writeJSON(w, status, struct {
		Policy policyJSON `json:"policy"`
	}{toPolicyJSON(p)})
}

// policyReq is Vultr's PolicyReq. The document is validated by package
// policy, which reports problems by path.
type policyReq struct {
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	PolicyDocument json.RawMessage `json:"policy_document"`
}

func (q policyReq) input(ifMatch string) service.PolicyInput {
	return service.PolicyInput{Name: q.Name, Description: q.Description, Document: q.PolicyDocument, IfMatch: ifMatch}
}

// deletedParam reads the deleted=true|false query parameter.
func deletedParam(r *http.Request) (bool, error) {
	v := r.URL.Query().Get("deleted")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, keyward.FieldError("deleted", "deleted must be true or false.")
	}
	return b, nil
}

func (s *server) handleCreatePolicy() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req policyReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.svc.CreatePolicy(r.Context(), req.input(""))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writePolicy(w, http.StatusCreated, p, false)
	})
}

func (s *server) handleGetPolicy() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "policy_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.svc.GetPolicy(r.Context(), keyward.PolicyID(id))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writePolicy(w, http.StatusOK, p, true)
	})
}

func (s *server) handleListPolicies() http.Handler {
	return listHandler(s, "policies", nil, func(r *http.Request, _ string, page keyward.Page) ([]policyJSON, keyward.PageInfo, error) {
		deleted, err := deletedParam(r)
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		f := service.PolicyFilter{Kind: r.URL.Query().Get("kind"), Deleted: deleted, Page: page}
		ps, info, err := s.svc.ListPolicies(r.Context(), f)
		return policyJSONs(ps), info, err
	})
}

func (s *server) handleUpdatePolicy() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "policy_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req policyReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.svc.UpdatePolicy(r.Context(), keyward.PolicyID(id), req.input(r.Header.Get("If-Match")))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writePolicy(w, http.StatusOK, p, false)
	})
}

func (s *server) handleDeletePolicy() http.Handler {
	return callHandler(s, inPath("policy_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeletePolicy(r.Context(), keyward.PolicyID(id))
	})
}

func (s *server) handleRestorePolicy() http.Handler {
	return restoreHandler(s, "policy_id", s.svc.RestorePolicy, func(w http.ResponseWriter, p *service.PolicyDetail) {
		writePolicy(w, http.StatusOK, p, false)
	})
}

// handlePolicyTarget serves attach (POST) and detach (DELETE) of a policy
// and a user or group: 204 either way, as Vultr's client expects.
func (s *server) handlePolicyTarget(param string, op func(*http.Request, keyward.PolicyID, string) error) http.Handler {
	return callHandler(s, inPaths("policy_id", param), http.StatusNoContent, func(r *http.Request, ids idPair, _ *noBody) (any, error) {
		return nil, op(r, keyward.PolicyID(ids.first), ids.second)
	})
}

func (s *server) handleAttachPolicyUser() http.Handler {
	return s.handlePolicyTarget("user_id", func(r *http.Request, id keyward.PolicyID, t string) error {
		return s.svc.AttachPolicyUser(r.Context(), id, keyward.UserID(t))
	})
}

func (s *server) handleDetachPolicyUser() http.Handler {
	return s.handlePolicyTarget("user_id", func(r *http.Request, id keyward.PolicyID, t string) error {
		return s.svc.DetachPolicyUser(r.Context(), id, keyward.UserID(t))
	})
}

func (s *server) handleAttachPolicyGroup() http.Handler {
	return s.handlePolicyTarget("group_id", func(r *http.Request, id keyward.PolicyID, t string) error {
		return s.svc.AttachPolicyGroup(r.Context(), id, keyward.GroupID(t))
	})
}

func (s *server) handleDetachPolicyGroup() http.Handler {
	return s.handlePolicyTarget("group_id", func(r *http.Request, id keyward.PolicyID, t string) error {
		return s.svc.DetachPolicyGroup(r.Context(), id, keyward.GroupID(t))
	})
}

func (s *server) handleListPolicyUsers() http.Handler {
	return listHandler(s, "users", inPath("policy_id"), func(r *http.Request, id string, page keyward.Page) ([]orgUserJSON, keyward.PageInfo, error) {
		as, info, err := s.svc.ListPolicyUsers(r.Context(), keyward.PolicyID(id), page)
		return jsons(as, func(a *service.UserAssignment) orgUserJSON {
			j := toOrgUserJSON(a.User)
			j.AssignmentType, j.AssignedDate = "direct", timeJSON(&a.AssignedAt)
			return j
		}), info, err
	})
}

func (s *server) handleListPolicyGroups() http.Handler {
	return listHandler(s, "groups", inPath("policy_id"), func(r *http.Request, id string, page keyward.Page) ([]groupJSON, keyward.PageInfo, error) {
		gs, info, err := s.svc.ListPolicyGroups(r.Context(), keyward.PolicyID(id), page)
		return groupJSONs(gs), info, err
	})
}

func (s *server) handleListPolicyRoles() http.Handler {
	return listHandler(s, "roles", inPath("policy_id"), func(r *http.Request, id string, page keyward.Page) ([]roleJSON, keyward.PageInfo, error) {
		rs, info, err := s.svc.ListPolicyRoles(r.Context(), keyward.PolicyID(id), page)
		return roleJSONs(rs), info, err
	})
}

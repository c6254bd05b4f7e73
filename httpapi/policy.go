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
	out := make([]policyJSON, len(ps))
	for i, p := range ps {
		out[i] = toPolicyJSON(p)
	}
	return out
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

// policiesBody is the envelope of every policy listing.
type policiesBody struct {
	Policies []policyJSON `json:"policies"`
	Meta     meta         `json:"meta"`
}

func (s *server) handleListPolicies() http.Handler {
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
		f := service.PolicyFilter{Kind: r.URL.Query().Get("kind"), Deleted: deleted, Page: page}
		ps, info, err := s.svc.ListPolicies(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, policiesBody{policyJSONs(ps), metaOf(info)})
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "policy_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.svc.DeletePolicy(r.Context(), keyward.PolicyID(id)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *server) handleRestorePolicy() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "policy_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.svc.RestorePolicy(r.Context(), keyward.PolicyID(id))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writePolicy(w, http.StatusOK, p, false)
	})
}

// handlePolicyTarget serves attach (POST) and detach (DELETE) of a policy
// and a user or group: 204 either way, as Vultr's client expects.
func (s *server) handlePolicyTarget(param string, op func(*http.Request, keyward.PolicyID, string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, target, err := twoIDs(r, "policy_id", param)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := op(r, keyward.PolicyID(id), target); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
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

// policyAndPage reads the policy id and the page of a policy listing.
func policyAndPage(r *http.Request) (keyward.PolicyID, keyward.Page, error) {
	id, err := pathID(r, "policy_id")
	if err != nil {
		return "", keyward.Page{}, err
	}
	page, err := pageOf(r)
	return keyward.PolicyID(id), page, err
}

func (s *server) handleListPolicyUsers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, page, err := policyAndPage(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		as, info, err := s.svc.ListPolicyUsers(r.Context(), id, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := make([]orgUserJSON, len(as))
		for i, a := range as {
			out[i] = toOrgUserJSON(a.User)
			out[i].AssignmentType, out[i].AssignedDate = "direct", timeJSON(&a.AssignedAt)
		}
		writeJSON(w, http.StatusOK, struct {
			Users []orgUserJSON `json:"users"`
			Meta  meta          `json:"meta"`
		}{out, metaOf(info)})
	})
}

func (s *server) handleListPolicyGroups() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, page, err := policyAndPage(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		gs, info, err := s.svc.ListPolicyGroups(r.Context(), id, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, groupsBody{groupJSONs(gs), metaOf(info)})
	})
}

func (s *server) handleListPolicyRoles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, page, err := policyAndPage(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rs, info, err := s.svc.ListPolicyRoles(r.Context(), id, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, rolesBody{roleJSONs(rs), metaOf(info)})
	})
}

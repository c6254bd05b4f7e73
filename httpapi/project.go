package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// projectJSON is a project (keyward's; in the style of Vultr's objects).
type projectJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	DateCreated string `json:"date_created"`
	DateUpdated string `json:"date_updated"`
}

func toProjectJSON(p *keyward.Project) projectJSON {
	return projectJSON{ID: string(p.ID), Name: p.Name, Description: p.Description, DateCreated: timeJSON(&p.CreatedAt), DateUpdated: timeJSON(&p.UpdatedAt)}
}

type projectBody struct {
	Project projectJSON `json:"project"`
}

type projectReq struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *server) handleCreateProject() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *projectReq) (any, error) {
		p, err := s.svc.CreateProject(r.Context(), service.ProjectInput{Name: req.Name, Description: req.Description})
		if err != nil {
			return nil, err
		}
		return projectBody{toProjectJSON(p)}, nil
	})
}

func (s *server) handleGetProject() http.Handler {
	return callHandler(s, inPath("project_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		p, err := s.svc.GetProject(r.Context(), keyward.ProjectID(id))
		if err != nil {
			return nil, err
		}
		return projectBody{toProjectJSON(p)}, nil
	})
}

func (s *server) handleListProjects() http.Handler {
	return listHandler(s, "projects", nil, func(r *http.Request, _ string, page keyward.Page) ([]projectJSON, keyward.PageInfo, error) {
		ps, info, err := s.svc.ListProjects(r.Context(), page)
		return jsons(ps, toProjectJSON), info, err
	})
}

func (s *server) handleUpdateProject() http.Handler {
	return callHandler(s, inPath("project_id"), http.StatusOK, func(r *http.Request, id string, req *projectReq) (any, error) {
		p, err := s.svc.UpdateProject(r.Context(), keyward.ProjectID(id), service.ProjectInput{Name: req.Name, Description: req.Description})
		if err != nil {
			return nil, err
		}
		return projectBody{toProjectJSON(p)}, nil
	})
}

func (s *server) handleDeleteProject() http.Handler {
	return callHandler(s, inPath("project_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		force, err := boolParam(r, "force")
		if err != nil {
			return nil, err
		}
		return nil, s.svc.DeleteProject(r.Context(), keyward.ProjectID(id), force)
	})
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, keyward.FieldError(name, "%s must be true or false.", name)
	}
	return b, nil
}

// resourceJSON is a registered resource.
type resourceJSON struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	ProjectID   string `json:"project_id"`
	DateCreated string `json:"date_created"`
	CreatedBy   string `json:"created_by"`
}

func toResourceJSON(r *keyward.Resource) resourceJSON {
	return resourceJSON{ID: r.ID, Type: r.Type, ProjectID: string(r.ProjectID), DateCreated: timeJSON(&r.CreatedAt), CreatedBy: string(r.CreatedBy)}
}

type resourceBody struct {
	Resource resourceJSON `json:"resource"`
}

type resourceReq struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	ProjectID string `json:"project_id"`
}

func (s *server) handleRegisterResource() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *resourceReq) (any, error) {
		res, err := s.svc.RegisterResource(r.Context(), service.ResourceInput{ID: req.ID, Type: req.Type, ProjectID: keyward.ProjectID(req.ProjectID)})
		if err != nil {
			return nil, err
		}
		return resourceBody{toResourceJSON(res)}, nil
	})
}

func (s *server) handleGetResource() http.Handler {
	return callHandler(s, resourcePathID, http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		res, err := s.svc.GetResource(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return resourceBody{toResourceJSON(res)}, nil
	})
}

// handleListResources lists registered resources, of one project with
// ?project_id=.
func (s *server) handleListResources() http.Handler {
	scope := func(r *http.Request) (string, error) {
		v := r.URL.Query().Get("project_id")
		if v != "" && !keyward.ValidID(v) {
			return "", keyward.FieldError("project_id", "project_id %q is not a valid id (a UUID).", v)
		}
		return v, nil
	}
	return listHandler(s, "resources", scope, func(r *http.Request, project string, page keyward.Page) ([]resourceJSON, keyward.PageInfo, error) {
		rs, info, err := s.svc.ListResources(r.Context(), keyward.ProjectID(project), page)
		return jsons(rs, toResourceJSON), info, err
	})
}

func (s *server) handleDeleteResource() http.Handler {
	return callHandler(s, resourcePathID, http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteResource(r.Context(), id)
	})
}

// resourcePathID returns the resource id of the path: a UUID, in lower case
// as pathID gives it, or the provider's own id as sent.
func resourcePathID(r *http.Request) (string, error) {
	if v := r.PathValue("resource_id"); policy.ValidResourceID(v) && !keyward.ValidID(strings.ToLower(v)) {
		return v, nil
	}
	return pathID(r, "resource_id")
}

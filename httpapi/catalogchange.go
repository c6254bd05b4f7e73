package httpapi

import (
	"net/http"
	"strconv"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// toActionJSON is an action as the API shows it, with its grid row in the
// current catalog.
func (s *server) toActionJSON(a policy.Action) actionJSON {
	return actionJSON{
		Name: a.Name, Service: a.Service, Resource: a.Resource, Operation: a.Operation, Level: string(a.Level),
		Description: a.Description, Source: a.Source, GridGroup: s.svc.GridGroupOf(a.Name),
	}
}

// catalogPartJSON is a catalog part on the wire: the shape of a catalog
// file (docs/policy.md, "The action catalog").
type catalogPartJSON struct {
	Actions []struct {
		Name        string `json:"name"`
		Level       string `json:"level"`
		Description string `json:"description"`
	} `json:"actions"`
	ResourceTypes []policy.ResourceType `json:"resource_types"`
	GridGroups    []policy.GridGroup    `json:"grid_groups"`
}

func (c *catalogPartJSON) part() policy.CatalogPart {
	p := policy.CatalogPart{Source: policy.SourceAPI, ResourceTypes: c.ResourceTypes, GridGroups: c.GridGroups}
	for _, a := range c.Actions {
		p.Actions = append(p.Actions, policy.Action{Name: a.Name, Level: policy.Level(a.Level), Description: a.Description})
	}
	return p
}

type catalogStateJSON struct {
	Revision      int64                 `json:"revision"`
	Actions       []actionJSON          `json:"actions"`
	ResourceTypes []policy.ResourceType `json:"resource_types"`
	GridGroups    []policy.GridGroup    `json:"grid_groups"`
}

type affectedPolicyJSON struct {
	OrganizationID string `json:"organization_id"`
	ID             string `json:"id"`
	Name           string `json:"name"`
	Reason         string `json:"reason"`
}

type catalogDiffJSON struct {
	Revision      int64                `json:"revision"`
	Applied       bool                 `json:"applied"`
	Added         []string             `json:"added"`
	Removed       []string             `json:"removed"`
	Changed       []string             `json:"changed"`
	ResourceTypes []string             `json:"resource_types"`
	GridGroups    []string             `json:"grid_groups"`
	Affected      []affectedPolicyJSON `json:"affected_policies"`
}

func toCatalogDiffJSON(d *service.CatalogDiff) catalogDiffJSON {
	return catalogDiffJSON{
		Revision: d.Revision, Applied: d.Applied, Added: nonNil(d.Added), Removed: nonNil(d.Removed), Changed: nonNil(d.Changed),
		ResourceTypes: nonNil(d.Types), GridGroups: nonNil(d.Groups),
		Affected: jsons(d.Affected, func(a service.AffectedPolicy) affectedPolicyJSON {
			return affectedPolicyJSON{OrganizationID: string(a.OrgID), ID: string(a.ID), Name: a.Name, Reason: a.Reason}
		}),
	}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (s *server) handleGetAction() http.Handler {
	return callHandler(s, nil, http.StatusOK, func(r *http.Request, _ string, _ *noBody) (any, error) {
		a, err := s.svc.GetAction(r.Context(), r.PathValue("action_name"))
		if err != nil {
			return nil, err
		}
		return struct {
			Action actionJSON `json:"action"`
		}{s.toActionJSON(a)}, nil
	})
}

type gridGroupJSON struct {
	ID      string              `json:"id"`
	Name    string              `json:"name"`
	Columns map[string][]string `json:"columns"` // view/manage/delete → the levels each grants
	Actions []string            `json:"actions"`
}

func (s *server) handleListGridGroups() http.Handler {
	return listHandler(s, "grid_groups", nil, func(r *http.Request, _ string, page keyward.Page) ([]gridGroupJSON, keyward.PageInfo, error) {
		groups, info, err := s.svc.ListGridGroups(r.Context(), page)
		return jsons(groups, func(g service.GridGroup) gridGroupJSON {
			cols := map[string][]string{}
			for l, levels := range g.Cells {
				cols[string(l)] = jsons(levels, func(l policy.Level) string { return string(l) })
			}
			return gridGroupJSON{ID: g.ID, Name: g.Name, Columns: cols, Actions: nonNil(g.Actions)}
		}), info, err
	})
}

func (s *server) handleGetCatalog() http.Handler {
	return callHandler(s, nil, http.StatusOK, func(r *http.Request, _ string, _ *noBody) (any, error) {
		st, err := s.svc.GetCatalog(r.Context())
		if err != nil {
			return nil, err
		}
		return struct {
			Catalog catalogStateJSON `json:"catalog"`
		}{catalogStateJSON{
			Revision: st.Revision, Actions: jsons(st.Part.Actions, s.toActionJSON),
			ResourceTypes: nonNil(st.Part.ResourceTypes), GridGroups: nonNil(st.Part.GridGroups),
		}}, nil
	})
}

// handleChangeCatalog serves PUT /v2/catalog (apply) and POST
// /v2/catalog/diff (apply false): the body is the new part.
func (s *server) handleChangeCatalog(apply bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req catalogPartJSON
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		var d *service.CatalogDiff
		var err error
		if apply {
			force := false
			if v := r.URL.Query().Get("force"); v != "" {
				if force, err = strconv.ParseBool(v); err != nil {
					s.writeError(w, r, keyward.FieldError("force", "force must be true or false."))
					return
				}
			}
			d, err = s.svc.ApplyCatalog(r.Context(), req.part(), force)
		} else {
			d, err = s.svc.DiffCatalog(r.Context(), req.part())
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Change catalogDiffJSON `json:"catalog_change"`
		}{toCatalogDiffJSON(d)})
	})
}

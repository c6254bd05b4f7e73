package httpapi

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// actionJSON is one action of the catalog, as GET /v2/actions lists it.
type actionJSON struct {
	Name        string `json:"name"`
	Service     string `json:"service"`
	Resource    string `json:"resource"`
	Operation   string `json:"operation"`
	Level       string `json:"level"`
	Description string `json:"description"`
	Source      string `json:"source"`     // keyward, vultr, api or file:PATH
	GridGroup   string `json:"grid_group"` // the permission grid's row; "" for the fleet's actions
}

// availableActionJSON is Vultr's "available action" of the endpoint action
// maps: an action and the resource type it acts on.
type availableActionJSON struct {
	ResourceType string `json:"resource_type"`
	Action       string `json:"action"`
	Description  string `json:"description"`
}

// endpointActionMapJSON is Vultr's endpoint action map: a route and the
// action a policy must allow for it.
type endpointActionMapJSON struct {
	ID              string `json:"id"`
	EndpointPattern string `json:"endpoint_pattern"`
	HTTPMethod      string `json:"http_method"`
	RequiredAction  string `json:"required_action"`
	ResourceType    string `json:"resource_type"`
	ResourcePattern string `json:"resource_pattern"`
	Description     string `json:"description"`
	DateCreated     string `json:"date_created"`
	Access          string `json:"access"`
}

// mapsCreated is the date_created of every endpoint action map: the date of
// the policy language version the maps are written in, so that it, like
// the ids, is the same on every run of every server.
const mapsCreated = policy.Version + "T00:00:00Z"

// resourceType is the resource type of an action: "compute.instance" for
// compute.instance.Create.
func resourceType(a policy.Action) string { return a.Service + "." + a.Resource }

func toEndpointActionMapJSON(e *service.Endpoint) endpointActionMapJSON {
	return endpointActionMapJSON{
		ID: e.ID, EndpointPattern: e.Path, HTTPMethod: e.Method, RequiredAction: e.Action.Name,
		ResourceType: resourceType(e.Action), ResourcePattern: resourcePattern(e.Path), Access: e.Access,
		Description: e.Action.Description, DateCreated: mapsCreated,
	}
}

// resourcePattern is the path parameter naming the object a route is about,
// which policies scope it by: the route's first, such as "{user_id}" in
// /v2/users/{user_id}/api-keys/{key_id} (a user's keys are authorized on
// the user); or "*" for a route on no single object, such as a list or a
// create.
func resourcePattern(path string) string {
	i := strings.IndexByte(path, '{')
	j := strings.IndexByte(path[i+1:], '}')
	if i < 0 || j < 0 {
		return "*"
	}
	return path[i : i+j+2]
}

// endpointID is the id of the endpoint action map of a route: the UUIDv5
// (SHA-1) of "keyward:endpoint-action-map:METHOD PATH" in the URL namespace,
// so that it never changes.
func endpointID(method, path string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("keyward:endpoint-action-map:"+method+" "+path)).String()
}

// endpoints returns the routes of s.table that the engine decides (gated
// by an action, or granted by the self layer, which a Deny can still take
// away), sorted by path and then method. It must run after routes has
// filled the table.
func (s *server) endpoints() []service.Endpoint {
	var out []service.Endpoint
	for _, rt := range s.table {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if rt.Access == AccessPublic || !strings.HasPrefix(path, "/v2/") {
			continue
		}
		out = append(out, service.Endpoint{ID: endpointID(method, path), Method: method, Path: path, Action: policy.Action{Name: rt.Action}, Access: string(rt.Access)})
	}
	slices.SortFunc(out, func(a, b service.Endpoint) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	return out
}

func (s *server) handleListActions() http.Handler {
	return listHandler(s, "actions", nil, func(r *http.Request, _ string, page keyward.Page) ([]actionJSON, keyward.PageInfo, error) {
		q := r.URL.Query()
		f := service.ActionFilter{Service: q.Get("service"), Level: policy.Level(q.Get("level")), Query: q.Get("q"), Source: q.Get("source"), Page: page}
		actions, info, err := s.svc.ListActions(r.Context(), f)
		return jsons(actions, s.toActionJSON), info, err
	})
}

// handleListAvailableActions serves Vultr's list of the actions an endpoint
// action map may require: the whole catalog. Vultr's client sends
// view=kv, which changes nothing here.
func (s *server) handleListAvailableActions() http.Handler {
	return listHandler(s, "actions", nil, func(r *http.Request, _ string, page keyward.Page) ([]availableActionJSON, keyward.PageInfo, error) {
		actions, info, err := s.svc.ListActions(r.Context(), service.ActionFilter{Page: page})
		return jsons(actions, func(a policy.Action) availableActionJSON {
			return availableActionJSON{ResourceType: resourceType(a), Action: a.Name, Description: a.Description}
		}), info, err
	})
}

func (s *server) handleListEndpointActionMaps() http.Handler {
	endpoints := sync.OnceValue(s.endpoints) // the table is complete by the first request
	return listHandler(s, "endpoint_action_maps", nil, func(r *http.Request, _ string, page keyward.Page) ([]endpointActionMapJSON, keyward.PageInfo, error) {
		eps, info, err := s.svc.ListEndpoints(r.Context(), endpoints(), page)
		out := make([]endpointActionMapJSON, len(eps))
		for i := range eps {
			out[i] = toEndpointActionMapJSON(&eps[i])
		}
		return out, info, err
	})
}

func (s *server) handleGetEndpointActionMap() http.Handler {
	endpoints := sync.OnceValue(s.endpoints)
	return callHandler(s, inPath("map_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		e, err := s.svc.GetEndpoint(r.Context(), endpoints(), id)
		if err != nil {
			return nil, err
		}
		return struct {
			Map endpointActionMapJSON `json:"endpoint_action_map"`
		}{toEndpointActionMapJSON(e)}, nil
	})
}

package identity

import (
	"net/http"
	"slices"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	filter "github.com/scim2/filter-parser/v2"

	"github.com/keyward-iam/keyward"
)

// scimGroups serves /Groups: a group's displayName, externalId and
// members, which are users.
type scimGroups struct{ scimBase }

func groupResource(g *keyward.SCIMGroup) scim.Resource {
	members := []any{}
	for _, m := range g.Members {
		members = append(members, map[string]any{"value": string(m), "type": "User"})
	}
	r := scim.Resource{ID: string(g.ID), Attributes: scim.ResourceAttributes{"displayName": g.DisplayName, "members": members},
		Meta: resourceMeta(g.CreatedAt, g.UpdatedAt)}
	if g.ExternalID != "" {
		r.ExternalID = optional.NewString(g.ExternalID)
	}
	return r
}

// memberIDs reads the user ids of a members value: a list of {"value": id}.
func memberIDs(v any) ([]keyward.UserID, error) {
	list, ok := v.([]any)
	if !ok {
		if m, isMap := v.(map[string]any); isMap {
			list = []any{m}
		} else if v != nil {
			return nil, invalidMembers()
		}
	}
	var ids []keyward.UserID
	for _, item := range list {
		m, _ := item.(map[string]any)
		id, ok := str(m, "value")
		if !ok {
			return nil, invalidMembers()
		}
		ids = append(ids, keyward.UserID(id))
	}
	return ids, nil
}

func invalidMembers() error {
	se := scimerrors.ScimErrorInvalidValue
	se.Detail = `members is a list of {"value": "<user id>"}.`
	return se
}

// readGroup fills g from the attributes of a POST or PUT, which replace it.
func readGroup(g *keyward.SCIMGroup, attrs scim.ResourceAttributes) error {
	g.DisplayName, _ = str(attrs, "displayName")
	g.ExternalID, _ = str(attrs, "externalId")
	v, _ := lookup(attrs, "members")
	ids, err := memberIDs(v)
	g.Members = ids
	return err
}

func (h scimGroups) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	var in keyward.SCIMGroup
	if err := readGroup(&in, attrs); err != nil {
		return scim.Resource{}, err
	}
	g, err := h.p.CreateGroup(r.Context(), &in)
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return groupResource(g), nil
}

func (h scimGroups) Get(r *http.Request, id string) (scim.Resource, error) {
	g, err := h.p.GetGroup(r.Context(), keyward.GroupID(id))
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return groupResource(g), nil
}

func (h scimGroups) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	return list(h.scimBase, r, params, "displayName", h.p.ListGroups, groupResource)
}

func (h scimGroups) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	g, err := h.p.UpdateGroup(r.Context(), keyward.GroupID(id), func(g *keyward.SCIMGroup) error {
		return readGroup(g, attrs)
	})
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return groupResource(g), nil
}

func (h scimGroups) Delete(r *http.Request, id string) error {
	if err := h.p.DeleteGroup(r.Context(), keyward.GroupID(id)); err != nil {
		return h.fail(r, err)
	}
	return nil
}

// Patch applies operations on displayName, externalId and members: add
// and remove the members listed, remove members[value eq "<id>"] or all
// members, replace them all.
func (h scimGroups) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	g, err := h.p.UpdateGroup(r.Context(), keyward.GroupID(id), func(g *keyward.SCIMGroup) error {
		for _, op := range ops {
			if err := patchGroup(g, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return groupResource(g), nil
}

func patchGroup(g *keyward.SCIMGroup, op scim.PatchOperation) error {
	if op.Op == scim.PatchOperationRemove {
		if op.Path == nil || !strings.EqualFold(op.Path.AttributePath.AttributeName, "members") {
			return nil
		}
		if e, ok := op.Path.ValueExpression.(*filter.AttributeExpression); ok {
			if v, ok := e.CompareValue.(string); ok && e.Operator == filter.EQ && strings.EqualFold(e.AttributePath.AttributeName, "value") {
				g.Members = slices.DeleteFunc(g.Members, func(m keyward.UserID) bool { return string(m) == v })
				return nil
			}
			return invalidMembers()
		}
		if op.Value == nil {
			g.Members = nil
			return nil
		}
		ids, err := memberIDs(op.Value)
		g.Members = slices.DeleteFunc(g.Members, func(m keyward.UserID) bool { return slices.Contains(ids, m) })
		return err
	}
	attrs, err := patchValues(op)
	if err != nil {
		return err
	}
	if s, ok := str(attrs, "displayName"); ok {
		g.DisplayName = s
	}
	if s, ok := str(attrs, "externalId"); ok {
		g.ExternalID = s
	}
	if v, ok := lookup(attrs, "members"); ok {
		ids, err := memberIDs(v)
		if err != nil {
			return err
		}
		if op.Op == scim.PatchOperationReplace {
			g.Members = nil
		}
		g.Members = append(g.Members, ids...)
	}
	return nil
}

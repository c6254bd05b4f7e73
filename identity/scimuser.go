package identity

import (
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"

	"github.com/keyward-iam/keyward"
)

// scimUsers serves /Users: keyward keeps one name per user (displayName,
// else name.formatted, else name.givenName name.familyName) and takes
// userName as the email; emails are answered from it and otherwise
// ignored.
type scimUsers struct{ scimBase }

func userResource(u *keyward.SCIMUser) scim.Resource {
	attrs := scim.ResourceAttributes{
		"userName":    u.UserName,
		"displayName": u.Name,
		"name":        map[string]any{"formatted": u.Name},
		"active":      u.Active,
		"emails":      []any{map[string]any{"value": u.UserName, "type": "work", "primary": true}},
	}
	r := scim.Resource{ID: string(u.ID), Attributes: attrs, Meta: resourceMeta(u.CreatedAt, u.UpdatedAt)}
	if u.ExternalID != "" {
		r.ExternalID = optional.NewString(u.ExternalID)
	}
	return r
}

// readUser fills u from the attributes of a POST or PUT, which replace
// it: active is true unless it says otherwise.
func readUser(u *keyward.SCIMUser, attrs scim.ResourceAttributes) {
	u.UserName, _ = str(attrs, "userName")
	u.ExternalID, _ = str(attrs, "externalId")
	u.Active = true
	if a, ok := lookup(attrs, "active"); ok {
		u.Active = truthy(a)
	}
	u.Name = ""
	setUserName(u, attrs)
}

// truthy reads a boolean as the schema validated it: a bool, or the
// string Entra ID sends ("False"), which SetAllowStringValues lets through.
func truthy(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	s, _ := v.(string)
	return !strings.EqualFold(s, "false")
}

// setUserName sets u.Name from a displayName or a name in attrs, if any.
func setUserName(u *keyward.SCIMUser, attrs map[string]any) {
	if d, ok := str(attrs, "displayName"); ok && strings.TrimSpace(d) != "" {
		u.Name = d
		return
	}
	n, _ := lookup(attrs, "name")
	name, _ := n.(map[string]any)
	if f, ok := str(name, "formatted"); ok && strings.TrimSpace(f) != "" {
		u.Name = f
		return
	}
	given, _ := str(name, "givenName")
	family, _ := str(name, "familyName")
	if full := strings.TrimSpace(given + " " + family); full != "" {
		u.Name = full
	}
}

func (h scimUsers) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	var in keyward.SCIMUser
	readUser(&in, attrs)
	u, err := h.p.CreateUser(r.Context(), &in)
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return userResource(u), nil
}

func (h scimUsers) Get(r *http.Request, id string) (scim.Resource, error) {
	u, err := h.p.GetUser(r.Context(), keyward.UserID(id))
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return userResource(u), nil
}

func (h scimUsers) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	return list(h.scimBase, r, params, "userName", h.p.ListUsers, userResource)
}

func (h scimUsers) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	u, err := h.p.UpdateUser(r.Context(), keyward.UserID(id), func(u *keyward.SCIMUser) error {
		readUser(u, attrs)
		return nil
	})
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return userResource(u), nil
}

func (h scimUsers) Delete(r *http.Request, id string) error {
	if err := h.p.DeleteUser(r.Context(), keyward.UserID(id)); err != nil {
		return h.fail(r, err)
	}
	return nil
}

// Patch applies add and replace operations on active, userName,
// externalId, displayName and name (with or without a path: Okta sends
// {"op":"replace","value":{"active":false}}, Entra ID paths such as
// name.givenName); a remove, or any other attribute, changes nothing.
func (h scimUsers) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	u, err := h.p.UpdateUser(r.Context(), keyward.UserID(id), func(u *keyward.SCIMUser) error {
		for _, op := range ops {
			if op.Op == scim.PatchOperationRemove {
				continue
			}
			attrs, err := patchValues(op)
			if err != nil {
				return err
			}
			if s, ok := str(attrs, "userName"); ok {
				u.UserName = s
			}
			if s, ok := str(attrs, "externalId"); ok {
				u.ExternalID = s
			}
			if a, ok := lookup(attrs, "active"); ok {
				u.Active = truthy(a)
			}
			setUserName(u, attrs)
		}
		return nil
	})
	if err != nil {
		return scim.Resource{}, h.fail(r, err)
	}
	return userResource(u), nil
}

// patchValues turns a PATCH operation into the attributes it sets: its
// value if it has no path, else {path: value}, a sub-attribute path
// (name.givenName) nesting its value under the attribute.
func patchValues(op scim.PatchOperation) (map[string]any, error) {
	if op.Path == nil {
		v, ok := op.Value.(map[string]any)
		if !ok {
			se := scimerrors.ScimErrorInvalidValue
			se.Detail = "A patch operation without a path needs an object as its value."
			return nil, se
		}
		return v, nil
	}
	ap := op.Path.AttributePath
	if ap.SubAttribute != nil {
		return map[string]any{ap.AttributeName: map[string]any{*ap.SubAttribute: op.Value}}, nil
	}
	return map[string]any{ap.AttributeName: op.Value}, nil
}

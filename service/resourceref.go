package service

import (
	"fmt"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// checkResourceID checks that id is a provider resource id: a lowercase
// UUID, or the provider's own id (policy.ValidResourceID) that is not a
// UUID in upper case, so that a resource's UUID has one spelling. An empty
// id is refused when required.
func checkResourceID(field, id string, required bool) error {
	switch {
	case id == "" && !required, keyward.ValidID(id):
		return nil
	case keyward.ValidID(strings.ToLower(id)):
		return keyward.FieldError(field, "%s %q is a UUID in upper case; send UUIDs in lower case.", field, id)
	case !policy.ValidResourceID(id):
		return keyward.FieldError(field, "%s %q is not a resource id: a lowercase UUID, or the provider's own id of 1 to %d letters, digits and - _ . : / @ + = ,", field, id, policy.MaxResourceIDLen)
	}
	return nil
}

// checkResourceType checks that typ is a resource type of the catalog,
// suggesting the nearest one if it is not.
func (s *Service) checkResourceType(field, typ string) error {
	if ok, near := s.catalog().HasResourceType(typ); !ok {
		msg := fmt.Sprintf("%q is not a resource type of the catalog (service.resource, such as compute.instance).", typ)
		if near != "" {
			msg += fmt.Sprintf(" Did you mean %q?", near)
		}
		return keyward.FieldError(field, "%s", msg)
	}
	return nil
}

// checkRegisteredType refuses a request whose resource.type contradicts the
// type its resource is registered with in snap's organization: the request
// would be decided as a resource it is not.
func checkRegisteredType(snap *authz.Snapshot, r *authz.Request, field func(string) string) error {
	if r.Type == "" || r.Resource == "" || r.Own {
		return nil
	}
	if _, typ, ok := snap.Registered(r.Resource); ok && !strings.EqualFold(typ, r.Type) {
		return keyward.FieldError(field("resource.type"), "resource.type %q contradicts the type %q resource %q is registered with.", r.Type, typ, r.Resource)
	}
	return nil
}

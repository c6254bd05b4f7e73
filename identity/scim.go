package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	filter "github.com/scim2/filter-parser/v2"

	"github.com/keyward-iam/keyward"
)

// SCIMProvisioner is what one organization's identity provider may do
// through SCIM, in keyward's terms (the service's SCIM). Errors are
// keyward errors; SCIMHandler answers them in SCIM's shape.
type SCIMProvisioner interface {
	CreateUser(ctx context.Context, in *keyward.SCIMUser) (*keyward.SCIMUser, error)
	GetUser(ctx context.Context, id keyward.UserID) (*keyward.SCIMUser, error)
	ListUsers(ctx context.Context, userName string, page keyward.Page) ([]*keyward.SCIMUser, int, error)
	UpdateUser(ctx context.Context, id keyward.UserID, edit func(*keyward.SCIMUser) error) (*keyward.SCIMUser, error)
	DeleteUser(ctx context.Context, id keyward.UserID) error
	CreateGroup(ctx context.Context, in *keyward.SCIMGroup) (*keyward.SCIMGroup, error)
	GetGroup(ctx context.Context, id keyward.GroupID) (*keyward.SCIMGroup, error)
	ListGroups(ctx context.Context, displayName string, page keyward.Page) ([]*keyward.SCIMGroup, int, error)
	UpdateGroup(ctx context.Context, id keyward.GroupID, edit func(*keyward.SCIMGroup) error) (*keyward.SCIMGroup, error)
	DeleteGroup(ctx context.Context, id keyward.GroupID) error
}

func init() {
	// Entra ID sends booleans as strings ("active": "False") unless a
	// feature flag is set; the library refuses them otherwise. It is the
	// library's one switch, and this package its only user.
	schema.SetAllowStringValues(true)
}

// scimMaxResults is the most resources one SCIM list returns.
const scimMaxResults = 200

// SCIMHandler serves SCIM 2.0 (RFC 7643, 7644) for p at baseURL, the
// endpoint's absolute URL: ServiceProviderConfig, ResourceTypes, Schemas,
// Users and Groups, relative to the request path, which the caller strips
// down to what follows baseURL (e.g. /Users/{id}). Lists filter only on
// `userName eq` and `displayName eq` (anything else is 400
// invalidFilter) and page with startIndex and count.
func SCIMHandler(p SCIMProvisioner, baseURL string, log *slog.Logger) http.Handler {
	base := scimBase{p, log}
	auth := scim.AuthenticationScheme{Type: scim.AuthenticationTypeOauthBearerToken, Name: "Bearer token",
		Description: "A SCIM token of the organization (kwscim_…), created with POST /v2/scim-tokens.", Primary: true}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			AuthenticationSchemes: []scim.AuthenticationScheme{auth},
			MaxResults:            scimMaxResults,
			SupportFiltering:      true,
			SupportPatch:          true,
		},
		ResourceTypes: []scim.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Description: optional.NewString("User Account"),
				Schema: schema.CoreUserSchema(), Handler: scimUsers{base}},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Description: optional.NewString("Group"),
				Schema: schema.CoreGroupSchema(), Handler: scimGroups{base}},
		},
	}, scim.WithBaseURL(baseURL))
	if err != nil {
		panic("identity: SCIM server: " + err.Error()) // the arguments above are constant
	}
	return srv
}

// WriteSCIMError answers err in SCIM's error shape (RFC 7644 §3.12).
func WriteSCIMError(w http.ResponseWriter, err error) {
	e := scimError(err)
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(e.Status)
	b, _ := e.MarshalJSON()
	w.Write(b)
}

// scimBase is what the resource handlers share: the provisioner and
// where internal errors are logged.
type scimBase struct {
	p   SCIMProvisioner
	log *slog.Logger
}

// fail is the SCIM error of err, logging an internal one, whose answer
// says nothing of it.
func (b scimBase) fail(r *http.Request, err error) error {
	se := scimError(err)
	if se.Status >= http.StatusInternalServerError {
		b.log.ErrorContext(r.Context(), "scim", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	return se
}

// scimError maps a keyward error to SCIM's: a status and, for a 400 or a
// 409, SCIM's keyword. An internal error says no more than that.
func scimError(err error) scimerrors.ScimError {
	var se scimerrors.ScimError
	if errors.As(err, &se) {
		return se
	}
	msg := keyward.ErrorMessage(err)
	switch keyward.ErrorCode(err) {
	case keyward.CodeInvalid, keyward.CodeUnprocessable, keyward.CodeTooLarge:
		return scimerrors.ScimError{Status: http.StatusBadRequest, ScimType: scimerrors.ScimTypeInvalidValue, Detail: msg}
	case keyward.CodeUnauthenticated:
		return scimerrors.ScimError{Status: http.StatusUnauthorized, Detail: msg}
	case keyward.CodePermissionDenied:
		return scimerrors.ScimError{Status: http.StatusForbidden, Detail: msg}
	case keyward.CodeNotFound:
		return scimerrors.ScimError{Status: http.StatusNotFound, Detail: msg}
	case keyward.CodeConflict:
		return scimerrors.ScimError{Status: http.StatusConflict, ScimType: scimerrors.ScimTypeUniqueness, Detail: msg}
	}
	return scimerrors.ScimError{Status: http.StatusInternalServerError, Detail: "Internal error."}
}

// eqFilter returns the value of a list's filter `attr eq "value"`, "" for
// no filter, and a 400 invalidFilter for any other.
func eqFilter(params scim.ListRequestParams, attr string) (string, error) {
	if params.FilterValidator == nil {
		return "", nil
	}
	e, ok := params.FilterValidator.GetFilter().(*filter.AttributeExpression)
	if ok && e.Operator == filter.EQ && strings.EqualFold(e.AttributePath.AttributeName, attr) && e.AttributePath.SubAttribute == nil {
		if v, ok := e.CompareValue.(string); ok && v != "" {
			return v, nil
		}
	}
	se := scimerrors.ScimErrorInvalidFilter
	se.Detail = "keyward filters " + attr + " with eq only, e.g. " + attr + ` eq "value".`
	return "", se
}

// page is the keyward page of a SCIM list's startIndex and count. A count
// of 0 asks for the total alone: one row is read and dropped (none).
func page(params scim.ListRequestParams) (keyward.Page, bool) {
	p := keyward.Page{Limit: params.Count, Offset: params.StartIndex - 1}
	if p.Limit <= 0 {
		p.Limit = 1
		return p, true
	}
	return p, false
}

// list runs one SCIM list for b: its filter on attr, its page, and the
// resources of what fetch returns.
func list[T any](b scimBase, r *http.Request, params scim.ListRequestParams, attr string, fetch func(ctx context.Context, value string, p keyward.Page) ([]T, int, error), resource func(T) scim.Resource) (scim.Page, error) {
	value, err := eqFilter(params, attr)
	if err != nil {
		return scim.Page{}, err
	}
	p, none := page(params)
	items, total, err := fetch(r.Context(), value, p)
	if err != nil {
		return scim.Page{}, b.fail(r, err)
	}
	out := scim.Page{TotalResults: total, Resources: []scim.Resource{}}
	if none {
		return out, nil
	}
	for _, it := range items {
		out.Resources = append(out.Resources, resource(it))
	}
	return out, nil
}

// str returns attrs[key] if it is a string.
func str(attrs map[string]any, key string) (string, bool) {
	v, _ := lookup(attrs, key)
	s, ok := v.(string)
	return s, ok
}

// lookup returns attrs[key], case-insensitively as SCIM names attributes.
func lookup(attrs map[string]any, key string) (any, bool) {
	for k, v := range attrs {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// resourceMeta is the meta of a resource created and updated then.
func resourceMeta(created, updated time.Time) scim.Meta {
	return scim.Meta{Created: &created, LastModified: &updated}
}

package authz

import (
	"strings"
)

// LayerSelf: the built-in self layer allowed the request. It grants what
// any member may do about itself (read itself and its own access, list and
// read its own keys, change its own password, manage its own second
// factor, end its own login sessions),
// about its organization (read it, list the organizations it belongs to,
// create one of its own) and the action catalog. It is a layer of the
// engine, not a bypass: an explicit Deny of the member's own policies
// still wins, a narrowed key's inline policy still narrows it, and a role
// session, which acts as its role alone, does not have it.
const LayerSelf = "self"

// selfScope says which resource the self layer covers for one action.
type selfScope int

const (
	selfUser selfScope = iota + 1 // the principal's own user id
	selfOrg                       // the organization's id, or no resource
	selfNone                      // no resource (a List or a Create)
)

// selfActions are the actions of the self layer, in the catalog's spelling.
var selfActions = []struct {
	action string
	scope  selfScope
}{
	{"iam.user.Read", selfUser},
	{"iam.user.ListGroups", selfUser},
	{"iam.user.ListRoles", selfUser},
	{"iam.user.ListPolicies", selfUser},
	{"iam.user.ReadEffectiveAccess", selfUser},
	{"iam.user.ChangePassword", selfUser},
	{"iam.user.ListLoginSessions", selfUser},
	{"iam.user.Logout", selfUser},
	{"iam.user.ReadMFA", selfUser},
	{"iam.user.EnrollMFA", selfUser},
	{"iam.user.DisableMFA", selfUser},
	{"iam.apikey.List", selfUser},
	{"iam.apikey.Read", selfUser},
	{"iam.organization.Read", selfOrg},
	{"iam.organization.List", selfNone},
	{"iam.organization.Create", selfNone},
	{"iam.catalog.List", selfNone},
}

// SelfAction reports whether action is one of the self layer's, and for
// which resource: "user" (the caller's own user id), "org" (its
// organization) or "" (no resource). ok is false for any other action.
func SelfAction(action string) (resource string, ok bool) {
	for _, a := range selfActions {
		if strings.EqualFold(a.action, action) {
			return [...]string{selfUser: "user", selfOrg: "org", selfNone: ""}[a.scope], true
		}
	}
	return "", false
}

// selfAllows reports whether the self layer allows r, a request of a
// member (not of a session). It does not allocate.
func (s *Snapshot) selfAllows(r *Request) bool {
	if r.Session != nil {
		return false
	}
	for _, a := range selfActions {
		if !strings.EqualFold(a.action, r.Action) {
			continue
		}
		switch a.scope {
		case selfUser:
			return r.Resource != "" && strings.EqualFold(r.Resource, string(r.Principal))
		case selfOrg:
			return r.Resource == "" || strings.EqualFold(r.Resource, string(s.Org))
		default:
			return r.Resource == ""
		}
	}
	return false
}

// selfReason is the reason of a decision by the self layer.
const selfReason = "every member may do this about itself or its organization (the built-in self layer); no Deny statement matches"

package authz

import (
	"strings"
)

// LayerTenant: the request is about something outside the snapshot's
// organization, or names a project its resource does not belong to. It is
// denied whatever the policies say: a "*" never reaches another tenant's
// resource, and a caller's project_id never beats the registry.
const LayerTenant = "tenant"

// foreignReason says in words why a request reaches outside the
// organization or its resource's project (foreignness).
func foreignReason(f foreignness, reg string) string {
	switch f {
	case otherOrg:
		return "the resource belongs to another organization than the principal's"
	case otherProject:
		return "the project is not one of the principal's organization"
	case registeredElsewhere:
		return "the resource is registered in project " + reg + ", not in the project the request names"
	case unplaced:
		return "the resource is neither registered in the principal's organization nor named with its organization_id, which this deployment requires"
	}
	return ""
}

// foreignness is how a request reaches outside the organization or its
// resource's project (foreignReason says it in words).
type foreignness uint8

const (
	inside foreignness = iota
	otherOrg
	otherProject
	registeredElsewhere // in the project reg, not the request's
	unplaced            // neither registered nor named with its organization, where that is required
)

// foreignness returns how r reaches outside, without allocating for ids
// in lower case; reg is the project of a resource registeredElsewhere.
func (s *Snapshot) foreignness(r *Request) (f foreignness, reg string) {
	if r.Own {
		return inside, ""
	}
	if r.Org != "" && !strings.EqualFold(r.Org, string(s.Org)) {
		return otherOrg, ""
	}
	if r.Project != "" {
		project := lowerID(r.Project)
		if !s.scope.projects[project] {
			return otherProject, ""
		}
		if r.Resource != "" {
			if reg := s.scope.resources[lowerID(r.Resource)].project; reg != "" && reg != project {
				return registeredElsewhere, reg
			}
		}
	}
	if s.requireTenant && r.Resource != "" && r.Org == "" && s.scope.resources[lowerID(r.Resource)].project == "" {
		return unplaced, ""
	}
	return inside, ""
}

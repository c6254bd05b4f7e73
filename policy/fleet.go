package policy

import "strings"

// FleetService is the service of the deployment's own actions
// (fleet.organization.Suspend, ...). Fleet actions are decided by the fleet
// policies of the caller's fleet roles, never by an organization's
// policies: no organization-level managed policy or grid group grants them,
// and an organization policy that names them is consulted by no fleet
// decision.
const FleetService = "fleet"

// Names of the fleet policies.
const (
	FleetFullAccess     = "FleetFullAccess"
	FleetReadOnlyAccess = "FleetReadOnlyAccess"
)

// IsFleetAction reports whether name is an action of FleetService.
func IsFleetAction(name string) bool {
	svc, _, _ := strings.Cut(name, ".")
	return strings.EqualFold(svc, FleetService)
}

// FleetPolicies returns the managed policies of the fleet roles, generated
// from cat (nil means DefaultCatalog) like the other managed policies:
// FleetFullAccess allows fleet.*, FleetReadOnlyAccess every read-level
// fleet action by name. A policy that would cover no action is left out.
func FleetPolicies(cat *Catalog) []ManagedPolicy {
	if cat == nil {
		cat = DefaultCatalog()
	}
	defs := []managedDef{
		{name: FleetFullAccess, description: "Every fleet action: the deployment's administrator.", patterns: []string{FleetService + ".*"}},
		{name: FleetReadOnlyAccess, description: "Every read-level fleet action: the deployment's viewer.", patterns: []string{FleetService + ".*"}, filter: levelIs(LevelRead)},
	}
	var out []ManagedPolicy
	for _, d := range defs {
		if doc := d.document(cat); doc != nil {
			out = append(out, ManagedPolicy{ID: ManagedPolicyID(d.name), Name: d.name, Description: d.description, Doc: doc})
		}
	}
	return out
}

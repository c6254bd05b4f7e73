package policy

import (
	"slices"
	"testing"
)

// The fleet policies allow exactly the fleet actions of their level, and
// nothing of an organization's.
func TestFleetPolicies(t *testing.T) {
	cat := DefaultCatalog()
	isFleet := func(a Action) bool { return a.Service == FleetService }
	want := map[string][]string{
		FleetFullAccess:     actionsWhere(cat, isFleet),
		FleetReadOnlyAccess: actionsWhere(cat, func(a Action) bool { return isFleet(a) && a.Level == LevelRead }),
	}
	got := FleetPolicies(cat)
	if len(got) != len(want) {
		t.Fatalf("%d fleet policies, want %d", len(got), len(want))
	}
	for _, p := range got {
		if a := allowedBy(cat, p.Doc); !slices.Equal(a, want[p.Name]) {
			t.Errorf("%s allows %q, want %q", p.Name, a, want[p.Name])
		}
		if p.ID != ManagedPolicyID(p.Name) {
			t.Errorf("%s: id %s, want %s", p.Name, p.ID, ManagedPolicyID(p.Name))
		}
	}
	if len(want[FleetReadOnlyAccess]) == 0 || slices.Contains(want[FleetReadOnlyAccess], "fleet.organization.Suspend") {
		t.Errorf("read-level fleet actions %q: want some, and not Suspend", want[FleetReadOnlyAccess])
	}
}

func TestIsFleetAction(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"fleet.organization.List", true},
		{"FLEET.role.Grant", true},
		{"iam.organization.List", false},
		{"fleetx.a.B", false},
		{"*", false},
	} {
		if got := IsFleetAction(tt.name); got != tt.want {
			t.Errorf("IsFleetAction(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

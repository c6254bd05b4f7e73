package policy

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestManagedPolicyID(t *testing.T) {
	// Computed independently with Python: uuid.uuid5(uuid.NAMESPACE_URL, "keyward:managed-policy:" + name).
	tests := map[string]string{
		"AdministratorAccess": "99678223-c2de-5105-8d0e-4495ade4c4fc",
		"ReadOnlyAccess":      "86c5255f-d322-5b1e-a796-3ffa5fc08e7e",
	}
	for name, want := range tests {
		if got := ManagedPolicyID(name); got != want {
			t.Errorf("ManagedPolicyID(%q) = %q, want %q", name, got, want)
		}
	}
}

// allowedBy returns the catalog actions a single policy allows on any resource.
func allowedBy(cat *Catalog, doc *Document) []string {
	set := Compile(cat, []Input{{ID: "p", Doc: doc}})
	var out []string
	for _, a := range cat.Actions() {
		if set.Decide(&Request{Action: a.Name, Resource: "0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a"}) == Allow {
			out = append(out, a.Name)
		}
	}
	return out
}

// actionsWhere lists the catalog actions for which f is true.
func actionsWhere(cat *Catalog, f func(Action) bool) []string {
	var out []string
	for _, a := range cat.Actions() {
		if f(a) {
			out = append(out, a.Name)
		}
	}
	return out
}

func TestManagedPolicies(t *testing.T) {
	cat := DefaultCatalog()
	ps := ManagedPolicies(cat)
	byName := map[string]ManagedPolicy{}
	ids := map[string]bool{}
	for _, p := range ps {
		if err := p.Doc.Validate(cat); err != nil {
			t.Errorf("%s: invalid document: %v", p.Name, err)
		}
		if p.ID != ManagedPolicyID(p.Name) || ids[p.ID] || byName[p.Name].Name != "" || p.Description == "" {
			t.Errorf("%s: bad or duplicate id, name or description: %+v", p.Name, p)
		}
		ids[p.ID], byName[p.Name] = true, p
	}
	isRead := func(a Action) bool { return a.Level == LevelRead }
	want := map[string][]string{
		"AdministratorAccess": actionsWhere(cat, func(Action) bool { return true }),
		"ReadOnlyAccess":      actionsWhere(cat, func(a Action) bool { return isRead(a) && a.Service != FleetService }),
		"IAMFullAccess":       actionsWhere(cat, func(a Action) bool { return a.Service == "iam" }),
		"IAMReadOnly":         actionsWhere(cat, func(a Action) bool { return a.Service == "iam" && isRead(a) }),
		"BillingFullAccess":   actionsWhere(cat, func(a Action) bool { return a.Service == "billing" || strings.HasPrefix(a.Name, "account.billing.") }),
		"BillingReadOnly": actionsWhere(cat, func(a Action) bool {
			return (a.Service == "billing" || strings.HasPrefix(a.Name, "account.billing.")) && isRead(a)
		}),
		"ComputeFullAccess": actionsWhere(cat, func(a Action) bool { return a.Service == "compute" }),
		"StorageReadOnly":   actionsWhere(cat, func(a Action) bool { return a.Service == "storage" && isRead(a) }),
		"OIDCFullAccess":    actionsWhere(cat, func(a Action) bool { return a.Service == "oidc" }),
		"UserACLFullAccess": actionsWhere(cat, func(a Action) bool { return a.Service == "user" }),
	}
	for name, wantActions := range want {
		p, ok := byName[name]
		if !ok {
			t.Errorf("no managed policy %s", name)
			continue
		}
		if got := allowedBy(cat, p.Doc); !slices.Equal(got, wantActions) {
			t.Errorf("%s allows %d actions, want %d:\n got  %q\n want %q", name, len(got), len(wantActions), got, wantActions)
		}
	}
	for _, svc := range cat.Services() {
		n := serviceDisplayName(svc)
		for _, suffix := range []string{"FullAccess", "ReadOnly"} {
			if _, ok := byName[n+suffix]; ok != (svc != FleetService) {
				t.Errorf("managed policy %s for service %s: %v, want %v", n+suffix, svc, ok, !ok)
			}
		}
	}
	if p, ok := ManagedPolicyByName(cat, "IAMReadOnly"); !ok || p.Name != "IAMReadOnly" {
		t.Errorf("ManagedPolicyByName(IAMReadOnly) = %+v, %v", p, ok)
	}
	if p, ok := ManagedPolicyByID(cat, strings.ToUpper(ManagedPolicyID("IAMReadOnly"))); !ok || p.Name != "IAMReadOnly" {
		t.Errorf("ManagedPolicyByID(upper-case id of IAMReadOnly) = %+v, %v", p, ok)
	}
	if _, ok := ManagedPolicyByName(cat, "NoSuchPolicy"); ok {
		t.Error("ManagedPolicyByName(NoSuchPolicy) found something")
	}
}

// TestManagedPolicies_newActionsCovered: adding actions to the catalog (and nothing else)
// extends the managed policies that should cover them.
func TestManagedPolicies_newActionsCovered(t *testing.T) {
	actions := append(DefaultCatalog().Actions(),
		Action{Name: "compute.gpu.List", Level: LevelRead, Description: "List GPUs"},
		Action{Name: "compute.gpu.Create", Level: LevelWrite, Description: "Create a GPU"},
		Action{Name: "quantum.computer.Run", Level: LevelWrite, Description: "Run a circuit"},
	)
	cat, err := NewCatalog(actions)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		policy, action string
		want           bool
	}{
		{"ReadOnlyAccess", "compute.gpu.List", true},
		{"ReadOnlyAccess", "compute.gpu.Create", false},
		{"ComputeFullAccess", "compute.gpu.Create", true},
		{"ComputeReadOnly", "compute.gpu.List", true},
		{"ComputeReadOnly", "compute.gpu.Create", false},
		{"AdministratorAccess", "quantum.computer.Run", true},
		{"QuantumFullAccess", "quantum.computer.Run", true},
		{"ACLSubscriptions", "compute.gpu.List", true},
		{"ACLSubscriptions", "compute.gpu.Create", false},
		{"ACLProvisioning", "compute.gpu.Create", true},
	}
	for _, tt := range tests {
		p, ok := ManagedPolicyByName(cat, tt.policy)
		if !ok {
			t.Errorf("no managed policy %s", tt.policy)
			continue
		}
		if got := slices.Contains(allowedBy(cat, p.Doc), tt.action); got != tt.want {
			t.Errorf("%s allows %s = %v, want %v", tt.policy, tt.action, got, tt.want)
		}
	}
	if _, ok := ManagedPolicyByName(cat, "QuantumReadOnly"); ok {
		t.Error("QuantumReadOnly exists, but the quantum service has no read-level action")
	}
}

func TestManagedPolicies_randomCatalogs(t *testing.T) {
	for seed := range uint64(200) {
		w := genWorld(rand.New(rand.NewPCG(seed, 4)))
		for _, p := range ManagedPolicies(w.cat) {
			if err := p.Doc.Validate(w.cat); err != nil {
				t.Fatalf("seed %d: %s is invalid for its catalog: %v", seed, p.Name, err)
			}
		}
	}
}

func TestACLPolicies(t *testing.T) {
	cat := DefaultCatalog()
	acls := ACLPolicies()
	for _, name := range []string{"billing", "dns", "firewall", "manage_users", "subscriptions", "subscriptions_view", "provisioning",
		"upgrade", "support", "objstore", "loadbalancer", "vke", "abuse", "alerts", "activity_logs"} {
		names, ok := acls[name]
		if !ok {
			t.Errorf("ACLPolicies() has no %s", name)
			continue
		}
		for _, n := range names {
			if _, ok := ManagedPolicyByName(cat, n); !ok {
				t.Errorf("ACL %s maps to %s, which is not a managed policy", name, n)
			}
		}
	}
	if len(acls) != len(ACLNames()) {
		t.Errorf("ACLNames() has %d names, ACLPolicies() %d", len(ACLNames()), len(acls))
	}
	got, ok := ACLPolicyNames("acl_provisioning")
	if want := []string{"ACLProvisioning", "ACLSubscriptions", "ACLSubscriptionsView"}; !ok || !slices.Equal(got, want) {
		t.Errorf("ACLPolicyNames(acl_provisioning) = %q, %v; want %q", got, ok, want)
	}
	if _, ok := ACLPolicyNames("root"); ok {
		t.Error("ACLPolicyNames(root) found something")
	}

	// Each ACL policy grants its legacy permission, and the ones with IAM equivalents grant those.
	tests := []struct {
		acl    string
		allows []string
		denies []string
	}{
		{"billing", []string{"user.acl.Billing", "billing.invoice.List", "account.billing.Read"}, []string{"compute.instance.List"}},
		{"manage_users", []string{"user.acl.ManageUsers", "iam.user.Create", "account.user.Delete"}, []string{"compute.instance.Create"}},
		{"subscriptions_view", []string{"user.acl.SubscriptionsView", "compute.instance.List", "storage.block.Read"}, []string{"compute.instance.Update", "compute.instance.Create"}},
		{"subscriptions", []string{"user.acl.Subscriptions", "compute.instance.Update", "compute.instance.Delete", "network.vpc2.Update"}, []string{"compute.instance.Create", "user.acl.Provisioning"}},
		{"provisioning", []string{"user.acl.Provisioning", "user.acl.Subscriptions", "user.acl.SubscriptionsView", "compute.instance.Create", "compute.instance.Delete"}, []string{"iam.user.Create"}},
		{"dns", []string{"user.acl.DNS", "network.dns.Update"}, []string{"network.firewall.Update"}},
		{"vke", []string{"user.acl.VKE", "kubernetes.cluster.Create"}, []string{"compute.instance.Create"}},
		{"activity_logs", []string{"user.acl.ActivityLogs", "account.log.List"}, []string{"account.auditlog.Update"}},
		{"abuse", []string{"user.acl.Abuse"}, []string{"support.ticket.Create"}},
	}
	for _, tt := range tests {
		names, _ := ACLPolicyNames(tt.acl)
		var in []Input
		for _, n := range names {
			p, _ := ManagedPolicyByName(cat, n)
			in = append(in, Input{ID: p.ID, Name: p.Name, Doc: p.Doc})
		}
		set := Compile(cat, in)
		for _, a := range tt.allows {
			if d := set.Decide(&Request{Action: a}); d != Allow {
				t.Errorf("ACL %s: %s = %v, want allow", tt.acl, a, d)
			}
		}
		for _, a := range tt.denies {
			if d := set.Decide(&Request{Action: a}); d == Allow {
				t.Errorf("ACL %s: %s = allow, want deny", tt.acl, a)
			}
		}
	}
}

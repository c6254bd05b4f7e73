package policy

import (
	"slices"
	"strings"
	"testing"
)

// requiredActions are the actions the catalog must have: Vultr's IAM Policy Actions Map,
// the legacy ACL permissions and one action per keyward API endpoint.
var requiredActions = map[string]string{
	"account.auditlog":        "Create List Read Update",
	"account.bandwidth":       "Read",
	"account.bgp":             "Read Update",
	"account.billing":         "Read",
	"account.log":             "List",
	"account.plan":            "List ListBareMetal",
	"account.user":            "Create List Read Update Delete",
	"compute.instance":        "Create Delete List Read Update",
	"compute.baremetal":       "Create Delete List Read Update",
	"compute.backup":          "List Read Update",
	"compute.snapshot":        "Create Delete List Read Update",
	"compute.iso":             "Create Delete List ListPublic Read",
	"compute.startupscript":   "Create Delete List Read Update",
	"compute.sshkey":          "Create Delete List Read Update",
	"container.registry":      "Create CreateDockerCredentials Delete List Read Update",
	"database.instance":       "Create Delete List Read Update",
	"kubernetes.cluster":      "Create Delete List Read Update",
	"network.dns":             "Create Delete List Read Update",
	"network.firewall":        "Create Delete List Read Update",
	"network.loadbalancer":    "Create Delete List Read Update",
	"network.reservedip":      "Create Delete List Read Update",
	"network.vpc":             "Create Delete List Read Update",
	"network.vpc2":            "Create Delete List Read Update",
	"network.vpcpeering":      "Create Delete List Read Update",
	"oidc.issuer":             "Create Delete List Read Update",
	"oidc.provider":           "Authorize Create Delete List Read Update",
	"oidc.token":              "Create Delete List Read",
	"storage.block":           "Create Delete List Read Update",
	"storage.vfs":             "Create Delete List Read Update",
	"storage.object":          "Create Delete List Read Update RegenerateKeys GetUserKeys CreateBucket DeleteBucket",
	"support.ticket":          "Create Read List Close CreateReply ListReplies GetAttachment CreateReview",
	"user.acl":                "Billing DNS Firewall ManageUsers Subscriptions SubscriptionsView Provisioning Upgrade Support ObjStore LoadBalancer VKE Abuse Alerts ActivityLogs",
	"iam.organization":        "Create List Read Update Delete Restore RemoveUser SuspendUser UnsuspendUser ListSuspendedUsers TransferOwnership",
	"iam.user":                "Create List Read Update Delete ListGroups ListRoles ListPolicies ReadEffectiveAccess SetPassword InvalidatePassword",
	"iam.apikey":              "Create List Read Delete",
	"iam.auditevent":          "List",
	"iam.invitation":          "Create List Read Resend Revoke",
	"iam.group":               "AddMember Create Delete List ListPolicies ListRoles ListMembers Read RemoveMember Update",
	"iam.role":                "AssumeRole AttachGroup AttachPolicy AttachUser Create Delete DetachGroup DetachPolicy DetachUser List ListGroups ListPolicies ListUsers Read Restore Update",
	"iam.policy":              "AttachGroup AttachUser Create Delete DetachGroup DetachUser List ListGroups ListUsers ListRoles Read Restore Update",
	"iam.roletrust":           "Create List Read Update Delete Restore",
	"iam.assumedrole":         "Read List Delete",
	"iam.project":             "Create List Read Update Delete",
	"iam.binding":             "Read Update",
	"iam.override":            "Read Update Delete",
	"iam.resource":            "Register Read Delete",
	"iam.authorization":       "Authorize WhoCan",
	"iam.catalog":             "List",
	"iam.mail":                "List",
	"billing.invoice":         "List Read",
	"billing.payment":         "Create List Read",
	"monitoring.alert":        "Create List Read Update Delete",
	"autoscaling.group":       "Create List Read Update Delete",
	"compute.image":           "Create Delete List Read",
	"database.user":           "Create Delete List Read Update",
	"database.connectionpool": "Create Delete List Read Update",
}

func TestDefaultCatalog_contents(t *testing.T) {
	cat := DefaultCatalog()
	for res, ops := range requiredActions {
		for op := range strings.FieldsSeq(ops) {
			name := res + "." + op
			a, ok := cat.Lookup(name)
			if !ok {
				t.Errorf("Lookup(%q): missing from catalog.json", name)
				continue
			}
			if a.Name != name {
				t.Errorf("Lookup(%q).Name = %q", name, a.Name)
			}
		}
	}
	for _, a := range cat.Actions() {
		if a.Description == "" {
			t.Errorf("%s has no description", a.Name)
		}
		if got := documentedLevel(a); a.Level != got {
			t.Errorf("%s has level %q; the rule in docs/policy.md gives %q", a.Name, a.Level, got)
		}
	}
}

// documentedLevel is the access-level rule of docs/policy.md, applied to one action.
func documentedLevel(a Action) Level {
	if a.Service == "user" && a.Resource == "acl" {
		switch a.Operation {
		case "ManageUsers":
			return LevelAdmin
		case "SubscriptionsView", "Abuse", "Alerts", "ActivityLogs":
			return LevelRead
		}
		return LevelWrite
	}
	op := a.Operation
	switch {
	case a.Service == "iam" && (a.Resource == "identityprovider" && op == "Update" || a.Resource == "scimtoken" && op == "Create" ||
		a.Resource == "user" && (op == "Tag" || op == "Untag")):
		return LevelAdmin
	case slices.Contains([]string{"TransferOwnership", "SetPassword", "InvalidatePassword", "ResetMFA", "RegenerateKeys", "GetUserKeys"}, op):
		return LevelAdmin
	case hasAnyPrefix(op, "Delete", "Remove", "Detach", "Revoke", "Abort"):
		return LevelDelete
	case hasAnyPrefix(op, "List", "Read", "Get", "Authorize", "WhoCan"):
		return LevelRead
	}
	return LevelWrite
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

func TestCatalog_Lookup(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		in, want string // want "" = not found
	}{
		{"compute.instance.Create", "compute.instance.Create"},
		{"COMPUTE.INSTANCE.CREATE", "compute.instance.Create"},
		{"iam.role.assumerole", "iam.role.AssumeRole"},
		{"compute.instance.*", ""},
		{"compute.instance", ""},
		{"", ""},
		{"\u212aubernetes.cluster.Create", ""}, // Kelvin sign: folds to k in Unicode, not in ASCII
		{strings.Repeat("a", 200), ""},
	}
	for _, tt := range tests {
		a, ok := cat.Lookup(tt.in)
		if ok != (tt.want != "") || a.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.in, a.Name, ok, tt.want)
		}
	}
}

func TestCatalog_Match(t *testing.T) {
	cat, err := NewCatalog([]Action{
		{Name: "compute.instance.Create", Level: LevelWrite},
		{Name: "compute.instance.GetKeys", Level: LevelAdmin},
		{Name: "compute.instance.Get", Level: LevelRead},
		{Name: "compute.inst.Create", Level: LevelWrite},
		{Name: "computer.instance.Create", Level: LevelWrite},
		{Name: "comp.vpc.List", Level: LevelRead},
		{Name: "iam.user.Create", Level: LevelWrite},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pattern string
		want    string
	}{
		{"*", "comp.vpc.List compute.inst.Create compute.instance.Create compute.instance.Get compute.instance.GetKeys computer.instance.Create iam.user.Create"},
		{"compute.*", "compute.inst.Create compute.instance.Create compute.instance.Get compute.instance.GetKeys"},
		{"compute*", "compute.inst.Create compute.instance.Create compute.instance.Get compute.instance.GetKeys computer.instance.Create"},
		{"comp.*", "comp.vpc.List"},
		{"compute.instance.Get*", "compute.instance.Get compute.instance.GetKeys"},
		{"compute.inst*.Create", "compute.inst.Create compute.instance.Create"},
		{"*.instance.Create", "compute.instance.Create computer.instance.Create"},
		{"compute.*.Create", "compute.inst.Create compute.instance.Create"},
		{"*.Create", "compute.inst.Create compute.instance.Create computer.instance.Create iam.user.Create"},
		{"COMPUTE.INSTANCE.GET", "compute.instance.Get"},
		{"compute.instance.Get.*", ""},
		{"compute.in*ance.Create", ""}, // malformed
		{"nosuch.*", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, a := range cat.Match(tt.pattern) {
			got = append(got, a.Name)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.pattern, strings.Join(got, " "), tt.want)
		}
	}
}

func TestCatalog_accessors(t *testing.T) {
	cat := DefaultCatalog()
	actions := cat.Actions()
	if !slices.IsSortedFunc(actions, func(a, b Action) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }) {
		t.Error("Actions() is not sorted by name")
	}
	if len(actions) != cat.Len() {
		t.Errorf("len(Actions()) = %d, Len() = %d", len(actions), cat.Len())
	}
	actions[0].Name = "changed"
	if cat.Actions()[0].Name == "changed" {
		t.Error("Actions() returned the catalog's own slice")
	}
	want := []string{"account", "autoscaling", "billing", "compute", "container", "database", "fleet", "iam", "kubernetes", "monitoring", "network", "oidc", "storage", "support", "user"}
	if got := cat.Services(); !slices.Equal(got, want) {
		t.Errorf("Services() = %q, want %q", got, want)
	}
	a, _ := cat.Lookup("iam.role.AssumeRole")
	if a.Service != "iam" || a.Resource != "role" || a.Operation != "AssumeRole" || a.Level != LevelWrite {
		t.Errorf("Lookup(iam.role.AssumeRole) = %+v", a)
	}
}

func TestNewCatalog_errors(t *testing.T) {
	tests := []struct {
		name    string
		actions []Action
		want    string
	}{
		{"two parts", []Action{{Name: "compute.Create", Level: LevelRead}}, `actions[0].name: "compute.Create" is not service.resource.Operation (letters, digits, '-' and '_', at most 128 bytes)`},
		{"wildcard", []Action{{Name: "compute.instance.*", Level: LevelRead}}, `actions[0].name: "compute.instance.*" is not service.resource.Operation (letters, digits, '-' and '_', at most 128 bytes)`},
		{"bad level", []Action{{Name: "a.b.C", Level: "superuser"}}, `actions[0].level: "superuser" is not a level; want read, write, delete or admin`},
		{"parts disagree", []Action{{Name: "a.b.C", Service: "x", Level: LevelRead}}, `actions[0].name: "a.b.C": service, resource or operation disagrees with the name`},
		{"duplicate ignoring case", []Action{{Name: "a.b.C", Level: LevelRead}, {Name: "A.b.c", Level: LevelRead}}, `actions[1].name: "A.b.c" is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCatalog(tt.actions)
			if err == nil || err.Error() != tt.want {
				t.Errorf("NewCatalog() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseCatalogPart(t *testing.T) {
	if _, err := ParseCatalogPart("t", []byte(`{"actions":[{"name":"a.b.C","level":"read","description":"x","extra":1}]}`)); err == nil {
		t.Error("ParseCatalogPart accepted an unknown field")
	}
	part, err := ParseCatalogPart("t", []byte(`{"actions":[{"name":"a.b.C","level":"read","description":"x"}]}`))
	if err != nil {
		t.Fatalf("ParseCatalogPart() error = %v", err)
	}
	cat, err := Compose(part)
	if err != nil {
		t.Fatalf("Compose() error = %v", err)
	}
	if a, ok := cat.Lookup("a.b.c"); !ok || a.Description != "x" || a.Level != LevelRead {
		t.Errorf("Lookup(a.b.c) = %+v, %v", a, ok)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true},
		{"*", "a.b.c", true},
		{"a.*", "a.b.c", true},
		{"a.*", "ab.c", false},
		{"a*c", "abc", true},
		{"a*c", "abcd", false},
		{"a*b*c", "a.x.b.y.c", true},
		{"a*b*c", "acb", false},
		{"a.b.c", "a.b.c", true},
		{"a.b.c", "a.b.cd", false},
		{"**", "x", true},
		{"a*", "a", true},
	}
	for _, tt := range tests {
		if got := glob(tt.pattern, tt.name); got != tt.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestParseUUID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a", true},
		{"0B6E2D1C-5F0A-4C7E-9A51-2F1E8C3D4B5A", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"0b6e2d1c5f0a4c7e9a512f1e8c3d4b5a", false},
		{"0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5", false},
		{"0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5g", false},
		{"0b6e2d1c-5f0a-4c7e-9a51_2f1e8c3d4b5a", false},
		{"{b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a}", false},
		{"", false},
	}
	for _, tt := range tests {
		u, ok := parseUUID(tt.in)
		if ok != tt.ok {
			t.Errorf("parseUUID(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if ok && u.String() != strings.ToLower(tt.in) {
			t.Errorf("parseUUID(%q).String() = %q", tt.in, u.String())
		}
	}
}

func TestCompose_declaredOnce(t *testing.T) {
	act := func(name string) Action { return Action{Name: name, Level: LevelRead, Description: "x"} }
	part := func(src string, actions []Action, types []ResourceType, groups []GridGroup) CatalogPart {
		return CatalogPart{Source: src, Actions: actions, ResourceTypes: types, GridGroups: groups}
	}
	tests := []struct {
		name  string
		parts []CatalogPart
		want  string // "" for no error
	}{
		{"distinct", []CatalogPart{
			part("file:a", []Action{act("a.b.C")}, []ResourceType{{Name: "a.b", GridGroup: "g"}}, []GridGroup{{ID: "g", Name: "G"}}),
			part("file:b", []Action{act("b.b.C")}, []ResourceType{{Name: "b.b", GridGroup: "vpcs"}}, nil),
		}, ""},
		{"action twice", []CatalogPart{
			part("file:a", []Action{act("a.b.C")}, nil, nil),
			part("file:b", []Action{act("A.B.c")}, nil, nil),
		}, `file:b: action "A.B.c" is already declared by file:a`},
		{"keyward's action", []CatalogPart{part("file:a", []Action{act("iam.user.Read")}, nil, nil)},
			`file:a: action "iam.user.Read": the services fleet, iam, oidc are keyward's own`},
		{"resource type twice", []CatalogPart{
			part("file:a", []Action{act("a.b.C")}, []ResourceType{{Name: "a.b"}}, nil),
			part("file:b", []Action{act("b.b.C")}, []ResourceType{{Name: "A.b"}}, nil),
		}, `file:b: resource type "A.b" is already declared by file:a`},
		{"grid group twice", []CatalogPart{
			part("file:a", []Action{act("a.b.C")}, nil, []GridGroup{{ID: "g", Name: "G"}}),
			part("file:b", []Action{act("b.b.C")}, nil, []GridGroup{{ID: "g", Name: "G"}}),
		}, `file:b: grid group "g" is already declared by file:a`},
		{"built-in grid group", []CatalogPart{part("file:a", []Action{act("a.b.C")}, nil, []GridGroup{{ID: "vpcs", Name: "V"}})},
			`file:a: grid group "vpcs" is already declared by the built-in grid`},
		{"undeclared grid group", []CatalogPart{part("file:a", []Action{act("a.b.C")}, []ResourceType{{Name: "a.b", GridGroup: "nope"}}, nil)},
			`file:a: resource type "a.b": grid group "nope" is not declared`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compose(tt.parts...)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Compose() error = %q, want %q", got, tt.want)
			}
		})
	}
}

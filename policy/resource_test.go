package policy

import "testing"

func TestParseRef(t *testing.T) {
	tests := []struct {
		in       string
		star     bool
		kind     refKind
		typ, pid string
		bad      bool
	}{
		{in: "*", star: true},
		{in: "0B6E2D1C-5f0a-4c7e-9a51-2f1e8c3d4b5a", kind: refUUID},
		{in: "myapp.widget/*", kind: refTypeAll, typ: "myapp.widget"},
		{in: "myapp.widget/widget-42", kind: refTypedID, typ: "myapp.widget", pid: "widget-42"},
		{in: "MyApp.Widget/arn:acme:eu-1:7/widget/42", kind: refTypedID, typ: "MyApp.Widget", pid: "arn:acme:eu-1:7/widget/42"},
		{in: "myapp.widget/a_b.c@d+e=f,g", kind: refTypedID, typ: "myapp.widget", pid: "a_b.c@d+e=f,g"},
		{in: "", bad: true},
		{in: "widget-42", bad: true},
		{in: "myapp/widget-42", bad: true},
		{in: "myapp.widget.x/1", bad: true},
		{in: "myapp.widget/", bad: true},
		{in: "myapp.widget/w*", bad: true},
		{in: "myapp.widget/**", bad: true},
		{in: "myapp.widget/a b", bad: true},
		{in: "myapp.widget/é", bad: true},
		{in: "/widget-42", bad: true},
		{in: "myapp.widget/" + string(make([]byte, MaxResourceIDLen+1)), bad: true},
	}
	for _, tt := range tests {
		ref, star, msg := parseRef(tt.in)
		if got := msg != ""; got != tt.bad {
			t.Errorf("parseRef(%q) message %q, want an error: %v", tt.in, msg, tt.bad)
			continue
		}
		if tt.bad {
			continue
		}
		if star != tt.star || !star && (ref.kind != tt.kind || ref.typ != tt.typ || ref.pid != tt.pid) {
			t.Errorf("parseRef(%q) = %+v star %v, want kind %d typ %q pid %q star %v", tt.in, ref, star, tt.kind, tt.typ, tt.pid, tt.star)
		}
	}
}

func TestCoversResource(t *testing.T) {
	const vm = "0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a"
	tests := []struct {
		ref  string
		r    Request
		want bool
	}{
		{"myapp.widget/*", Request{Action: "myapp.widget.Publish", Resource: "widget-42"}, true},
		{"myapp.widget/*", Request{Action: "myapp.widget.Create", Project: vm}, true},
		{"myapp.widget/*", Request{Action: "myapp.gadget.Read", Resource: "widget-42"}, false},
		{"myapp.widget/*", Request{Action: "myapp.gadget.Attach", Resource: "widget-42", Type: "MyApp.Widget"}, true},
		{"myapp.widget/*", Request{Action: "myapp.widget.Read", Resource: "widget-42", Type: "myapp.gadget"}, false},
		{"myapp.widget/widget-42", Request{Action: "myapp.widget.Read", Resource: "Widget-42"}, true},
		{"myapp.widget/widget-42", Request{Action: "myapp.widget.Read", Resource: "widget-43"}, false},
		{"myapp.widget/widget-42", Request{Action: "myapp.widget.Read", Project: "widget-42"}, false},
		{"myapp.widget/widget-42", Request{Action: "myapp.gadget.Read", Resource: "widget-42"}, false},
		{"myapp.widget/" + vm, Request{Action: "myapp.widget.Read", Resource: "0B6E2D1C-5F0A-4C7E-9A51-2F1E8C3D4B5A"}, true},
		{"myapp.widget/" + vm, Request{Action: "myapp.widget.Read", Project: vm}, false},
		{vm, Request{Action: "myapp.widget.Read", Project: vm}, true},
		{vm, Request{Action: "myapp.widget.Read", Resource: vm, Type: "other.type"}, true},
		{"*", Request{Action: "myapp.widget.Read", Type: "other.type"}, true},
		{"widget-42", Request{Action: "myapp.widget.Read", Resource: "widget-42"}, false},
		{"myapp.widget/w*", Request{Action: "myapp.widget.Read", Resource: "w1"}, false},
	}
	for _, tt := range tests {
		if got := CoversResource(tt.ref, &tt.r); got != tt.want {
			t.Errorf("CoversResource(%q, %+v) = %v, want %v", tt.ref, tt.r, got, tt.want)
		}
	}
}

func TestValidate_typedResources(t *testing.T) {
	cat, err := Compose(CatalogPart{Actions: []Action{
		{Name: "myapp.widget.Publish", Level: LevelWrite},
		{Name: "myapp.gadget.Read", Level: LevelRead},
	}, ResourceTypes: []ResourceType{{Name: "myapp.bare"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		actions, resources []string
		want               string // the first error's message, "" for none
	}{
		{[]string{"myapp.widget.Publish"}, []string{"myapp.widget/*", "MYAPP.WIDGET/w-1"}, ""},
		{[]string{"myapp.*"}, []string{"myapp.gadget/g-1", "myapp.widget/*"}, ""},
		{[]string{"myapp.widget.Publish"}, []string{"myapp.widgte/*"}, `unknown resource type "myapp.widgte" in "myapp.widgte/*" (did you mean "myapp.widget"?)`},
		{[]string{"myapp.widget.Publish"}, []string{"myapp.gadget/*"}, `no action of the statement is of type "myapp.gadget", so "myapp.gadget/*" could match none of its requests (a typed resource covers requests about resources of its type only)`},
		{[]string{"*"}, []string{"myapp.bare/*"}, `no action of the statement is of type "myapp.bare", so "myapp.bare/*" could match none of its requests (a typed resource covers requests about resources of its type only)`},
	}
	for _, tt := range tests {
		doc := &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: tt.actions, Resource: tt.resources}}}
		got := ""
		if err := doc.Validate(cat); err != nil {
			got = err.(ValidationErrors)[0].Message
		}
		if got != tt.want {
			t.Errorf("Validate(%v on %v):\n got  %s\n want %s", tt.actions, tt.resources, got, tt.want)
		}
	}
}

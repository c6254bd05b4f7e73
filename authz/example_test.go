package authz_test

import (
	"encoding/json"
	"fmt"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// A provider embeds the engine with a catalog of its own and an
// organization held in memory: no database, no server.
func ExampleNewSnapshot() {
	widgets, err := policy.ParseCatalogPart("acme", []byte(`{"actions": [
		{"name": "myapp.widget.Publish", "level": "write", "description": "Publish a widget"},
		{"name": "myapp.widget.Read", "level": "read", "description": "Read a widget"},
		{"name": "myapp.widget.Delete", "level": "delete", "description": "Delete a widget"}]}`))
	if err != nil {
		panic(err)
	}
	cat, err := policy.Compose(widgets) // keyward's own actions, and Acme's; not Vultr's
	if err != nil {
		panic(err)
	}
	org := &keyward.Organization{ID: "0193a000-0000-7000-8000-000000000001", Name: "Acme customer"}
	alice := &keyward.User{
		Account: keyward.Account{ID: "0193a000-0000-7000-8000-0000000000a1", Name: "Alice", Email: "alice@example.com"},
		Member:  keyward.Member{OrgID: org.ID, UserID: "0193a000-0000-7000-8000-0000000000a1", Status: keyward.StatusActive},
	}
	publishers := &keyward.Group{OrgID: org.ID, ID: "0193a000-0000-7000-8000-0000000000b1", Name: "publishers"}
	doc := json.RawMessage(`{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": "myapp.widget.*", "Resource": "*"},
		{"Sid": "keep", "Effect": "Deny", "Action": "myapp.widget.Delete", "Resource": "*"}]}`)
	pol := &keyward.Policy{OrgID: org.ID, ID: "0193a000-0000-7000-8000-0000000000c1", Name: "widget-publishing", Document: doc, Version: 1}
	snap := authz.NewSnapshot(&keyward.Graph{
		Org:          org,
		Users:        []*keyward.User{alice},
		Groups:       []*keyward.Group{publishers},
		GroupMembers: []*keyward.GroupMember{{OrgID: org.ID, GroupID: publishers.ID, UserID: alice.ID}},
		Policies:     []*keyward.Policy{pol},
		Attachments:  []*keyward.Attachment{{OrgID: org.ID, PolicyID: pol.ID, TargetType: keyward.PrincipalGroup, TargetID: string(publishers.ID)}},
	}, authz.Options{Catalog: cat})

	for _, action := range []string{"myapp.widget.Publish", "myapp.widget.Delete", "compute.instance.Create"} {
		r := snap.Explain(&authz.Request{Principal: alice.ID, Action: action, Resource: "0193a000-0000-7000-8000-0000000000d1"})
		fmt.Println(action, r.Decision, r.Layer)
	}
	// Output:
	// myapp.widget.Publish allow policy
	// myapp.widget.Delete explicit_deny policy
	// compute.instance.Create implicit_deny policy
}

package sqlstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestPolicyRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		// Documents come back byte for byte: key order, spacing, escapes
		// and non-ASCII text are what was given, not what a JSON column
		// would normalize them to.
		docs := []string{
			testDocument,
			`{"Statement":[{"Resource":["*"],"Action":["compute.*"],"Effect":"Deny"}],"Version":"2026-03-20"}`,
			"{\n  \"Version\": \"2026-03-20\",\n  \"Statement\": [ {\"Sid\": \"caf\u00e9 \\u00e9 \\\"q\\\" \U0001F511\", \"Effect\":\"Allow\", \"Action\":[\"*\"], \"Resource\":[\"*\"]} ]\n}\n",
			`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["a"],"Resource":["*"],"Sid":"dup"},{"Effect":"Allow","Action":["a"],"Resource":["*"],"Sid":"dup"}],"Big":1.0e+30}`,
		}
		for i, doc := range docs {
			p := &keyward.Policy{OrgID: o.ID, Name: "p" + string(rune('a'+i)), Description: "d", Document: json.RawMessage(doc)}
			write(t, s, func(tx keyward.Tx) error { return tx.CreatePolicy(ctx, p) })
			if !keyward.ValidID(string(p.ID)) || p.Version != 1 || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) {
				t.Fatalf("CreatePolicy did not fill in ID, version and times: %+v", p)
			}
			read(t, s, func(tx keyward.Tx) error {
				got, err := tx.GetPolicy(ctx, o.ID, p.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(p, got); diff != "" {
					t.Errorf("GetPolicy mismatch (-want +got):\n%s", diff)
				}
				if string(got.Document) != doc {
					t.Errorf("document %d = %q, want %q", i, got.Document, doc)
				}
				return nil
			})
		}
	})
}

func TestUpdatePolicyVersion(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		p := newPolicy(t, s, o.ID, "vm-admin")
		newPolicy(t, s, o.ID, "taken")

		// Two updates, each from the version it read.
		for _, want := range []int64{2, 3} {
			from := p.Version
			p.Description, p.Document, p.UpdatedAt = "v"+string(rune('0'+want)), json.RawMessage(`{"v":`+string(rune('0'+want))+`}`), p.UpdatedAt.Add(time.Minute)
			write(t, s, func(tx keyward.Tx) error { return tx.UpdatePolicy(ctx, p, from) })
			if p.Version != want {
				t.Errorf("UpdatePolicy from version %d set Version %d, want %d", from, p.Version, want)
			}
		}
		stored := *p

		tests := []writeCase{
			{"stale version", func(tx keyward.Tx) error {
				c := *p
				c.Description = "lost update"
				return tx.UpdatePolicy(ctx, &c, 2)
			}, keyward.CodePreconditionFailed, "The policy has changed since it was read."},
			{"future version", func(tx keyward.Tx) error {
				c := *p
				return tx.UpdatePolicy(ctx, &c, 4)
			}, keyward.CodePreconditionFailed, "The policy has changed since it was read."},
			{"missing", func(tx keyward.Tx) error {
				c := *p
				c.ID = keyward.PolicyID(keyward.NewID(time.Now()))
				return tx.UpdatePolicy(ctx, &c, 1)
			}, keyward.CodeNotFound, "Policy not found."},
			{"another org's", func(tx keyward.Tx) error {
				c := *p
				c.OrgID = other.ID
				return tx.UpdatePolicy(ctx, &c, p.Version)
			}, keyward.CodeNotFound, "Policy not found."},
			{"rename into a taken name", func(tx keyward.Tx) error {
				c := *p
				c.Name = "TAKEN"
				return tx.UpdatePolicy(ctx, &c, p.Version)
			}, keyward.CodeConflict, "A policy with this name already exists."},
		}
		wantWrites(t, s, tests)
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetPolicy(ctx, o.ID, p.ID)
			if diff := cmp.Diff(&stored, got); diff != "" {
				t.Errorf("policy after failed updates mismatch (-want +got):\n%s", diff)
			}
			return err
		})
	})
}

func TestPolicyNames(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		old := newPolicy(t, s, o.ID, "VM-Admin")
		deletePolicy(t, s, old, true)
		live := newPolicy(t, s, o.ID, "vm-admin")
		newPolicy(t, s, other.ID, "vm-admin")

		tests := []struct {
			name string
			fn   func(tx keyward.Tx) error
			want keyward.Code
		}{
			{"same name, other case", func(tx keyward.Tx) error {
				return tx.CreatePolicy(ctx, &keyward.Policy{OrgID: o.ID, Name: "VM-ADMIN", Document: json.RawMessage(testDocument)})
			}, keyward.CodeConflict},
			{"restore into a taken name", func(tx keyward.Tx) error {
				c := *old
				c.DeletedAt = nil
				return tx.UpdatePolicy(ctx, &c, c.Version)
			}, keyward.CodeConflict},
			{"same name as a deleted policy only", func(tx keyward.Tx) error {
				c := *live
				now := tx.Now()
				c.DeletedAt = &now
				if err := tx.UpdatePolicy(ctx, &c, c.Version); err != nil {
					return err
				}
				return tx.CreatePolicy(ctx, &keyward.Policy{OrgID: o.ID, Name: "Vm-Admin", Document: json.RawMessage(testDocument)})
			}, ""},
			{"same ID", func(tx keyward.Tx) error {
				return tx.CreatePolicy(ctx, &keyward.Policy{ID: old.ID, OrgID: o.ID, Name: "x", Document: json.RawMessage(testDocument)})
			}, keyward.CodeConflict},
			{"missing organization", func(tx keyward.Tx) error {
				return tx.CreatePolicy(ctx, &keyward.Policy{OrgID: keyward.OrgID(keyward.NewID(time.Now())), Name: "x", Document: json.RawMessage(testDocument)})
			}, keyward.CodeNotFound},
			{"get missing", func(tx keyward.Tx) error {
				_, err := tx.GetPolicy(ctx, o.ID, keyward.PolicyID(keyward.NewID(time.Now())))
				return err
			}, keyward.CodeNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, tt.name, rolledBack(t, s, tt.fn), tt.want)
			})
		}

		read(t, s, func(tx keyward.Tx) error {
			for _, tt := range []struct {
				name   string
				filter keyward.PolicyFilter
				want   []*keyward.Policy
			}{
				{"live", keyward.PolicyFilter{}, []*keyward.Policy{live}},
				{"deleted", keyward.PolicyFilter{Deleted: true}, []*keyward.Policy{old}},
				{"name, other case", keyward.PolicyFilter{Name: "VM-admin"}, []*keyward.Policy{live}},
				{"deleted by name", keyward.PolicyFilter{Name: "vm-admin", Deleted: true}, []*keyward.Policy{old}},
				{"missing name", keyward.PolicyFilter{Name: "nope"}, nil},
				{"search a part, other case", keyward.PolicyFilter{Search: "M-AD"}, []*keyward.Policy{live}},
				{"search, deleted", keyward.PolicyFilter{Search: "vm", Deleted: true}, []*keyward.Policy{old}},
				{"search's wildcard is literal", keyward.PolicyFilter{Search: "vm_admin"}, nil},
			} {
				got, info, err := tx.ListPolicies(ctx, o.ID, tt.filter)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ListPolicies(%s) mismatch (-want +got):\n%s", tt.name, diff)
				}
				if info.Total != len(tt.want) {
					t.Errorf("ListPolicies(%s) Total = %d, want %d", tt.name, info.Total, len(tt.want))
				}
			}
			n, err := tx.CountPolicies(ctx, o.ID)
			if n != 1 {
				t.Errorf("CountPolicies = %d, want 1", n)
			}
			return err
		})
	})
}

func TestAttachments(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		p := newPolicy(t, s, o.ID, "vm-admin")
		g := newGroup(t, s, o.ID, "ops")
		r := newRole(t, s, o.ID, "deployer")
		managed := keyward.PolicyID(keyward.NewID(time.Now())) // not stored: a managed policy
		other, _ := newOrg(t, s, "other")

		toUser := attach(t, s, o.ID, p.ID, keyward.PrincipalUser, string(owner.ID))
		toGroup := attach(t, s, o.ID, p.ID, keyward.PrincipalGroup, string(g.ID))
		managedToGroup := attach(t, s, o.ID, managed, keyward.PrincipalGroup, string(g.ID))
		toRole := attach(t, s, o.ID, p.ID, keyward.PrincipalRole, string(r.ID))
		attach(t, s, other.ID, p.ID, keyward.PrincipalUser, string(owner.ID)) // no foreign key on the policy

		tests := []writeCase{
			{"same attachment", func(tx keyward.Tx) error {
				return tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: o.ID, PolicyID: p.ID, TargetType: keyward.PrincipalGroup, TargetID: string(g.ID)})
			}, keyward.CodeConflict, "The policy is already attached to this target."},
			{"missing organization", func(tx keyward.Tx) error {
				return tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: keyward.OrgID(managed), PolicyID: p.ID, TargetType: keyward.PrincipalGroup, TargetID: string(g.ID)})
			}, keyward.CodeNotFound, "Organization not found."},
			{"delete missing", func(tx keyward.Tx) error {
				return tx.DeleteAttachment(ctx, &keyward.Attachment{OrgID: o.ID, PolicyID: managed, TargetType: keyward.PrincipalUser, TargetID: string(owner.ID)})
			}, keyward.CodeNotFound, "Policy attachment not found."},
		}
		wantWrites(t, s, tests)

		check := func(when string, filters map[string]struct {
			f    keyward.AttachmentFilter
			want []*keyward.Attachment
		}, counts map[string]int) {
			t.Helper()
			read(t, s, func(tx keyward.Tx) error {
				for name, tt := range filters {
					got, info, err := tx.ListAttachments(ctx, o.ID, tt.f)
					if err != nil {
						return err
					}
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("%s: ListAttachments(%s) mismatch (-want +got):\n%s", when, name, diff)
					}
					if info.Total != len(tt.want) {
						t.Errorf("%s: ListAttachments(%s) Total = %d, want %d", when, name, info.Total, len(tt.want))
					}
				}
				for target, want := range counts {
					typ, id := keyward.PrincipalGroup, target
					if target == string(owner.ID) {
						typ = keyward.PrincipalUser
					}
					n, err := tx.CountAttachments(ctx, o.ID, typ, id)
					if err != nil {
						return err
					}
					if n != want {
						t.Errorf("%s: CountAttachments(%s %s) = %d, want %d", when, typ, id, n, want)
					}
				}
				return nil
			})
		}
		type filter = struct {
			f    keyward.AttachmentFilter
			want []*keyward.Attachment
		}
		check("after create", map[string]filter{
			"all":           {keyward.AttachmentFilter{}, []*keyward.Attachment{toUser, toGroup, managedToGroup, toRole}},
			"policy":        {keyward.AttachmentFilter{PolicyID: managed}, []*keyward.Attachment{managedToGroup}},
			"target type":   {keyward.AttachmentFilter{TargetType: keyward.PrincipalRole}, []*keyward.Attachment{toRole}},
			"target":        {keyward.AttachmentFilter{TargetType: keyward.PrincipalGroup, TargetID: string(g.ID)}, []*keyward.Attachment{toGroup, managedToGroup}},
			"policy+target": {keyward.AttachmentFilter{PolicyID: p.ID, TargetID: string(g.ID)}, []*keyward.Attachment{toGroup}},
		}, map[string]int{string(owner.ID): 1, string(g.ID): 2})

		write(t, s, func(tx keyward.Tx) error {
			return tx.DeleteAttachment(ctx, &keyward.Attachment{OrgID: o.ID, PolicyID: p.ID, TargetType: keyward.PrincipalGroup, TargetID: string(g.ID)})
		})
		// A deleted policy keeps its attachments, for a restore.
		deletePolicy(t, s, p, true)
		check("after delete", map[string]filter{
			"all": {keyward.AttachmentFilter{}, []*keyward.Attachment{toUser, managedToGroup, toRole}},
		}, map[string]int{string(owner.ID): 1, string(g.ID): 1})
	})
}

package sqlstore_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/sqlstore"
)

func newProject(t testing.TB, s keyward.Store, org keyward.OrgID, name string) *keyward.Project {
	t.Helper()
	p := &keyward.Project{OrgID: org, Name: name, Description: "The " + name + " project"}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateProject(t.Context(), p) })
	return p
}

func TestProjectRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		p := newProject(t, s, o.ID, "Production")
		if !keyward.ValidID(string(p.ID)) || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) {
			t.Fatalf("CreateProject did not fill in ID and times: %+v", p)
		}
		p.Name, p.Description, p.UpdatedAt = "Prod", "", p.UpdatedAt.Add(3)
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateProject(ctx, p) })
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetProject(ctx, o.ID, p.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(p, got); diff != "" {
				t.Errorf("GetProject mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.GetProject(ctx, other.ID, p.ID)
			wantCode(t, "GetProject of another org", err, keyward.CodeNotFound)
			return nil
		})
		dev := newProject(t, s, o.ID, "Development")
		read(t, s, func(tx keyward.Tx) error {
			got, info, err := tx.ListProjects(ctx, o.ID, keyward.Page{})
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0].ID != p.ID || got[1].ID != dev.ID || info.Total != 2 {
				t.Errorf("ListProjects = %v (total %d), want Prod then Development", got, info.Total)
			}
			return nil
		})

		tests := []codeCase{
			{"same name, any case", func(tx keyward.Tx) error {
				return tx.CreateProject(ctx, &keyward.Project{OrgID: o.ID, Name: "PROD"})
			}, keyward.CodeConflict},
			{"rename onto another", func(tx keyward.Tx) error {
				c := *dev
				c.Name = "prod"
				return tx.UpdateProject(ctx, &c)
			}, keyward.CodeConflict},
			{"same name in another org", func(tx keyward.Tx) error {
				return tx.CreateProject(ctx, &keyward.Project{OrgID: other.ID, Name: "Prod"})
			}, ""},
			{"update in another org", func(tx keyward.Tx) error {
				c := *p
				c.OrgID = other.ID
				return tx.UpdateProject(ctx, &c)
			}, keyward.CodeNotFound},
			{"delete in another org", func(tx keyward.Tx) error { return tx.DeleteProject(ctx, other.ID, p.ID) }, keyward.CodeNotFound},
			{"missing org", func(tx keyward.Tx) error {
				return tx.CreateProject(ctx, &keyward.Project{OrgID: keyward.OrgID(keyward.NewID(tx.Now())), Name: "x"})
			}, keyward.CodeNotFound},
		}
		wantCodes(t, s, tests)
	})
}

func TestResources(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		prod, dev := newProject(t, s, o.ID, "Production"), newProject(t, s, o.ID, "Development")
		otherProj := newProject(t, s, other.ID, "Theirs")
		ids := []string{"0193a6f0-0000-7000-8000-000000000003", "0193a6f0-0000-7000-8000-000000000001", "0193a6f0-0000-7000-8000-000000000002"}
		var rs []*keyward.Resource
		for i, id := range ids {
			r := &keyward.Resource{OrgID: o.ID, ID: id, Type: "compute.instance", ProjectID: prod.ID, CreatedBy: owner.ID}
			if i == 2 {
				r.ProjectID = dev.ID
			}
			write(t, s, func(tx keyward.Tx) error { return tx.CreateResource(ctx, r) })
			rs = append(rs, r)
		}
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetResource(ctx, o.ID, ids[0])
			if err != nil {
				return err
			}
			if diff := cmp.Diff(rs[0], got); diff != "" {
				t.Errorf("GetResource mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.GetResource(ctx, other.ID, ids[0])
			wantCode(t, "GetResource of another org", err, keyward.CodeNotFound)
			all, _, err := tx.ListResources(ctx, o.ID, keyward.ResourceFilter{})
			if err != nil {
				return err
			}
			inProd, info, err := tx.ListResources(ctx, o.ID, keyward.ResourceFilter{ProjectID: prod.ID, Page: keyward.Page{Limit: 1}})
			if err != nil {
				return err
			}
			// Registration order, not id order.
			if len(all) != 3 || all[0].ID != ids[0] || all[2].ID != ids[2] || len(inProd) != 1 || inProd[0].ID != ids[0] || info.Total != 2 || info.Next == "" {
				t.Errorf("ListResources = %v; in prod %v (%+v)", all, inProd, info)
			}
			n, err := tx.CountResources(ctx, o.ID, prod.ID)
			if n != 2 {
				t.Errorf("CountResources = %d, want 2", n)
			}
			return err
		})
		tests := []codeCase{
			{"registered twice", func(tx keyward.Tx) error {
				return tx.CreateResource(ctx, &keyward.Resource{OrgID: o.ID, ID: ids[0], Type: "x", ProjectID: dev.ID})
			}, keyward.CodeConflict},
			{"project of another org", func(tx keyward.Tx) error {
				return tx.CreateResource(ctx, &keyward.Resource{OrgID: o.ID, ID: "0193a6f0-0000-7000-8000-000000000009", Type: "x", ProjectID: otherProj.ID})
			}, keyward.CodeNotFound},
			{"same id in another org", func(tx keyward.Tx) error {
				return tx.CreateResource(ctx, &keyward.Resource{OrgID: other.ID, ID: ids[0], Type: "x", ProjectID: otherProj.ID})
			}, ""},
			{"delete its own in another org", func(tx keyward.Tx) error { return tx.DeleteResource(ctx, other.ID, ids[0]) }, ""},
			{"delete ours from another org", func(tx keyward.Tx) error { return tx.DeleteResource(ctx, other.ID, ids[1]) }, keyward.CodeNotFound},
			{"delete", func(tx keyward.Tx) error { return tx.DeleteResource(ctx, o.ID, ids[1]) }, ""},
		}
		wantCodes(t, s, tests)
		// Which organizations registered an id, outside any transaction.
		write(t, s, func(tx keyward.Tx) error {
			return tx.CreateResource(ctx, &keyward.Resource{OrgID: other.ID, ID: strings.ToUpper(ids[2]), Type: "x", ProjectID: otherProj.ID})
		})
		both := []keyward.OrgID{o.ID, other.ID}
		slices.Sort(both)
		for _, tt := range []struct {
			id   string
			want []keyward.OrgID
		}{
			{ids[0], []keyward.OrgID{o.ID}},
			{strings.ToUpper(ids[0]), []keyward.OrgID{o.ID}},
			{ids[1], nil}, // deleted
			{ids[2], both},
			{"0193a6f0-0000-7000-8000-00000000000f", nil},
		} {
			got, err := s.ResourceOrgs(ctx, tt.id)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ResourceOrgs(%s) = %v, %v; want %v", tt.id, got, err, tt.want)
			}
		}
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteResource(ctx, other.ID, ids[2]) })
		if t.Failed() {
			return
		}
		// A project's deletion takes its resources, overrides and bindings.
		viewer, _ := policy.BuiltinRoleByName(nil, "Viewer")
		bind(t, s, o.ID, keyward.RoleID(viewer.ID), keyward.PrincipalUser, string(owner.ID), string(prod.ID))
		kept := bind(t, s, o.ID, keyward.RoleID(viewer.ID), keyward.PrincipalUser, string(owner.ID), "")
		write(t, s, func(tx keyward.Tx) error {
			return tx.PutOverride(ctx, &keyward.Override{OrgID: o.ID, ProjectID: prod.ID, UserID: owner.ID, Grid: json.RawMessage(`{}`), Document: json.RawMessage(`null`)})
		})
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteProject(ctx, o.ID, prod.ID) })
		read(t, s, func(tx keyward.Tx) error {
			g, err := tx.LoadGraph(ctx, o.ID)
			if err != nil {
				return err
			}
			if len(g.Projects) != 1 || len(g.Resources) != 1 || g.Resources[0].ID != ids[2] || len(g.Overrides) != 0 {
				t.Errorf("after DeleteProject: projects %v, resources %v, overrides %v", g.Projects, g.Resources, g.Overrides)
			}
			if len(g.Bindings) != 1 || g.Bindings[0].ProjectID != kept.ProjectID {
				t.Errorf("after DeleteProject: bindings %+v, want only the organization's", g.Bindings)
			}
			return nil
		})
	})
}

func TestOverrides(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		other, otherOwner := newOrg(t, s, "other")
		dev := newAccount(t, s, "dev@acme.example", false)
		addMember(t, s, o.ID, dev)
		prod := newProject(t, s, o.ID, "Production")
		otherProj := newProject(t, s, other.ID, "Theirs")
		ov := &keyward.Override{OrgID: o.ID, ProjectID: prod.ID, UserID: dev.ID, UpdatedBy: owner.ID,
			Grid: json.RawMessage(`{"vpcs":["view"]}`), Document: json.RawMessage(testDocument)}
		write(t, s, func(tx keyward.Tx) error { return tx.PutOverride(ctx, ov) })
		created := ov.CreatedAt
		ov.Grid = json.RawMessage(`{"vpcs":["view","manage"]}`)
		write(t, s, func(tx keyward.Tx) error { return tx.PutOverride(ctx, ov) })
		if !ov.CreatedAt.Equal(created) {
			t.Errorf("replacing changed CreatedAt from %v to %v", created, ov.CreatedAt)
		}
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetOverride(ctx, o.ID, prod.ID, dev.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(ov, got); diff != "" {
				t.Errorf("GetOverride mismatch (-want +got):\n%s", diff)
			}
			l, _, err := tx.ListOverrides(ctx, o.ID, keyward.OverrideFilter{UserID: dev.ID})
			if len(l) != 1 {
				t.Errorf("ListOverrides = %v", l)
			}
			_, err2 := tx.GetOverride(ctx, other.ID, prod.ID, dev.ID)
			wantCode(t, "GetOverride of another org", err2, keyward.CodeNotFound)
			return err
		})
		tests := []codeCase{
			{"project of another org", func(tx keyward.Tx) error {
				return tx.PutOverride(ctx, &keyward.Override{OrgID: o.ID, ProjectID: otherProj.ID, UserID: dev.ID, Grid: ov.Grid, Document: ov.Document})
			}, keyward.CodeNotFound},
			{"user of another org", func(tx keyward.Tx) error {
				return tx.PutOverride(ctx, &keyward.Override{OrgID: o.ID, ProjectID: prod.ID, UserID: otherOwner.ID, Grid: ov.Grid, Document: ov.Document})
			}, keyward.CodeNotFound},
			{"delete", func(tx keyward.Tx) error { return tx.DeleteOverride(ctx, o.ID, prod.ID, dev.ID) }, ""},
			{"delete again", func(tx keyward.Tx) error { return tx.DeleteOverride(ctx, o.ID, prod.ID, dev.ID) }, keyward.CodeNotFound},
		}
		wantCodes(t, s, tests)
		// A member's removal takes its overrides.
		write(t, s, func(tx keyward.Tx) error { return tx.PutOverride(ctx, ov) })
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteMember(ctx, o.ID, dev.ID) })
		read(t, s, func(tx keyward.Tx) error {
			_, err := tx.GetOverride(ctx, o.ID, prod.ID, dev.ID)
			wantCode(t, "GetOverride after DeleteMember", err, keyward.CodeNotFound)
			return nil
		})
	})
}

func TestScopeBindingsAndBuiltinRoles(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		g := newGroup(t, s, o.ID, "ops")
		custom := newRole(t, s, o.ID, "deployer")
		prod := newProject(t, s, o.ID, "Production")
		admin, _ := policy.BuiltinRoleByName(nil, "admin")
		viewer, _ := policy.BuiltinRoleByName(nil, "viewer")
		orgDoc := []*keyward.RoleBinding{
			{RoleID: keyward.RoleID(viewer.ID), PrincipalType: keyward.PrincipalGroup, PrincipalID: string(g.ID)},
			{RoleID: custom.ID, PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)},
		}
		projDoc := []*keyward.RoleBinding{{RoleID: keyward.RoleID(admin.ID), PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)}}
		write(t, s, func(tx keyward.Tx) error { return tx.ReplaceScopeBindings(ctx, o.ID, "", orgDoc) })
		write(t, s, func(tx keyward.Tx) error { return tx.ReplaceScopeBindings(ctx, o.ID, prod.ID, projDoc) })
		scope := func(p keyward.ProjectID) []string {
			var out []string
			read(t, s, func(tx keyward.Tx) error {
				bs, err := tx.ScopeBindings(ctx, o.ID, p)
				for _, b := range bs {
					out = append(out, string(b.RoleID)+"/"+b.PrincipalID+"/"+b.ProjectID)
				}
				return err
			})
			return out
		}
		if got, want := scope(""), []string{viewer.ID + "/" + string(g.ID) + "/", string(custom.ID) + "/" + string(owner.ID) + "/"}; !slices.Equal(got, want) {
			t.Errorf("org scope = %q, want %q", got, want)
		}
		if got, want := scope(prod.ID), []string{admin.ID + "/" + string(owner.ID) + "/" + string(prod.ID)}; !slices.Equal(got, want) {
			t.Errorf("project scope = %q, want %q", got, want)
		}
		// Replacing one scope leaves the other alone; a bad role changes nothing.
		err := s.WriteTx(ctx, func(tx keyward.Tx) error {
			return tx.ReplaceScopeBindings(ctx, o.ID, "", []*keyward.RoleBinding{
				{RoleID: keyward.RoleID(keyward.NewID(tx.Now())), PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)},
			})
		})
		wantCode(t, "ReplaceScopeBindings with an unknown role", err, keyward.CodeNotFound)
		// A deleted role's binding is kept for its restore.
		gone := newRole(t, s, o.ID, "gone")
		bind(t, s, o.ID, gone.ID, keyward.PrincipalUser, string(owner.ID), "")
		deleteRole(t, s, gone, true)
		write(t, s, func(tx keyward.Tx) error { return tx.ReplaceScopeBindings(ctx, o.ID, "", nil) })
		if got, want := scope(""), []string{string(gone.ID) + "/" + string(owner.ID) + "/"}; !slices.Equal(got, want) {
			t.Errorf("org scope after emptying = %q, want only the deleted role's %q", got, want)
		}
		read(t, s, func(tx keyward.Tx) error {
			gr, err := tx.LoadGraph(ctx, o.ID)
			// The deleted role's binding is in the graph (keyward.Graph).
			if err == nil && (len(gr.Bindings) != 2 || string(gr.Bindings[0].RoleID) != admin.ID || gr.Bindings[1].RoleID != gone.ID) {
				t.Errorf("LoadGraph bindings = %+v, want the built-in admin's and the deleted role's", gr.Bindings)
			}
			return err
		})
	})
}

// The migration's list of built-in role ids is package policy's.
func TestBuiltinRoleIDsMigrated(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		for _, r := range policy.BuiltinRoles(nil) {
			o, owner := newOrg(t, s, "org-"+r.ID[:8])
			err := s.WriteTx(t.Context(), func(tx keyward.Tx) error {
				return tx.CreateRoleBinding(t.Context(), &keyward.RoleBinding{OrgID: o.ID, RoleID: keyward.RoleID(r.ID), PrincipalType: keyward.PrincipalUser, PrincipalID: string(owner.ID)})
			})
			if err != nil {
				t.Errorf("binding built-in role %s: %v", r.Name, err)
			}
		}
	})
}

func TestRoleGrids(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		r := newRole(t, s, o.ID, "support")
		rg := &keyward.RoleGrid{OrgID: o.ID, RoleID: r.ID, Grid: json.RawMessage(`{"vpcs":["view"]}`), Document: json.RawMessage(testDocument)}
		write(t, s, func(tx keyward.Tx) error { return tx.PutRoleGrid(ctx, rg) })
		rg.Grid = json.RawMessage(`{"vpcs":["view","manage"]}`)
		write(t, s, func(tx keyward.Tx) error { return tx.PutRoleGrid(ctx, rg) })
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetRoleGrid(ctx, o.ID, r.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(rg, got); diff != "" {
				t.Errorf("GetRoleGrid mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.GetRoleGrid(ctx, other.ID, r.ID)
			wantCode(t, "GetRoleGrid of another org", err, keyward.CodeNotFound)
			g, err := tx.LoadGraph(ctx, o.ID)
			if err == nil && len(g.RoleGrids) != 1 {
				t.Errorf("LoadGraph role grids = %v", g.RoleGrids)
			}
			return err
		})
		err := s.WriteTx(ctx, func(tx keyward.Tx) error {
			return tx.PutRoleGrid(ctx, &keyward.RoleGrid{OrgID: other.ID, RoleID: r.ID, Grid: rg.Grid, Document: rg.Document})
		})
		wantCode(t, "PutRoleGrid on a role of another org", err, keyward.CodeNotFound)
		deleteRole(t, s, r, true)
		read(t, s, func(tx keyward.Tx) error {
			g, err := tx.LoadGraph(ctx, o.ID)
			if err == nil && len(g.RoleGrids) != 0 {
				t.Errorf("LoadGraph role grids of a deleted role = %v", g.RoleGrids)
			}
			return err
		})
	})
}

func TestAPIKeyNarrowing(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		plain := newKey(t, s, o.ID, owner.ID, "plain")
		narrow := &keyward.APIKey{OrgID: o.ID, UserID: owner.ID, Name: "narrow", SecretHash: []byte("h"),
			Policy: json.RawMessage(testDocument), Grid: json.RawMessage(`{"vpcs":["view"]}`)}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateAPIKey(ctx, narrow) })
		read(t, s, func(tx keyward.Tx) error {
			for _, want := range []*keyward.APIKey{plain, narrow} {
				got, err := tx.GetAPIKey(ctx, want.ID)
				if err != nil {
					return err
				}
				if string(got.Policy) != string(want.Policy) || string(got.Grid) != string(want.Grid) || (want.Policy == nil) != (got.Policy == nil) {
					t.Errorf("%s: policy %s grid %s, want %s and %s", want.Name, got.Policy, got.Grid, want.Policy, want.Grid)
				}
			}
			return nil
		})
	})
}

package authz_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/sqlstore"
)

// writeScenario writes sc's organization to db in one transaction and
// returns its id with the ids of every name.
func writeScenario(t *testing.T, ctx context.Context, db *sqlstore.DB, sc *scenario) (keyward.OrgID, names) {
	t.Helper()
	ids := names{}
	var org keyward.OrgID
	err := db.WriteTx(ctx, func(tx keyward.Tx) error {
		now := tx.Now()
		id := func() string { return keyward.NewID(now) }
		org = keyward.OrgID(id())
		ids["org"] = string(org)
		var owner keyward.UserID
		for _, u := range sc.Users {
			ids[u.Name] = id()
			if u.Kind == "root_owner" {
				owner = keyward.UserID(ids[u.Name])
			}
		}
		for _, u := range sc.Users {
			a := &keyward.Account{ID: keyward.UserID(ids[u.Name]), Name: u.Name, Service: u.Kind == "service"}
			if !a.Service {
				a.Email = u.Name + "." + ids[u.Name] + "@example.com"
			}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
		}
		if err := tx.CreateOrganization(ctx, &keyward.Organization{ID: org, Name: "scenario", Type: keyward.OrgTypeTeam, OwnerID: owner}); err != nil {
			return err
		}
		for _, u := range sc.Users {
			m := &keyward.Member{OrgID: org, UserID: keyward.UserID(ids[u.Name]), Owner: u.Kind == "root_owner", Status: keyward.StatusActive, APIEnabled: true, ACLs: u.ACLs}
			if u.Status != "" {
				m.Status = keyward.UserStatus(u.Status)
				if m.Status == keyward.StatusSuspended {
					m.SuspendedAt = &now
				}
			}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		for _, g := range sc.Groups {
			ids[g.Name] = id()
			if err := tx.CreateGroup(ctx, &keyward.Group{ID: keyward.GroupID(ids[g.Name]), OrgID: org, Name: g.Name}); err != nil {
				return err
			}
			for _, m := range g.Members {
				if err := tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: org, GroupID: keyward.GroupID(ids[g.Name]), UserID: keyward.UserID(ids.of(t, m)), AddedAt: now}); err != nil {
					return err
				}
			}
		}
		for _, r := range sc.Roles {
			ids[r.Name] = id()
			typ := keyward.RoleAssignable
			if r.Type != "" {
				typ = keyward.RoleType(r.Type)
			}
			if err := tx.CreateRole(ctx, &keyward.Role{ID: keyward.RoleID(ids[r.Name]), OrgID: org, Name: r.Name, Type: typ, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds}); err != nil {
				return err
			}
		}
		for _, p := range sc.Policies {
			ids[p.Name] = id()
		}
		for _, p := range sc.Policies {
			doc := expandJSON(string(p.Document), ids)
			if err := tx.CreatePolicy(ctx, &keyward.Policy{ID: keyward.PolicyID(ids[p.Name]), OrgID: org, Name: p.Name, Document: []byte(doc), Version: 1}); err != nil {
				return err
			}
		}
		for _, a := range sc.Attach {
			pid, ok := ids[a.Policy]
			if !ok {
				m, found := policy.ManagedPolicyByName(policy.DefaultCatalog(), a.Policy)
				if !found {
					t.Fatalf("attach: no policy %q", a.Policy)
				}
				pid = m.ID
			}
			kind, name, _ := strings.Cut(a.To, ":")
			at := &keyward.Attachment{OrgID: org, PolicyID: keyward.PolicyID(pid), TargetType: keyward.PrincipalType(kind), TargetID: ids.of(t, name), CreatedAt: now}
			if err := tx.CreateAttachment(ctx, at); err != nil {
				return err
			}
		}
		for _, pr := range sc.Projects {
			if err := tx.CreateProject(ctx, &keyward.Project{ID: keyward.ProjectID(pr.ID), OrgID: org, Name: pr.Name}); err != nil {
				return err
			}
		}
		for _, r := range sc.Resources {
			if err := tx.CreateResource(ctx, &keyward.Resource{OrgID: org, ID: r.ID, Type: "compute.instance", ProjectID: keyward.ProjectID(r.Project)}); err != nil {
				return err
			}
		}
		for _, o := range sc.Overrides {
			ov := &keyward.Override{OrgID: org, ProjectID: keyward.ProjectID(o.Project), UserID: keyward.UserID(ids.of(t, o.User)),
				Grid: []byte("{}"), Document: []byte(expandJSON(string(o.Document), ids))}
			if err := tx.PutOverride(ctx, ov); err != nil {
				return err
			}
		}
		for _, b := range sc.Bind {
			kind, name, _ := strings.Cut(b.To, ":")
			role, ok := ids[b.Role]
			if !ok {
				br, found := policy.BuiltinRoleByName(policy.DefaultCatalog(), b.Role)
				if !found {
					t.Fatalf("bind: no role %q", b.Role)
				}
				role = br.ID
			}
			rb := &keyward.RoleBinding{OrgID: org, RoleID: keyward.RoleID(role), PrincipalType: keyward.PrincipalType(kind), PrincipalID: ids.of(t, name), ProjectID: b.Project, CreatedAt: now}
			if err := tx.CreateRoleBinding(ctx, rb); err != nil {
				return err
			}
		}
		for _, tr := range sc.Trusts {
			kind, name, _ := strings.Cut(tr.To, ":")
			rt := &keyward.RoleTrust{OrgID: org, RoleID: keyward.RoleID(ids.of(t, tr.Role)), Type: keyward.TrustTemporary,
				Mode: keyward.AssumeManual, CreatedAt: now}
			if tr.Mode != "" {
				rt.Mode = keyward.AssumptionMode(tr.Mode)
			}
			if kind == "user" {
				rt.TrustedUserID = keyward.UserID(ids.of(t, name))
			} else {
				rt.TrustedGroupID = keyward.GroupID(ids.of(t, name))
			}
			for _, a := range tr.IPAddress {
				rt.Conditions.IPAddress = append(rt.Conditions.IPAddress, netip.MustParsePrefix(a))
			}
			if len(tr.Hours) == 2 {
				rt.Conditions.TimeOfDay = &keyward.TimeOfDay{Start: tr.Hours[0], End: tr.Hours[1]}
			}
			if tr.ValidUntil != "" {
				v, err := time.Parse(time.RFC3339, tr.ValidUntil)
				if err != nil {
					t.Fatal(err)
				}
				rt.ValidUntil = &v
			}
			if tr.Deleted {
				rt.DeletedAt = &now
			}
			if err := tx.CreateRoleTrust(ctx, rt); err != nil {
				return err
			}
		}
		// Deletions come last, as in life: the edges stay, for a restore.
		for _, r := range sc.Roles {
			if r.Deleted {
				role, err := tx.GetRole(ctx, org, keyward.RoleID(ids[r.Name]))
				if err != nil {
					return err
				}
				role.DeletedAt = &now
				if err := tx.UpdateRole(ctx, role); err != nil {
					return err
				}
			}
		}
		for _, p := range sc.Policies {
			if p.Deleted {
				pol, err := tx.GetPolicy(ctx, org, keyward.PolicyID(ids[p.Name]))
				if err != nil {
					return err
				}
				pol.DeletedAt = &now
				if err := tx.UpdatePolicy(ctx, pol, pol.Version); err != nil {
					return err
				}
			}
		}
		_, err := tx.BumpRevision(ctx, org)
		return err
	})
	if err != nil {
		t.Fatalf("write scenario: %v", err)
	}
	return org, ids
}

// expandJSON replaces every JSON string "$name" in doc with the name's id.
func expandJSON(doc string, ids names) string {
	for name, id := range ids {
		doc = strings.ReplaceAll(doc, `"$`+name+`"`, `"`+id+`"`)
	}
	return doc
}

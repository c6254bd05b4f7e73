package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vultr/govultr/v3"
)

// TestGovultrTrusts drives role trusts and assumed-role sessions through
// Vultr's official Go client, as steps 8 and 9 of the test plan in
// research/vultr-api.md §8 lay them out, and the session token as a
// credential of that client.
func TestGovultrTrusts(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	root, log := newGovultrRoot(t, ts)

	u1 := newGovultrUser(t, root, "ada@example.com", "Ada")
	p1, _, err := root.Organization.CreatePolicy(ctx, &govultr.OrganizationPolicyReq{Name: "groups-read", PolicyDocument: govultr.OrganizationPolicyDocument{
		Version: "2026-03-20", Statement: []govultr.OrganizationPolicyStatement{{Effect: "Allow", Action: []string{"iam.group.List"}, Resource: []string{"*"}}},
	}})
	if err != nil {
		t.Fatalf("CreatePolicy = %v", err)
	}

	// Step 8: trusts.
	r2, _, err := root.Organization.CreateRole(ctx, &govultr.OrganizationRoleReq{Name: "r2", Type: "assumable", MaxSessionDuration: 900})
	if err != nil || r2.Type != "assumable" || r2.MaxSessionDuration != 900 {
		t.Fatalf("CreateRole(assumable) = %+v, %v", r2, err)
	}
	if _, _, err := root.Organization.AttachRolePolicy(ctx, r2.ID, p1.ID); err != nil {
		t.Fatalf("AttachRolePolicy = %v", err)
	}
	until := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	t1, _, err := root.Organization.CreateRoleTrust(ctx, &govultr.OrganizationRoleTrustCreateReq{
		RoleID: r2.ID, Type: "TemporaryAssumption", UserID: u1.ID,
		Conditions: &govultr.OrganizationRoleTrustReqCondition{
			TimeOfDay: &govultr.OrganizationRoleTrustReqConditionTime{Start: 0, End: 23}, IPRanges: []string{"0.0.0.0/0"},
		},
		DateExpires: &until,
	})
	if err != nil || t1.ID == "" || t1.RoleName != "r2" || t1.UserID != u1.ID || t1.Conditions.TimeOfDay.End != 23 ||
		!slices.Equal(t1.Conditions.IPRanges, []string{"0.0.0.0/0"}) || t1.DateExpires != until {
		t.Fatalf("CreateRoleTrust = %+v, %v", t1, err)
	}
	wantStatus(t, log, "CreateRoleTrust", http.StatusCreated)
	got, _, err := root.Organization.GetRoleTrust(ctx, t1.ID)
	if err != nil || got.ID != t1.ID || got.Type != "TemporaryAssumption" {
		t.Fatalf("GetRoleTrust = %+v, %v", got, err)
	}
	all, meta, _, err := root.Organization.ListRoleTrusts(ctx, &govultr.ListOptions{PerPage: 5})
	if err != nil || len(all) != 1 || meta == nil || meta.Total != 1 || meta.Links == nil {
		t.Fatalf("ListRoleTrusts = %+v, %+v, %v", all, meta, err)
	}
	later := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	upd, _, err := root.Organization.UpdateRoleTrust(ctx, t1.ID, &govultr.OrganizationRoleTrustUpdateReq{DateExpires: &later})
	if err != nil || upd.DateExpires != later || upd.UserID != u1.ID || upd.Conditions.TimeOfDay.End != 23 || len(upd.Conditions.IPRanges) != 1 {
		t.Fatalf("UpdateRoleTrust(valid_until) = %+v, %v; want the other fields kept", upd, err)
	}
	byRole, meta, _, err := root.Organization.ListRoleTrustsByRole(ctx, r2.ID)
	if err != nil || len(byRole) != 1 || byRole[0].ID != t1.ID || meta == nil {
		t.Fatalf("ListRoleTrustsByRole = %+v, %v", byRole, err)
	}
	byUser, meta, _, err := root.Organization.ListRoleTrustsByUser(ctx, u1.ID)
	if err != nil || len(byUser) != 1 || byUser[0].ID != t1.ID || meta == nil {
		t.Fatalf("ListRoleTrustsByUser = %+v, %v", byUser, err)
	}

	// Step 9: sessions, assumed by Ada with her own key.
	ada := newGovultr(t, ts, u1.APIKey, log)
	ip := "127.0.0.1"
	s, _, err := ada.Organization.CreateRoleSession(ctx, &govultr.OrganizationRoleSessionReq{
		UserID: u1.ID, RoleID: r2.ID, SessionName: "s", Duration: 900, Context: &govultr.OrganizationRoleSessionReqContext{IPAddress: &ip},
	})
	if err != nil || !strings.HasPrefix(s.Token, "kwr_") || strings.ContainsAny(s.Token, "/+=") || s.RemainingDuration > 900 ||
		s.RemainingDuration < 890 || s.DateExpires == "" || s.RoleID != r2.ID || s.UserID != u1.ID {
		t.Fatalf("CreateRoleSession = %+v, %v", s, err)
	}
	wantStatus(t, log, "CreateRoleSession", http.StatusCreated)
	gs, _, err := ada.Organization.GetRoleSession(ctx, s.Token)
	if err != nil || gs.RoleID != r2.ID || gs.UserID != u1.ID || gs.Token != s.Token {
		t.Fatalf("GetRoleSession = %+v, %v", gs, err)
	}
	sessions, meta, _, err := ada.Organization.ListRoleSessions(ctx, u1.ID)
	if err != nil || len(sessions) != 1 || sessions[0].RoleID != r2.ID || meta == nil || meta.Total != 1 {
		t.Fatalf("ListRoleSessions = %+v, %+v, %v", sessions, meta, err)
	}

	// The session token is a credential: it acts as r2, which may list
	// groups, and not as Ada, who may not read users.
	sess := newGovultr(t, ts, s.Token, log)
	if _, _, _, err := sess.Organization.ListGroups(ctx, nil); err != nil {
		t.Fatalf("ListGroups with the session token = %v", err)
	}
	if _, _, _, err := sess.Organization.ListRoles(ctx, nil); err == nil {
		t.Fatal("ListRoles with the session token succeeded; r2 does not allow it")
	}
	wantStatus(t, log, "ListRoles with the session token", http.StatusForbidden)

	if err := ada.Organization.RevokeRoleSession(ctx, s.Token); err != nil {
		t.Fatalf("RevokeRoleSession = %v", err)
	}
	wantStatus(t, log, "RevokeRoleSession", http.StatusNoContent)
	gone, _, err := ada.Organization.GetRoleSession(ctx, s.Token)
	if err != nil || gone.RemainingDuration != 0 {
		t.Fatalf("GetRoleSession after revoke = %+v, %v; want remaining_duration 0", gone, err)
	}
	if _, _, _, err := sess.Organization.ListGroups(ctx, nil); err == nil {
		t.Fatal("the revoked session token still works")
	}
	wantStatus(t, log, "ListGroups with a revoked token", http.StatusUnauthorized)

	// Negative: an assignable role, and a user with no trust.
	r1, _, err := root.Organization.CreateRole(ctx, &govultr.OrganizationRoleReq{Name: "r1", Type: "assignable", MaxSessionDuration: 3600})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ada.Organization.CreateRoleSession(ctx, &govultr.OrganizationRoleSessionReq{UserID: u1.ID, RoleID: r1.ID, SessionName: "x"}); err == nil {
		t.Fatal("CreateRoleSession(assignable role) succeeded")
	}
	wantStatus(t, log, "CreateRoleSession(assignable role)", http.StatusConflict)
	u2 := newGovultrUser(t, root, "bea@example.com", "Bea")
	bea := newGovultr(t, ts, u2.APIKey, log)
	if _, _, err := bea.Organization.CreateRoleSession(ctx, &govultr.OrganizationRoleSessionReq{UserID: u2.ID, RoleID: r2.ID, SessionName: "x"}); err == nil {
		t.Fatal("CreateRoleSession(no trust) succeeded")
	}
	wantStatus(t, log, "CreateRoleSession(no trust)", http.StatusForbidden)

	// Step 12's trust part: delete and restore (wrapped).
	if err := root.Organization.DeleteRoleTrust(ctx, t1.ID); err != nil {
		t.Fatalf("DeleteRoleTrust = %v", err)
	}
	wantStatus(t, log, "DeleteRoleTrust", http.StatusNoContent)
	back, _, err := root.Organization.RestoreRoleTrust(ctx, t1.ID)
	if err != nil || back.ID != t1.ID {
		t.Fatalf("RestoreRoleTrust = %+v, %v", back, err)
	}
	wantStatus(t, log, "RestoreRoleTrust", http.StatusOK)
}

package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/vultr/govultr/v3"
)

// TestGovultrOrganizationLifecycle drives delete, restore, suspend,
// unsuspend, the suspended list and member removal through Vultr's client
// (vultr-api.md §8 steps 1 and 10).
func TestGovultrOrganizationLifecycle(t *testing.T) {
	ctx := context.Background()
	ts := startServer(t, nil)
	root, log := newGovultrRoot(t, ts)

	orgs, _, _, err := root.Organization.ListOrganizations(ctx, nil)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("ListOrganizations = %v, %v", orgs, err)
	}
	home := orgs[0].ID

	// Step 1: delete and restore an organization.
	o2, _, err := root.Organization.CreateOrganization(ctx, &govultr.OrganizationReq{Name: "o2"})
	if err != nil || o2.ID == "" {
		t.Fatalf("CreateOrganization = %+v, %v", o2, err)
	}
	if err := root.Organization.DeleteOrganization(ctx, o2.ID); err != nil {
		t.Fatalf("DeleteOrganization: %v", err)
	}
	wantStatus(t, log, "DeleteOrganization", http.StatusNoContent)
	if _, _, err := root.Organization.GetOrganization(ctx, o2.ID); err == nil {
		t.Fatal("GetOrganization(deleted) succeeded")
	}
	wantStatus(t, log, "GetOrganization(deleted)", http.StatusNotFound)
	if err := root.Organization.RestoreOrganization(ctx, o2.ID); err != nil {
		t.Fatalf("RestoreOrganization: %v", err)
	}
	wantStatus(t, log, "RestoreOrganization", http.StatusNoContent)
	if got, _, err := root.Organization.GetOrganization(ctx, o2.ID); err != nil || got.ID != o2.ID {
		t.Fatalf("GetOrganization(restored) = %+v, %v", got, err)
	}

	// Step 10: suspend, list, unsuspend.
	yes := true
	u1, _, err := root.User.Create(ctx, &govultr.UserReq{Email: "ada@example.com", Name: "Ada", APIEnabled: &yes})
	if err != nil || u1.ID == "" || u1.APIKey == "" {
		t.Fatalf("User.Create = %+v, %v", u1, err)
	}
	ada := newGovultr(t, ts, u1.APIKey, log)
	if _, _, _, err := ada.Organization.ListCurrentUserGroups(ctx, nil); err != nil {
		t.Fatalf("ListCurrentUserGroups before suspension: %v", err)
	}
	if err := root.Organization.SuspendUser(ctx, home, u1.ID); err != nil {
		t.Fatalf("SuspendUser: %v", err)
	}
	wantStatus(t, log, "SuspendUser", http.StatusNoContent)
	users, meta, _, err := root.Organization.ListSuspendedUsers(ctx, home, &govultr.ListOptions{PerPage: 10})
	if err != nil || len(users) != 1 || users[0].ID != u1.ID || users[0].DateSuspended == "" || meta == nil || meta.Total != 1 || meta.Links == nil {
		t.Fatalf("ListSuspendedUsers = %+v, %+v, %v", users, meta, err)
	}
	if _, _, _, err := ada.Organization.ListCurrentUserGroups(ctx, nil); err == nil {
		t.Fatal("ListCurrentUserGroups of a suspended user succeeded")
	}
	wantStatus(t, log, "ListCurrentUserGroups(suspended)", http.StatusUnauthorized)
	if err := root.Organization.UnsuspendUser(ctx, home, u1.ID); err != nil {
		t.Fatalf("UnsuspendUser: %v", err)
	}
	wantStatus(t, log, "UnsuspendUser", http.StatusNoContent)
	if _, _, _, err := ada.Organization.ListCurrentUserGroups(ctx, nil); err != nil {
		t.Fatalf("ListCurrentUserGroups after unsuspension: %v", err)
	}
	users, _, _, err = root.Organization.ListSuspendedUsers(ctx, home, nil)
	if err != nil || len(users) != 0 {
		t.Fatalf("ListSuspendedUsers after unsuspension = %+v, %v", users, err)
	}

	// Removing the member ends its key; the root owner cannot be removed.
	if err := root.Organization.DeleteUser(ctx, home, u1.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	wantStatus(t, log, "DeleteUser", http.StatusNoContent)
	if _, _, _, err := ada.Organization.ListCurrentUserGroups(ctx, nil); err == nil {
		t.Fatal("ListCurrentUserGroups of a removed user succeeded")
	}
	wantStatus(t, log, "ListCurrentUserGroups(removed)", http.StatusUnauthorized)
	me, _, err := root.User.Get(ctx, "me")
	if err != nil || me.ID == "" {
		t.Fatalf("User.Get(me) = %+v, %v", me, err)
	}
	if err := root.Organization.SuspendUser(ctx, home, me.ID); err == nil {
		t.Fatal("SuspendUser(root owner) succeeded")
	}
	wantStatus(t, log, "SuspendUser(root owner)", http.StatusConflict)
	if err := root.Organization.DeleteUser(ctx, home, me.ID); err == nil {
		t.Fatal("DeleteUser(root owner) succeeded")
	}
	wantStatus(t, log, "DeleteUser(root owner)", http.StatusConflict)
}

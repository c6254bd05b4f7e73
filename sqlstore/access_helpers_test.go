package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
)

func newGroup(t testing.TB, s keyward.Store, org keyward.OrgID, name string) *keyward.Group {
	t.Helper()
	g := &keyward.Group{OrgID: org, Name: name, Description: "The " + name + " group"}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateGroup(t.Context(), g) })
	return g
}

// setGroupDeleted deletes group id of org softly, or restores it, as the
// service does: by writing its DeletedAt.
func setGroupDeleted(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.GroupID, deleted bool) error {
	g, err := tx.GetGroup(ctx, org, id)
	if err != nil {
		return err
	}
	g.DeletedAt = deletedAt(tx, deleted)
	return tx.UpdateGroup(ctx, g)
}

// deletedAt is the DeletedAt that deletes a row softly (the
// transaction's time) when deleted is set, or restores it (nil).
func deletedAt(tx keyward.Tx, deleted bool) *time.Time {
	if !deleted {
		return nil
	}
	now := tx.Now()
	return &now
}

func addToGroup(t testing.TB, s keyward.Store, org keyward.OrgID, g keyward.GroupID, u keyward.UserID) *keyward.GroupMember {
	t.Helper()
	m := &keyward.GroupMember{OrgID: org, GroupID: g, UserID: u, AddedBy: u}
	write(t, s, func(tx keyward.Tx) error { return tx.AddGroupMember(t.Context(), m) })
	return m
}

func newRole(t testing.TB, s keyward.Store, org keyward.OrgID, name string) *keyward.Role {
	t.Helper()
	r := &keyward.Role{OrgID: org, Name: name, Description: "The " + name + " role", Type: keyward.RoleAssignable}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateRole(t.Context(), r) })
	return r
}

// deleteRole soft-deletes r, or restores it when deleted is false.
func deleteRole(t testing.TB, s keyward.Store, r *keyward.Role, deleted bool) {
	t.Helper()
	write(t, s, func(tx keyward.Tx) error {
		r.DeletedAt = deletedAt(tx, deleted)
		return tx.UpdateRole(t.Context(), r)
	})
}

func bind(t testing.TB, s keyward.Store, org keyward.OrgID, r keyward.RoleID, typ keyward.PrincipalType, id, project string) *keyward.RoleBinding {
	t.Helper()
	b := &keyward.RoleBinding{OrgID: org, RoleID: r, PrincipalType: typ, PrincipalID: id, ProjectID: project}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateRoleBinding(t.Context(), b) })
	return b
}

// testDocument is a policy document as package policy prints one.
const testDocument = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.instance.*"],"Resource":["*"]}]}`

func newPolicy(t testing.TB, s keyward.Store, org keyward.OrgID, name string) *keyward.Policy {
	t.Helper()
	p := &keyward.Policy{OrgID: org, Name: name, Description: "The " + name + " policy", Document: json.RawMessage(testDocument)}
	write(t, s, func(tx keyward.Tx) error { return tx.CreatePolicy(t.Context(), p) })
	return p
}

// deletePolicy soft-deletes p, or restores it when deleted is false, at
// its current version.
func deletePolicy(t testing.TB, s keyward.Store, p *keyward.Policy, deleted bool) {
	t.Helper()
	write(t, s, func(tx keyward.Tx) error {
		p.DeletedAt = deletedAt(tx, deleted)
		return tx.UpdatePolicy(t.Context(), p, p.Version)
	})
}

func attach(t testing.TB, s keyward.Store, org keyward.OrgID, p keyward.PolicyID, typ keyward.PrincipalType, id string) *keyward.Attachment {
	t.Helper()
	a := &keyward.Attachment{OrgID: org, PolicyID: p, TargetType: typ, TargetID: id}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateAttachment(t.Context(), a) })
	return a
}

// ids maps items to their IDs, for comparing listings.
func ids[T any, ID ~string](items []T, id func(T) ID) []string {
	var out []string
	for _, it := range items {
		out = append(out, string(id(it)))
	}
	return out
}

var errRollback = errors.New("roll back")

// rolledBack runs fn in a write transaction that it then rolls back, so
// that cases of a table stay independent, and returns fn's error.
func rolledBack(t testing.TB, s keyward.Store, fn func(tx keyward.Tx) error) error {
	t.Helper()
	var got error
	err := s.WriteTx(t.Context(), func(tx keyward.Tx) error {
		got = fn(tx)
		return errRollback
	})
	if err != errRollback {
		t.Fatalf("WriteTx: %v", err)
	}
	return got
}

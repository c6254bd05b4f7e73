package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// twoOrgs creates the organizations A and B of the isolation tests, with
// their owners, alice, a member of A only, and shared, a member of both.
func twoOrgs(t *testing.T, s keyward.Store) (a *keyward.Organization, ownerA *keyward.Account, b *keyward.Organization, ownerB, alice, shared *keyward.Account) {
	t.Helper()
	a, ownerA = newOrg(t, s, "a")
	b, ownerB = newOrg(t, s, "b")
	alice = newAccount(t, s, "alice@example.com", false)
	shared = newAccount(t, s, "shared@example.com", false)
	addMember(t, s, a.ID, alice)
	addMember(t, s, a.ID, shared)
	addMember(t, s, b.ID, shared)
	return a, ownerA, b, ownerB, alice, shared
}

// TestCrossOrgIsolation checks that no org-scoped method of Tx, asked
// about organization B, sees or changes a row of organization A.
func TestCrossOrgIsolation(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		a, ownerA, b, ownerB, alice, shared := twoOrgs(t, s)
		aliceKey := newKey(t, s, a.ID, alice.ID, "alice in a")
		sharedKeyA := newKey(t, s, a.ID, shared.ID, "shared in a")
		sharedKeyB := newKey(t, s, b.ID, shared.ID, "shared in b")
		eventA := appendAudit(t, s, &keyward.AuditEvent{OrgID: a.ID, ActorID: alice.ID, Action: "iam.user.Update", TargetID: string(alice.ID)})
		eventB := appendAudit(t, s, &keyward.AuditEvent{OrgID: b.ID, ActorID: ownerB.ID, Action: "iam.user.Update", TargetID: string(shared.ID)})

		notFound := []writeCall{
			{"GetUser", func(tx keyward.Tx) error { _, err := tx.GetUser(ctx, b.ID, alice.ID); return err }},
			{"GetUser(owner of A)", func(tx keyward.Tx) error { _, err := tx.GetUser(ctx, b.ID, ownerA.ID); return err }},
			{"UpdateMember", func(tx keyward.Tx) error {
				return tx.UpdateMember(ctx, &keyward.Member{OrgID: b.ID, UserID: alice.ID, Status: keyward.StatusSuspended})
			}},
			{"DeleteMember", func(tx keyward.Tx) error { return tx.DeleteMember(ctx, b.ID, alice.ID) }},
			{"GetAPIKeyOf", func(tx keyward.Tx) error { _, err := tx.GetAPIKeyOf(ctx, b.ID, alice.ID, aliceKey.ID); return err }},
			{"GetAPIKeyOf(member of both)", func(tx keyward.Tx) error {
				_, err := tx.GetAPIKeyOf(ctx, b.ID, shared.ID, sharedKeyA.ID)
				return err
			}},
			{"RevokeAPIKey", func(tx keyward.Tx) error { return tx.RevokeAPIKey(ctx, b.ID, aliceKey.ID, tx.Now()) }},
			{"RevokeAPIKey(member of both)", func(tx keyward.Tx) error { return tx.RevokeAPIKey(ctx, b.ID, sharedKeyA.ID, tx.Now()) }},
		}
		lists := []listCall{
			{"ListUsers", func(tx keyward.Tx) ([]string, error) {
				users, _, err := tx.ListUsers(ctx, b.ID, keyward.UserFilter{})
				return ids(users, func(u *keyward.User) keyward.UserID { return u.Account.ID }), err
			}, []string{string(ownerB.ID), string(shared.ID)}},
			{"ListUsers(email of A's member)", func(tx keyward.Tx) ([]string, error) {
				users, _, err := tx.ListUsers(ctx, b.ID, keyward.UserFilter{Email: alice.Email})
				return ids(users, func(u *keyward.User) keyward.UserID { return u.Account.ID }), err
			}, nil},
			{"ListAPIKeys(member of both)", func(tx keyward.Tx) ([]string, error) {
				keys, _, err := tx.ListAPIKeys(ctx, b.ID, shared.ID, keyward.Page{})
				return ids(keys, func(k *keyward.APIKey) keyward.APIKeyID { return k.ID }), err
			}, []string{string(sharedKeyB.ID)}},
			{"ListAPIKeys(member of A only)", func(tx keyward.Tx) ([]string, error) {
				keys, _, err := tx.ListAPIKeys(ctx, b.ID, alice.ID, keyward.Page{})
				return ids(keys, func(k *keyward.APIKey) keyward.APIKeyID { return k.ID }), err
			}, nil},
			{"ListAuditEvents", func(tx keyward.Tx) ([]string, error) {
				evs, _, err := tx.ListAuditEvents(ctx, b.ID, keyward.AuditFilter{})
				return ids(evs, func(e *keyward.AuditEvent) keyward.AuditEventID { return e.ID }), err
			}, []string{string(eventB.ID)}},
			{"ListAuditEvents(actor in A)", func(tx keyward.Tx) ([]string, error) {
				evs, _, err := tx.ListAuditEvents(ctx, b.ID, keyward.AuditFilter{ActorID: alice.ID, TargetID: eventA.TargetID})
				return ids(evs, func(e *keyward.AuditEvent) keyward.AuditEventID { return e.ID }), err
			}, nil},
		}
		checkIsolation(t, s, notFound, lists)

		// Removing the shared member from B leaves everything of A alone.
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteMember(ctx, b.ID, shared.ID) })
		read(t, s, func(tx keyward.Tx) error {
			for _, k := range []*keyward.APIKey{aliceKey, sharedKeyA} {
				got, err := tx.GetAPIKeyOf(ctx, a.ID, k.UserID, k.ID)
				if err != nil {
					t.Errorf("GetAPIKeyOf(A, %s): %v", k.Name, err)
				} else if got.RevokedAt != nil {
					t.Errorf("key %s of A was revoked through B", k.Name)
				}
			}
			for _, id := range []keyward.UserID{alice.ID, shared.ID} {
				u, err := tx.GetUser(ctx, a.ID, id)
				if err != nil {
					t.Errorf("GetUser(A, %s): %v", id, err)
				} else if u.Member.Status != keyward.StatusActive {
					t.Errorf("member %s of A was changed through B: %+v", id, u.Member)
				}
			}
			return nil
		})
	})
}

// TestIDsFromAnotherTime checks that listings order by ID, not by the
// clock: a store whose clock runs backwards still lists in creation order.
func TestIDsFromAnotherTime(t *testing.T) {
	t.Parallel()
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		clock := keywardtest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		s := keywardtest.OpenDialect(t, dialect, sqlstore.Config{Now: clock.Now})
		o, owner := newOrg(t, s, "acme")
		var want []keyward.APIKeyID
		for range 3 {
			clock.Advance(-time.Hour)
			want = append(want, newKey(t, s, o.ID, owner.ID, "k").ID)
		}
		read(t, s, func(tx keyward.Tx) error {
			keys, _, err := tx.ListAPIKeys(t.Context(), o.ID, owner.ID, keyward.Page{})
			var got []keyward.APIKeyID
			for _, k := range keys {
				got = append(got, k.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ListAPIKeys mismatch (-want +got):\n%s", diff)
			}
			return err
		})
	})
}

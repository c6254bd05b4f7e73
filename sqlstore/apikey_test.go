package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestAPIKeyRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		expires := time.Date(2031, 2, 3, 4, 5, 6, 789123456, time.FixedZone("X", 3600))
		k := &keyward.APIKey{OrgID: o.ID, UserID: owner.ID, Name: "ci", SecretHash: []byte{0, 1, 2, 255}, CreatedBy: owner.ID, ExpiresAt: &expires}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateAPIKey(ctx, k) })
		if !k.ExpiresAt.Equal(expires.Truncate(time.Microsecond)) {
			t.Errorf("CreateAPIKey ExpiresAt = %v, want %v truncated to microseconds", k.ExpiresAt, expires)
		}
		k2 := newKey(t, s, o.ID, owner.ID, "second")
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetAPIKey(ctx, k.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(k, got); diff != "" {
				t.Errorf("GetAPIKey(%s) mismatch (-want +got):\n%s", k.ID, diff)
			}
			got, err = tx.GetAPIKeyOf(ctx, o.ID, owner.ID, k.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(k, got); diff != "" {
				t.Errorf("GetAPIKeyOf(%s) mismatch (-want +got):\n%s", k.ID, diff)
			}
			keys, info, err := tx.ListAPIKeys(ctx, o.ID, owner.ID, keyward.Page{})
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]*keyward.APIKey{k, k2}, keys); diff != "" {
				t.Errorf("ListAPIKeys mismatch (-want +got):\n%s", diff)
			}
			if info.Total != 2 || info.Next != "" || info.Prev != "" {
				t.Errorf("ListAPIKeys info = %+v, want Total 2 and no links", info)
			}
			return nil
		})
	})
}

func TestAPIKeyErrors(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		outsider := newAccount(t, s, "outsider@example.com", false)
		k := newKey(t, s, o.ID, owner.ID, "ci")
		missing := keyward.APIKeyID(keyward.NewID(time.Now()))
		tests := []codeCase{
			{"key of a non-member", func(tx keyward.Tx) error {
				return tx.CreateAPIKey(ctx, &keyward.APIKey{OrgID: o.ID, UserID: outsider.ID, SecretHash: []byte("x")})
			}, keyward.CodeNotFound},
			{"same ID", func(tx keyward.Tx) error {
				return tx.CreateAPIKey(ctx, &keyward.APIKey{ID: k.ID, OrgID: o.ID, UserID: owner.ID, SecretHash: []byte("x")})
			}, keyward.CodeConflict},
			{"get missing", func(tx keyward.Tx) error { _, err := tx.GetAPIKey(ctx, missing); return err }, keyward.CodeNotFound},
			{"get of another user", func(tx keyward.Tx) error {
				_, err := tx.GetAPIKeyOf(ctx, o.ID, outsider.ID, k.ID)
				return err
			}, keyward.CodeNotFound},
			{"revoke missing", func(tx keyward.Tx) error { return tx.RevokeAPIKey(ctx, o.ID, missing, tx.Now()) }, keyward.CodeNotFound},
		}
		wantCodes(t, s, tests)
	})
}

func TestRevokeAPIKeyIsIdempotent(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		k := newKey(t, s, o.ID, owner.ID, "ci")
		first := time.Date(2030, 1, 1, 0, 0, 0, 1500, time.UTC)
		for _, at := range []time.Time{first, first.Add(time.Hour)} {
			write(t, s, func(tx keyward.Tx) error { return tx.RevokeAPIKey(ctx, o.ID, k.ID, at) })
		}
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetAPIKey(ctx, k.ID)
			if err != nil {
				return err
			}
			if want := first.Truncate(time.Microsecond); got.RevokedAt == nil || !got.RevokedAt.Equal(want) {
				t.Errorf("RevokedAt = %v, want the first revocation %v", got.RevokedAt, want)
			}
			if got.Usable(first.Add(-time.Hour)) {
				t.Errorf("a revoked key is usable")
			}
			return nil
		})
	})
}

func TestDeleteMemberDeletesTheirKeys(t *testing.T) {
	forEachOrg(t, "a", func(t *testing.T, s *sqlstore.DB, a *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		b, _ := newOrg(t, s, "b")
		bob := newAccount(t, s, "bob@example.com", false)
		carol := newAccount(t, s, "carol@example.com", false)
		addMember(t, s, a.ID, bob)
		addMember(t, s, b.ID, bob)
		addMember(t, s, a.ID, carol)
		bobInA := newKey(t, s, a.ID, bob.ID, "bob in a")
		bobInB := newKey(t, s, b.ID, bob.ID, "bob in b")
		carolInA := newKey(t, s, a.ID, carol.ID, "carol in a")

		write(t, s, func(tx keyward.Tx) error { return tx.DeleteMember(ctx, a.ID, bob.ID) })
		read(t, s, func(tx keyward.Tx) error {
			for _, tt := range []struct {
				key  *keyward.APIKey
				want keyward.Code
			}{{bobInA, keyward.CodeNotFound}, {bobInB, ""}, {carolInA, ""}} {
				_, err := tx.GetAPIKey(ctx, tt.key.ID)
				wantCode(t, "GetAPIKey("+tt.key.Name+")", err, tt.want)
			}
			if _, err := tx.GetAccount(ctx, bob.ID); err != nil {
				t.Errorf("GetAccount(bob) after DeleteMember: %v, want the account kept", err)
			}
			n, err := tx.CountMemberships(ctx, bob.ID)
			if n != 1 {
				t.Errorf("CountMemberships(bob) = %d, want 1", n)
			}
			return err
		})
	})
}

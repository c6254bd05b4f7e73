package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestOIDCGrants: a code is taken once; tokens read back as written; a
// grant's deletion takes all its tokens and no other; expired ones go.
func TestOIDCGrants(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		prov := &keyward.OIDCProvider{OrgID: o.ID, Name: "app", SecretHash: []byte("x"), CreatedBy: owner.ID}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCProvider(ctx, prov) })
		now := time.Now().UTC().Truncate(time.Microsecond)
		code := &keyward.OIDCAuthCode{
			ID: "a1", CodeHash: "c1", OrgID: o.ID, ProviderID: prov.ID, UserID: owner.ID, Subject: string(owner.ID),
			RedirectURI: "https://app.example/cb", Scopes: []string{"openid", "email"}, State: "st", Nonce: "n",
			CodeChallenge: "ch", AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(time.Minute),
		}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCAuthCode(ctx, code) })
		var read1 *keyward.OIDCAuthCode
		read(t, s, func(tx keyward.Tx) (err error) { read1, err = tx.GetOIDCAuthCode(ctx, "c1"); return err })
		if diff := cmp.Diff(code, read1); diff != "" {
			t.Errorf("GetOIDCAuthCode (-wrote +read):\n%s", diff)
		}
		var got *keyward.OIDCAuthCode
		write(t, s, func(tx keyward.Tx) (err error) { got, err = tx.TakeOIDCAuthCode(ctx, "c1"); return err })
		if diff := cmp.Diff(code, got); diff != "" {
			t.Errorf("TakeOIDCAuthCode (-wrote +read):\n%s", diff)
		}
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { _, err := tx.TakeOIDCAuthCode(ctx, "c1"); return err })
		wantCode(t, "TakeOIDCAuthCode again", err, keyward.CodeNotFound)
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetOIDCAuthCode(ctx, "c1"); return err })
		wantCode(t, "GetOIDCAuthCode after the take", err, keyward.CodeNotFound)
		// The used code is kept, to tell a second use from a code never
		// issued, until it expires.
		var used *keyward.OIDCAuthCode
		read(t, s, func(tx keyward.Tx) (err error) {
			used, err = tx.GetOIDCAuthCode(ctx, keyward.UsedCodeHash("c1"))
			return err
		})
		if used.ID != code.ID || used.UserID != code.UserID {
			t.Errorf("used code = %+v, want the code taken", used)
		}
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteExpiredOIDC(ctx, code.ExpiresAt.Add(time.Second)) })
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetOIDCAuthCode(ctx, keyward.UsedCodeHash("c1")); return err })
		wantCode(t, "GetOIDCAuthCode of the used code once expired", err, keyward.CodeNotFound)

		token := func(hash, grant string, kind keyward.OIDCTokenKind, exp time.Time) *keyward.OIDCToken {
			return &keyward.OIDCToken{Hash: hash, Kind: kind, GrantID: grant, OrgID: o.ID, ProviderID: prov.ID, UserID: owner.ID,
				Subject: "s", Scopes: []string{"openid"}, AuthTime: now, CreatedAt: now, ExpiresAt: exp}
		}
		tokens := []*keyward.OIDCToken{
			token("a-g1", "g1", keyward.OIDCAccessToken, now.Add(time.Hour)),
			token("r-g1", "g1", keyward.OIDCRefreshToken, now.Add(time.Hour)),
			token("a-g2", "g2", keyward.OIDCAccessToken, now.Add(time.Hour)),
			token("a-old", "g3", keyward.OIDCAccessToken, now.Add(-time.Second)),
		}
		for _, tk := range tokens {
			write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCToken(ctx, tk) })
		}
		var back *keyward.OIDCToken
		read(t, s, func(tx keyward.Tx) (err error) { back, err = tx.GetOIDCToken(ctx, "r-g1"); return err })
		if diff := cmp.Diff(tokens[1], back); diff != "" {
			t.Errorf("GetOIDCToken (-wrote +read):\n%s", diff)
		}
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteOIDCGrant(ctx, "g1") })
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteExpiredOIDC(ctx, now) })
		for _, c := range []struct {
			hash string
			want bool
		}{{"a-g1", false}, {"r-g1", false}, {"a-g2", true}, {"a-old", false}} {
			err := s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetOIDCToken(ctx, c.hash); return err })
			if got := err == nil; got != c.want {
				t.Errorf("token %s left = %v (%v), want %v", c.hash, got, err, c.want)
			}
		}
		var deleted bool
		write(t, s, func(tx keyward.Tx) (err error) { deleted, err = tx.DeleteOIDCToken(ctx, "a-g2"); return err })
		write(t, s, func(tx keyward.Tx) error {
			again, err := tx.DeleteOIDCToken(ctx, "a-g2")
			if !deleted || again {
				t.Errorf("DeleteOIDCToken = %v, then %v; want true, then false", deleted, again)
			}
			return err
		})
	})
}

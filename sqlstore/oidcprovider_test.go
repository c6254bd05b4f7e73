package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestOIDCProviders(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, o1 *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		o2, _ := newOrg(t, s, "two")
		in := &keyward.OIDCProvider{
			OrgID: o1.ID, Name: "grafana", SecretHash: []byte("0123456789abcdef0123456789abcdef"),
			RedirectURIs: []string{"https://grafana.example/cb"}, Scopes: []string{"openid", "email"},
			Audiences: []string{"sts.amazonaws.com"}, Pairwise: true, CreatedBy: owner.ID,
		}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCProvider(ctx, in) })
		for _, c := range []struct {
			name string
			get  func(tx keyward.Tx) (*keyward.OIDCProvider, error)
		}{
			{"GetOIDCProvider", func(tx keyward.Tx) (*keyward.OIDCProvider, error) { return tx.GetOIDCProvider(ctx, o1.ID, in.ID) }},
			{"FindOIDCProvider", func(tx keyward.Tx) (*keyward.OIDCProvider, error) { return tx.FindOIDCProvider(ctx, in.ID) }},
		} {
			var got *keyward.OIDCProvider
			read(t, s, func(tx keyward.Tx) (err error) { got, err = c.get(tx); return err })
			if diff := cmp.Diff(in, got); diff != "" {
				t.Errorf("%s (-wrote +read):\n%s", c.name, diff)
			}
		}
		bare := &keyward.OIDCProvider{OrgID: o1.ID, Name: "bare", SecretHash: []byte("x")}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCProvider(ctx, bare) })
		read(t, s, func(tx keyward.Tx) (err error) { bare, err = tx.GetOIDCProvider(ctx, o1.ID, bare.ID); return err })
		if bare.RedirectURIs == nil || bare.Scopes == nil || bare.Audiences == nil {
			t.Errorf("a provider without lists reads back nil lists: %+v", bare)
		}

		// Organizations see only their own providers.
		err := s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetOIDCProvider(ctx, o2.ID, in.ID); return err })
		wantCode(t, "GetOIDCProvider of another organization", err, keyward.CodeNotFound)
		err = s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.DeleteOIDCProvider(ctx, o2.ID, in.ID) })
		wantCode(t, "DeleteOIDCProvider of another organization", err, keyward.CodeNotFound)

		var n int
		read(t, s, func(tx keyward.Tx) (err error) { n, err = tx.CountOIDCProviders(ctx, o1.ID); return err })
		if n != 2 {
			t.Errorf("CountOIDCProviders = %d, want 2", n)
		}
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteOIDCProvider(ctx, o1.ID, in.ID) })
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.FindOIDCProvider(ctx, in.ID); return err })
		wantCode(t, "FindOIDCProvider after delete", err, keyward.CodeNotFound)

		// Workload token records, per organization.
		now := time.Now().UTC().Truncate(time.Second)
		w := &keyward.WorkloadToken{ID: keyward.NewID(now), OrgID: o1.ID, ProviderID: bare.ID, Subject: "user:" + string(owner.ID),
			Audience: "x", IssuedTo: keyward.UserID(owner.ID), CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateWorkloadToken(ctx, w) })
		var gotW *keyward.WorkloadToken
		read(t, s, func(tx keyward.Tx) (err error) { gotW, err = tx.GetWorkloadToken(ctx, o1.ID, w.ID); return err })
		if diff := cmp.Diff(w, gotW); diff != "" {
			t.Errorf("GetWorkloadToken (-wrote +read):\n%s", diff)
		}
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetWorkloadToken(ctx, o2.ID, w.ID); return err })
		wantCode(t, "GetWorkloadToken of another organization", err, keyward.CodeNotFound)
	})
}

// TestSigningKeys: adding a key retires the active one; deleting drops
// only keys retired before the cut.
func TestSigningKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		add := func(id string, at time.Time) {
			write(t, s, func(tx keyward.Tx) error {
				return tx.AddSigningKey(ctx, &keyward.SigningKey{ID: id, Algorithm: "ES256", Private: []byte("sealed-" + id), Public: []byte("\x30\x00\xff" + id), CreatedAt: at})
			})
		}
		list := func() []string {
			var keys []*keyward.SigningKey
			read(t, s, func(tx keyward.Tx) (err error) { keys, err = tx.ListSigningKeys(ctx); return err })
			var out []string
			for _, k := range keys {
				if string(k.Public) != "\x30\x00\xff"+k.ID {
					t.Errorf("key %s: public half %q does not read back as written (DER is binary)", k.ID, k.Public)
				}
				state := "active"
				if !k.RetiredAt.IsZero() {
					state = "retired " + k.RetiredAt.Format(time.TimeOnly)
				}
				out = append(out, k.ID+" "+state)
			}
			return out
		}
		add("k1", t0)
		add("k2", t0.Add(time.Hour))
		add("k3", t0.Add(2*time.Hour))
		want := []string{"k3 active", "k2 retired 02:00:00", "k1 retired 01:00:00"}
		if got := list(); !cmp.Equal(got, want) {
			t.Errorf("keys = %v, want %v", got, want)
		}
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteSigningKeys(ctx, t0.Add(90*time.Minute)) })
		want = []string{"k3 active", "k2 retired 02:00:00"}
		if got := list(); !cmp.Equal(got, want) {
			t.Errorf("after delete, keys = %v, want %v", got, want)
		}
	})
}

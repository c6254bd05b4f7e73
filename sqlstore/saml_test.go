package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestSAMLAssertions: an assertion id is accepted once per organization
// until it expires; another organization's is its own.
func TestSAMLAssertions(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, o1 *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		o2, _ := newOrg(t, s, "two")
		later, past := time.Now().Add(time.Hour), time.Now().Add(-time.Second)
		use := func(org keyward.OrgID, id string, expires time.Time) error {
			return s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.UseSAMLAssertion(ctx, org, id, expires) })
		}
		tests := []struct {
			name    string
			org     keyward.OrgID
			id      string
			expires time.Time
			want    keyward.Code
		}{
			{"first use", o1.ID, "id-1", later, ""},
			{"replay", o1.ID, "id-1", later, keyward.CodeConflict},
			{"same id at another organization", o2.ID, "id-1", later, ""},
			{"another id", o1.ID, "id-2", past, ""},
			{"an expired record is forgotten", o1.ID, "id-2", later, ""},
			{"and then remembered again", o1.ID, "id-2", later, keyward.CodeConflict},
		}
		for _, tt := range tests {
			if got := keyward.ErrorCode(use(tt.org, tt.id, tt.expires)); got != tt.want {
				t.Errorf("%s: code %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}

// TestSAMLIdentityProvider: a SAML provider's fields round-trip, and a
// provider of another kind replaces it.
func TestSAMLIdentityProvider(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		in := &keyward.IdentityProvider{OrgID: o.ID, Kind: keyward.IdPKindSAML, Issuer: "https://idp.example/entity",
			Scopes: []string{}, GroupsClaim: "groups", EmailClaim: "email", NameClaim: "name", AllowedDomains: []string{},
			SAMLMetadata: "<EntityDescriptor/>", SAMLMetadataURL: "https://idp.example/metadata", AllowIdPInitiated: true}
		write(t, s, func(tx keyward.Tx) error { return tx.PutIdentityProvider(ctx, in) })
		var got *keyward.IdentityProvider
		read(t, s, func(tx keyward.Tx) (err error) { got, err = tx.GetIdentityProvider(ctx, o.ID); return err })
		// No secret reads back as nil or empty, as the driver has it.
		if diff := cmp.Diff(in, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("GetIdentityProvider (-wrote +read):\n%s", diff)
		}

		oidc := &keyward.IdentityProvider{OrgID: o.ID, Kind: keyward.IdPKindOIDC, Issuer: "https://op.example", ClientID: "c",
			SealedSecret: []byte("sealed"), Scopes: []string{"email"}, AllowedDomains: []string{}, CreatedAt: got.CreatedAt}
		write(t, s, func(tx keyward.Tx) error { return tx.PutIdentityProvider(ctx, oidc) })
		read(t, s, func(tx keyward.Tx) (err error) { got, err = tx.GetIdentityProvider(ctx, o.ID); return err })
		if diff := cmp.Diff(oidc, got); diff != "" {
			t.Errorf("replaced by an OIDC provider (-wrote +read):\n%s", diff)
		}
	})
}

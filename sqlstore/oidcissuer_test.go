package sqlstore_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestOIDCIssuers(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, o1 *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		o2, _ := newOrg(t, s, "two")
		in := &keyward.OIDCIssuer{
			OrgID: o1.ID, Name: "GitHub", URL: "https://token.actions.githubusercontent.com", Audiences: []string{"keyward", "sts"},
			JWK: keyward.IssuerJWK{KeyType: "RSA", KeyID: "k1", N: "n", E: "AQAB", Algorithm: "RS256", Use: "sig"}, CreatedBy: owner.ID,
		}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCIssuer(ctx, in) })
		if in.ID == "" || in.Source != keyward.IssuerSourceExternal || in.CreatedAt.IsZero() {
			t.Fatalf("created %+v", in)
		}
		var got *keyward.OIDCIssuer
		read(t, s, func(tx keyward.Tx) (err error) { got, err = tx.GetOIDCIssuer(ctx, o1.ID, in.ID); return err })
		if diff := cmp.Diff(in, got); diff != "" {
			t.Errorf("GetOIDCIssuer (-wrote +read):\n%s", diff)
		}

		// The URL is unique per organization, not across them.
		dup := &keyward.OIDCIssuer{OrgID: o1.ID, URL: in.URL}
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.CreateOIDCIssuer(ctx, dup) })
		wantCode(t, "CreateOIDCIssuer with a taken URL", err, keyward.CodeConflict)
		if e := keyward.AsError(err); e == nil || e.Field != "uri" {
			t.Errorf("conflict %v, want field uri", err)
		}
		other := &keyward.OIDCIssuer{OrgID: o2.ID, URL: in.URL}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCIssuer(ctx, other) })
		second := &keyward.OIDCIssuer{OrgID: o1.ID, URL: "https://gitlab.com"}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateOIDCIssuer(ctx, second) })
		if second.Audiences == nil {
			t.Error("an issuer without audiences has nil Audiences; want empty")
		}

		// Organizations see only their own issuers.
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetOIDCIssuer(ctx, o2.ID, in.ID); return err })
		wantCode(t, "GetOIDCIssuer of another organization", err, keyward.CodeNotFound)
		err = s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.DeleteOIDCIssuer(ctx, o2.ID, in.ID) })
		wantCode(t, "DeleteOIDCIssuer of another organization", err, keyward.CodeNotFound)

		// Listing pages in creation order.
		var ids []keyward.OIDCIssuerID
		page := keyward.Page{Limit: 1}
		for {
			var list []*keyward.OIDCIssuer
			var info keyward.PageInfo
			read(t, s, func(tx keyward.Tx) (err error) { list, info, err = tx.ListOIDCIssuers(ctx, o1.ID, page); return err })
			if info.Total != 2 || len(list) != 1 {
				t.Fatalf("page %+v: %d issuers, total %d", page, len(list), info.Total)
			}
			ids = append(ids, list[0].ID)
			if info.Next == "" {
				break
			}
			page.Cursor = info.Next
		}
		if !slices.Equal(ids, []keyward.OIDCIssuerID{in.ID, second.ID}) {
			t.Errorf("listed %v, want %v", ids, []keyward.OIDCIssuerID{in.ID, second.ID})
		}
		var n int
		read(t, s, func(tx keyward.Tx) (err error) { n, err = tx.CountOIDCIssuers(ctx, o1.ID); return err })
		if n != 2 {
			t.Errorf("CountOIDCIssuers = %d, want 2", n)
		}

		write(t, s, func(tx keyward.Tx) error { return tx.DeleteOIDCIssuer(ctx, o1.ID, in.ID) })
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetOIDCIssuer(ctx, o1.ID, in.ID); return err })
		wantCode(t, "GetOIDCIssuer after delete", err, keyward.CodeNotFound)
		// The URL is free again.
		write(t, s, func(tx keyward.Tx) error {
			return tx.CreateOIDCIssuer(ctx, &keyward.OIDCIssuer{OrgID: o1.ID, URL: in.URL})
		})
	})
}

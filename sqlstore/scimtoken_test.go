package sqlstore_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestSCIMTokens: a token is found by id in any organization (for
// authentication), listed and deleted only in its own.
func TestSCIMTokens(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, o1 *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		o2, _ := newOrg(t, s, "two")
		in := &keyward.SCIMToken{OrgID: o1.ID, Name: "okta", SecretHash: []byte("0123456789abcdef0123456789abcdef"), CreatedBy: owner.ID}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateSCIMToken(ctx, in) })
		var got *keyward.SCIMToken
		read(t, s, func(tx keyward.Tx) (err error) { got, err = tx.GetSCIMToken(ctx, in.ID); return err })
		if diff := cmp.Diff(in, got); diff != "" {
			t.Errorf("GetSCIMToken (-wrote +read):\n%s", diff)
		}
		var list []*keyward.SCIMToken
		read(t, s, func(tx keyward.Tx) (err error) {
			list, _, err = tx.ListSCIMTokens(ctx, o2.ID, keyward.Page{})
			return err
		})
		if len(list) != 0 {
			t.Errorf("org two lists %d tokens of org one", len(list))
		}
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.DeleteSCIMToken(ctx, o2.ID, in.ID) })
		wantCode(t, "DeleteSCIMToken of another organization", err, keyward.CodeNotFound)
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteSCIMToken(ctx, o1.ID, in.ID) })
		err = s.ReadTx(ctx, func(tx keyward.Tx) error { _, err := tx.GetSCIMToken(ctx, in.ID); return err })
		wantCode(t, "GetSCIMToken of a deleted token", err, keyward.CodeNotFound)
	})
}

// TestListUsersBySourceAndOffset: the source filter and the offset that
// SCIM's lists use.
func TestListUsersBySourceAndOffset(t *testing.T) {
	forEachOrg(t, "one", func(t *testing.T, s *sqlstore.DB, org *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		var scim []keyward.UserID
		for _, email := range []string{"a@example.com", "b@example.com", "c@example.com", "local@example.com"} {
			m := addMember(t, s, org.ID, newAccount(t, s, email, false))
			if email == "local@example.com" {
				continue
			}
			m.External = keyward.External{Source: keyward.SourceSCIM, ExternalID: "x-" + email}
			write(t, s, func(tx keyward.Tx) error { return tx.UpdateMember(ctx, m) })
			scim = append(scim, m.UserID)
		}
		for _, tc := range []struct {
			page  keyward.Page
			want  []keyward.UserID
			total int
		}{
			{keyward.Page{}, scim, 3},
			{keyward.Page{Limit: 2}, scim[:2], 3},
			{keyward.Page{Limit: 2, Offset: 2}, scim[2:], 3},
			{keyward.Page{Limit: 2, Offset: 5}, nil, 3},
		} {
			var us []*keyward.User
			var info keyward.PageInfo
			read(t, s, func(tx keyward.Tx) (err error) {
				us, info, err = tx.ListUsers(ctx, org.ID, keyward.UserFilter{Source: keyward.SourceSCIM, Page: tc.page})
				return err
			})
			var got []keyward.UserID
			for _, u := range us {
				got = append(got, u.Member.UserID)
			}
			if !cmp.Equal(got, tc.want) || info.Total != tc.total {
				t.Errorf("page %+v: %v (total %d), want %v (total %d)", tc.page, got, info.Total, tc.want, tc.total)
			}
		}
	})
}

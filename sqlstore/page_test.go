package sqlstore_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// walk follows a listing from its first page through Next to the end, then
// back through Prev to the start, and returns the IDs of each page seen.
func walk(t *testing.T, total int, list func(p keyward.Page) ([]string, keyward.PageInfo, error), limit int) (forward, back [][]string) {
	t.Helper()
	page := keyward.Page{Limit: limit}
	for i := 0; ; i++ {
		ids, info, err := list(page)
		if err != nil {
			t.Fatalf("list(%+v): %v", page, err)
		}
		if info.Total != total {
			t.Errorf("list(%+v) Total = %d, want %d", page, info.Total, total)
		}
		if (i == 0) != (info.Prev == "") {
			t.Errorf("page %d: Prev = %q", i, info.Prev)
		}
		forward = append(forward, ids)
		if info.Next == "" {
			page.Cursor = info.Prev
			break
		}
		page.Cursor = info.Next
	}
	for page.Cursor != "" {
		ids, info, err := list(page)
		if err != nil {
			t.Fatalf("list(%+v): %v", page, err)
		}
		if info.Next == "" {
			t.Errorf("a page reached through Prev has no Next")
		}
		back = append([][]string{ids}, back...)
		page.Cursor = info.Prev
	}
	return forward, back
}

// pagedList is a listing, by the ids of the rows of each page, and the
// ids of all its rows in order.
type pagedList struct {
	name string
	list func(keyward.Page) ([]string, keyward.PageInfo, error)
	all  []string
}

// checkPages walks each listing (walk) with pages of 1, 3, all and more
// than all its rows, each in a subtest, and fails t unless the pages are
// those of all, through Next and back through Prev.
func checkPages(t *testing.T, lists []pagedList) {
	t.Helper()
	for _, tt := range lists {
		for _, limit := range []int{1, 3, len(tt.all), len(tt.all) + 1} {
			t.Run(fmt.Sprintf("%s/limit %d", tt.name, limit), func(t *testing.T) {
				forward, back := walk(t, len(tt.all), tt.list, limit)
				want := chunks(tt.all, limit)
				if diff := cmp.Diff(want, forward); diff != "" {
					t.Errorf("pages through Next mismatch (-want +got):\n%s", diff)
				}
				// Back from the last page: every page but the last.
				if len(want) == 1 && len(back) != 0 {
					t.Errorf("pages through Prev from the only page: %q, want none", back)
				}
				if diff := cmp.Diff(want[:len(want)-1], back); len(want) > 1 && diff != "" {
					t.Errorf("pages through Prev mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// lister makes fn, a listing in a read transaction, a listing on s.
func lister(s keyward.Store, fn func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error)) func(keyward.Page) ([]string, keyward.PageInfo, error) {
	return func(p keyward.Page) (ids []string, info keyward.PageInfo, err error) {
		err = s.ReadTx(context.Background(), func(tx keyward.Tx) (err error) {
			ids, info, err = fn(tx, p)
			return err
		})
		return ids, info, err
	}
}

func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return append(out, ids)
}

func TestPagination(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		var keyIDs, eventIDs []string
		write(t, s, func(tx keyward.Tx) error {
			for i := range 7 {
				k := &keyward.APIKey{OrgID: o.ID, UserID: owner.ID, Name: fmt.Sprint("key ", i), SecretHash: []byte{byte(i)}}
				if err := tx.CreateAPIKey(ctx, k); err != nil {
					return err
				}
				keyIDs = append(keyIDs, string(k.ID))
				e := &keyward.AuditEvent{OrgID: o.ID, Action: "iam.apikey.Create", TargetID: string(k.ID)}
				if err := tx.AppendAudit(ctx, e); err != nil {
					return err
				}
				eventIDs = append([]string{string(e.ID)}, eventIDs...) // newest first
			}
			return nil
		})
		listKeys := lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
			keys, info, err := tx.ListAPIKeys(ctx, o.ID, owner.ID, p)
			return ids(keys, func(k *keyward.APIKey) keyward.APIKeyID { return k.ID }), info, err
		})
		listEvents := lister(s, func(tx keyward.Tx, p keyward.Page) ([]string, keyward.PageInfo, error) {
			evs, info, err := tx.ListAuditEvents(ctx, o.ID, keyward.AuditFilter{Page: p})
			return ids(evs, func(e *keyward.AuditEvent) keyward.AuditEventID { return e.ID }), info, err
		})
		checkPages(t, []pagedList{
			{"keys in creation order", listKeys, keyIDs},
			{"events newest first", listEvents, eventIDs},
		})

		// A cursor stays valid when rows are added before and after it.
		_, info, err := listKeys(keyward.Page{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		newKey(t, s, o.ID, owner.ID, "late")
		ids, _, err := listKeys(keyward.Page{Limit: 3, Cursor: info.Next})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(keyIDs[3:6], ids); diff != "" {
			t.Errorf("page after an insert mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestPageLimits(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		n := keyward.MaxPerPage + 1
		write(t, s, func(tx keyward.Tx) error {
			for range n {
				if err := tx.AppendAudit(ctx, &keyward.AuditEvent{OrgID: o.ID, Action: "test.Event"}); err != nil {
					return err
				}
			}
			return nil
		})
		tests := []struct {
			limit, want int
		}{
			{0, keyward.DefaultPerPage},
			{-1, keyward.DefaultPerPage},
			{1, 1},
			{keyward.MaxPerPage, keyward.MaxPerPage},
			{keyward.MaxPerPage + 1, keyward.MaxPerPage},
			{1 << 30, keyward.MaxPerPage},
		}
		for _, tt := range tests {
			read(t, s, func(tx keyward.Tx) error {
				got, info, err := tx.ListAuditEvents(ctx, o.ID, keyward.AuditFilter{Page: keyward.Page{Limit: tt.limit}})
				if err != nil {
					return err
				}
				if len(got) != tt.want || info.Total != n || info.Next == "" {
					t.Errorf("ListAuditEvents(Limit %d) = %d events, %+v; want %d events, Total %d and a Next", tt.limit, len(got), info, tt.want, n)
				}
				return nil
			})
		}
	})
}

func TestBadCursor(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		id := keyward.NewID(time.Now())
		b64 := base64.RawURLEncoding.EncodeToString
		for _, c := range []string{
			"not base64!",
			b64([]byte("x:" + id)),
			b64([]byte("n:not-an-id")),
			b64([]byte("n:" + id + "x")),
			b64([]byte(id)),
			b64([]byte("n:" + id))[1:],
		} {
			read(t, s, func(tx keyward.Tx) error {
				calls := map[string]func() error{
					"ListAPIKeys": func() error {
						_, _, err := tx.ListAPIKeys(ctx, o.ID, owner.ID, keyward.Page{Cursor: c})
						return err
					},
					"ListUsers": func() error {
						_, _, err := tx.ListUsers(ctx, o.ID, keyward.UserFilter{Page: keyward.Page{Cursor: c}})
						return err
					},
					"ListAuditEvents": func() error {
						_, _, err := tx.ListAuditEvents(ctx, o.ID, keyward.AuditFilter{Page: keyward.Page{Cursor: c}})
						return err
					},
					"ListOrganizationsOf": func() error {
						_, _, err := tx.ListOrganizationsOf(ctx, owner.ID, keyward.Page{Cursor: c})
						return err
					},
				}
				wantBadCursor(t, c, calls)
				return nil
			})
		}
	})
}

// wantBadCursor fails t unless each of calls, a listing given the cursor
// c, fails with CodeInvalid for the field cursor.
func wantBadCursor(t *testing.T, c string, calls map[string]func() error) {
	t.Helper()
	for name, call := range calls {
		err := call()
		if e := keyward.AsError(err); e == nil || e.Code != keyward.CodeInvalid || e.Field != "cursor" {
			t.Errorf("%s(cursor %q) error = %v, want CodeInvalid for field cursor", name, c, err)
		}
	}
}

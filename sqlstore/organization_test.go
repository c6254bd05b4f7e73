package sqlstore_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestOrganizationRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		if !keyward.ValidID(string(o.ID)) {
			t.Fatalf("CreateOrganization gave ID %q, want a UUID", o.ID)
		}
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetOrganization(ctx, o.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(o, got); diff != "" {
				t.Errorf("GetOrganization(%s) mismatch (-want +got):\n%s", o.ID, diff)
			}
			return nil
		})

		other := newAccount(t, s, "next@acme.example", false)
		deleted := time.Date(2030, 1, 2, 3, 4, 5, 6789, time.UTC)
		o.Name, o.Type, o.OwnerID, o.UpdatedAt, o.DeletedAt = "Acme Inc", keyward.OrgTypeBusiness, other.ID, deleted, &deleted
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateOrganization(ctx, o) })
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetOrganization(ctx, o.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(o, got); diff != "" {
				t.Errorf("GetOrganization after update mismatch (-want +got):\n%s", diff)
			}
			return nil
		})
		_ = owner
	})
}

func TestOrganizationErrors(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		missing := keyward.OrgID(keyward.NewID(time.Now()))
		tests := []codeCase{
			{"get missing", func(tx keyward.Tx) error { _, err := tx.GetOrganization(ctx, missing); return err }, keyward.CodeNotFound},
			{"update missing", func(tx keyward.Tx) error {
				return tx.UpdateOrganization(ctx, &keyward.Organization{ID: missing, Name: "x", OwnerID: o.OwnerID})
			}, keyward.CodeNotFound},
			{"bump missing", func(tx keyward.Tx) error { _, err := tx.BumpRevision(ctx, missing); return err }, keyward.CodeNotFound},
			{"create with same ID", func(tx keyward.Tx) error {
				return tx.CreateOrganization(ctx, &keyward.Organization{ID: o.ID, Name: "x", OwnerID: o.OwnerID})
			}, keyward.CodeConflict},
			{"create with missing owner", func(tx keyward.Tx) error {
				return tx.CreateOrganization(ctx, &keyward.Organization{Name: "x", OwnerID: keyward.UserID(missing)})
			}, keyward.CodeNotFound},
			{"update to missing owner", func(tx keyward.Tx) error {
				c := *o
				c.OwnerID = keyward.UserID(missing)
				return tx.UpdateOrganization(ctx, &c)
			}, keyward.CodeNotFound},
		}
		wantCodes(t, s, tests)
	})
}

func TestBumpRevision(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		var got []int64
		for range 3 {
			write(t, s, func(tx keyward.Tx) error {
				rev, err := tx.BumpRevision(ctx, o.ID)
				got = append(got, rev)
				return err
			})
		}
		if diff := cmp.Diff([]int64{1, 2, 3}, got); diff != "" {
			t.Errorf("BumpRevision results mismatch (-want +got):\n%s", diff)
		}
		read(t, s, func(tx keyward.Tx) error {
			for id, want := range map[keyward.OrgID]int64{o.ID: 3, other.ID: 0} {
				o, err := tx.GetOrganization(ctx, id)
				if err != nil {
					return err
				}
				if o.Revision != want {
					t.Errorf("GetOrganization(%s).Revision = %d, want %d", id, o.Revision, want)
				}
			}
			n, err := tx.CountOrganizations(ctx)
			if n != 2 {
				t.Errorf("CountOrganizations() = %d, want 2", n)
			}
			return err
		})
	})
}

// TestConcurrentWrites checks that writers racing on one row all commit:
// on PostgreSQL the losers of SERIALIZABLE get 40001 and WriteTx retries.
func TestConcurrentWrites(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		const n = 8
		var attempts atomic.Int32
		errs := make(chan error, n)
		for range n {
			go func() {
				errs <- s.WriteTx(ctx, func(tx keyward.Tx) error {
					attempts.Add(1)
					org, err := tx.GetOrganization(ctx, o.ID)
					if err != nil {
						return err
					}
					if _, err := tx.BumpRevision(ctx, org.ID); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, &keyward.AuditEvent{OrgID: o.ID, ActorType: keyward.ActorSystem, Action: "test.Bump"})
				})
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Errorf("WriteTx: %v", err)
			}
		}
		read(t, s, func(tx keyward.Tx) error {
			org, err := tx.GetOrganization(ctx, o.ID)
			if err != nil {
				return err
			}
			if org.Revision != n {
				t.Errorf("Revision = %d after %d concurrent bumps", org.Revision, n)
			}
			t.Logf("%d transactions took %d attempts", n, attempts.Load())
			return nil
		})
	})
}

func TestListOrganizationsOf(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		alice := newAccount(t, s, "alice@example.com", false)
		bob := newAccount(t, s, "bob@example.com", false)
		var orgs []*keyward.Organization
		for _, name := range []string{"one", "two", "three", "four"} {
			o, _ := newOrg(t, s, name)
			orgs = append(orgs, o)
		}
		addMember(t, s, orgs[0].ID, alice)
		addMember(t, s, orgs[1].ID, alice)
		addMember(t, s, orgs[2].ID, alice)
		addMember(t, s, orgs[3].ID, bob)
		now := time.Now()
		orgs[1].DeletedAt = &now
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateOrganization(ctx, orgs[1]) })

		tests := []struct {
			user keyward.UserID
			want []*keyward.Organization
		}{
			{alice.ID, []*keyward.Organization{orgs[0], orgs[2]}},
			{bob.ID, []*keyward.Organization{orgs[3]}},
			{keyward.UserID(keyward.NewID(now)), nil},
		}
		for _, tt := range tests {
			read(t, s, func(tx keyward.Tx) error {
				got, info, err := tx.ListOrganizationsOf(ctx, tt.user, keyward.Page{})
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ListOrganizationsOf(%s) mismatch (-want +got):\n%s", tt.user, diff)
				}
				if want := (keyward.PageInfo{Total: len(tt.want)}); info != want {
					t.Errorf("ListOrganizationsOf(%s) info = %+v, want %+v", tt.user, info, want)
				}
				return nil
			})
		}
	})
}

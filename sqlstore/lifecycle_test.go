package sqlstore_test

import (
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestPurgeOrganization: a purge deletes the organization with everything
// in it and the service accounts it alone held; human accounts and other
// organizations stay.
func TestPurgeOrganization(t *testing.T) {
	forEachOrg(t, "doomed", func(t *testing.T, s *sqlstore.DB, doomed *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		kept, _ := newOrg(t, s, "kept")
		human := newAccount(t, s, "human@example.com", false)
		addMember(t, s, doomed.ID, human)
		addMember(t, s, kept.ID, human)
		robot := newAccount(t, s, "", true)
		addMember(t, s, doomed.ID, robot)
		newKey(t, s, doomed.ID, robot.ID, "robot key")
		// A deleted group goes for good with its organization, edges and all.
		gone := newGroup(t, s, doomed.ID, "gone")
		addToGroup(t, s, doomed.ID, gone.ID, human.ID)
		bind(t, s, doomed.ID, newRole(t, s, doomed.ID, "r").ID, keyward.PrincipalGroup, string(gone.ID), "")
		write(t, s, func(tx keyward.Tx) error { return setGroupDeleted(ctx, tx, doomed.ID, gone.ID, true) })
		write(t, s, func(tx keyward.Tx) error {
			return tx.CreateLoginSession(ctx, &keyward.LoginSession{OrgID: doomed.ID, UserID: human.ID, SecretHash: []byte("h"), ExpiresAt: tx.Now().Add(time.Hour)})
		})

		deleted := time.Now().Add(-time.Hour)
		write(t, s, func(tx keyward.Tx) error {
			doomed.DeletedAt = &deleted
			return tx.UpdateOrganization(ctx, doomed)
		})
		read(t, s, func(tx keyward.Tx) error {
			ids, err := tx.ListOrganizationsDeletedBefore(ctx, time.Now(), 10)
			if err != nil || len(ids) != 1 || ids[0] != doomed.ID {
				t.Errorf("ListOrganizationsDeletedBefore(now) = %v, %v; want [%s]", ids, err, doomed.ID)
			}
			ids, err = tx.ListOrganizationsDeletedBefore(ctx, deleted, 10)
			if err != nil || len(ids) != 0 {
				t.Errorf("ListOrganizationsDeletedBefore(deletion) = %v, %v; want none", ids, err)
			}
			orgs, info, err := tx.ListDeletedOrganizationsOwnedBy(ctx, owner.ID, keyward.Page{})
			if err != nil || len(orgs) != 1 || orgs[0].ID != doomed.ID || info.Total != 1 {
				t.Errorf("ListDeletedOrganizationsOwnedBy = %v, %+v, %v", orgs, info, err)
			}
			return nil
		})

		write(t, s, func(tx keyward.Tx) error { return tx.PurgeOrganization(ctx, doomed.ID) })
		read(t, s, func(tx keyward.Tx) error {
			_, err := tx.GetOrganization(ctx, doomed.ID)
			wantCode(t, "GetOrganization(purged)", err, keyward.CodeNotFound)
			_, err = tx.GetAccount(ctx, robot.ID)
			wantCode(t, "GetAccount(its service user)", err, keyward.CodeNotFound)
			for _, a := range []*keyward.Account{owner, human} {
				_, err = tx.GetAccount(ctx, a.ID)
				wantCode(t, "GetAccount(human)", err, "")
			}
			_, err = tx.GetUser(ctx, kept.ID, human.ID)
			wantCode(t, "GetUser(other organization)", err, "")
			_, err = tx.GetGroup(ctx, doomed.ID, gone.ID)
			wantCode(t, "GetGroup(its deleted group)", err, keyward.CodeNotFound)
			// Listings hide a deleted group's rows: count them in the table.
			var bs int
			err = sqlstore.RawDB(s).QueryRowContext(ctx, "SELECT count(*) FROM role_bindings WHERE principal_id = $1", string(gone.ID)).Scan(&bs)
			if err != nil || bs != 0 {
				t.Errorf("the deleted group's bindings after the purge = %d, %v; want none", bs, err)
			}
			list, _, err := tx.ListLoginSessions(ctx, human.ID, time.Now(), keyward.Page{})
			if err != nil || len(list) != 0 {
				t.Errorf("login sessions after the purge = %v, %v; want none", list, err)
			}
			return nil
		})
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.PurgeOrganization(ctx, doomed.ID) })
		wantCode(t, "PurgeOrganization(again)", err, keyward.CodeNotFound)
	})
}

// TestLoginSessionsAndFailures covers the login session and login failure
// rows.
func TestLoginSessionsAndFailures(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		now := time.Now()
		var a, b, old *keyward.LoginSession
		write(t, s, func(tx keyward.Tx) error {
			a = &keyward.LoginSession{OrgID: o.ID, UserID: owner.ID, SecretHash: []byte("a"), SourceIP: "192.0.2.1", ExpiresAt: now.Add(time.Hour)}
			b = &keyward.LoginSession{OrgID: o.ID, UserID: owner.ID, SecretHash: []byte("b"), ExpiresAt: now.Add(time.Hour)}
			old = &keyward.LoginSession{OrgID: o.ID, UserID: owner.ID, SecretHash: []byte("c"), ExpiresAt: now.Add(-time.Hour)}
			for _, ls := range []*keyward.LoginSession{a, b, old} {
				if err := tx.CreateLoginSession(ctx, ls); err != nil {
					return err
				}
			}
			return nil
		})
		stranger := newAccount(t, s, "stranger@example.com", false)
		err := s.WriteTx(ctx, func(tx keyward.Tx) error {
			return tx.CreateLoginSession(ctx, &keyward.LoginSession{OrgID: o.ID, UserID: stranger.ID, SecretHash: []byte("x"), ExpiresAt: now})
		})
		wantCode(t, "CreateLoginSession(not a member)", err, keyward.CodeNotFound)

		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetLoginSession(ctx, a.ID)
			if err != nil || got.SourceIP != "192.0.2.1" || string(got.SecretHash) != "a" || !got.ExpiresAt.Equal(a.ExpiresAt) {
				t.Errorf("GetLoginSession = %+v, %v; want %+v", got, err, a)
			}
			list, info, err := tx.ListLoginSessions(ctx, owner.ID, now, keyward.Page{})
			if err != nil || len(list) != 2 || info.Total != 2 || list[0].ID != a.ID {
				t.Errorf("ListLoginSessions = %v, %+v, %v; want a and b", list, info, err)
			}
			return nil
		})
		err = s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.DeleteLoginSession(ctx, stranger.ID, a.ID) })
		wantCode(t, "DeleteLoginSession(someone else's)", err, keyward.CodeNotFound)
		write(t, s, func(tx keyward.Tx) error {
			n, err := tx.DeleteLoginSessionsOf(ctx, owner.ID, a.ID)
			if n != 2 {
				t.Errorf("DeleteLoginSessionsOf ended %d, want 2", n)
			}
			return err
		})
		write(t, s, func(tx keyward.Tx) error { return tx.DeleteLoginSession(ctx, owner.ID, a.ID) })

		read(t, s, func(tx keyward.Tx) error {
			f, err := tx.GetLoginFailures(ctx, owner.ID)
			if err != nil || f.Failures != 0 || f.LockedAt != nil {
				t.Errorf("GetLoginFailures(none) = %+v, %v", f, err)
			}
			return nil
		})
		for i := 1; i <= 2; i++ {
			write(t, s, func(tx keyward.Tx) error {
				f := &keyward.LoginFailures{AccountID: owner.ID, Failures: i}
				if i == 2 {
					f.LockedAt = &now
				}
				return tx.PutLoginFailures(ctx, f)
			})
		}
		read(t, s, func(tx keyward.Tx) error {
			f, err := tx.GetLoginFailures(ctx, owner.ID)
			if err != nil || f.Failures != 2 || f.LockedAt == nil || !f.LockedAt.Equal(now.Truncate(time.Microsecond)) {
				t.Errorf("GetLoginFailures = %+v, %v; want 2, locked", f, err)
			}
			return nil
		})
		write(t, s, func(tx keyward.Tx) error { return tx.ClearLoginFailures(ctx, owner.ID) })
		read(t, s, func(tx keyward.Tx) error {
			f, err := tx.GetLoginFailures(ctx, owner.ID)
			if err != nil || f.Failures != 0 || f.LockedAt != nil {
				t.Errorf("GetLoginFailures(cleared) = %+v, %v", f, err)
			}
			return nil
		})
	})
}

package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestInvitations(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, org *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		role := keyward.RoleID(keyward.NewID(time.Now()))
		in := &keyward.Invitation{OrgID: org.ID, Email: "Ada@Example.com", InvitedBy: owner.ID, APIEnabled: true,
			RoleIDs: []keyward.RoleID{role}, Nonce: "00112233445566778899aabbccddeeff", ExpiresAt: time.Now().Add(time.Hour)}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateInvitation(ctx, in) })
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetInvitation(ctx, org.ID, in.ID)
			if err != nil {
				return err
			}
			if got.Status != keyward.InvitationPending || got.OrgName != "acme" || got.InviterEmail != owner.Email ||
				got.InviterName != owner.Name || !slices.Equal(got.RoleIDs, in.RoleIDs) || got.GroupIDs == nil ||
				!got.ExpiresAt.Equal(in.ExpiresAt) || got.Nonce != in.Nonce {
				t.Errorf("GetInvitation = %+v, want %+v", got, in)
			}
			_, err = tx.GetInvitation(ctx, other.ID, in.ID)
			wantCode(t, "GetInvitation(other org)", err, keyward.CodeNotFound)
			found, err := tx.FindInvitation(ctx, in.ID)
			if err != nil || found.OrgID != org.ID {
				t.Errorf("FindInvitation = %+v, %v", found, err)
			}
			for _, tc := range []struct {
				f    keyward.InvitationFilter
				want int
			}{
				{keyward.InvitationFilter{}, 1},
				{keyward.InvitationFilter{Email: "ada@EXAMPLE.com"}, 1},
				{keyward.InvitationFilter{Email: "bob@example.com"}, 0},
				{keyward.InvitationFilter{Status: keyward.InvitationRevoked}, 0},
			} {
				list, info, err := tx.ListInvitations(ctx, org.ID, tc.f)
				if err != nil || len(list) != tc.want || info.Total != tc.want {
					t.Errorf("ListInvitations(%+v) = %d (total %d), %v; want %d", tc.f, len(list), info.Total, err, tc.want)
				}
			}
			list, _, err := tx.ListInvitations(ctx, other.ID, keyward.InvitationFilter{})
			if err != nil || len(list) != 0 {
				t.Errorf("the other organization lists %d invitations, %v", len(list), err)
			}
			return nil
		})
		now := time.Now().UTC().Truncate(time.Microsecond)
		in.Status, in.RespondedAt, in.AcceptedBy, in.UpdatedAt = keyward.InvitationAccepted, &now, owner.ID, now
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateInvitation(ctx, in) })
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetInvitation(ctx, org.ID, in.ID)
			if err != nil || got.Status != keyward.InvitationAccepted || got.RespondedAt == nil || !got.RespondedAt.Equal(now) || got.AcceptedBy != owner.ID {
				t.Errorf("after update: %+v, %v", got, err)
			}
			return nil
		})
		wrong := *in
		wrong.OrgID = other.ID
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.UpdateInvitation(ctx, &wrong) })
		wantCode(t, "UpdateInvitation(other org)", err, keyward.CodeNotFound)

		var first, second []byte
		write(t, s, func(tx keyward.Tx) (err error) { first, err = tx.Secret(ctx, "k", []byte("one")); return err })
		write(t, s, func(tx keyward.Tx) (err error) { second, err = tx.Secret(ctx, "k", []byte("two")); return err })
		if string(first) != "one" || string(second) != "one" {
			t.Errorf("Secret = %q then %q, want the first value twice", first, second)
		}
	})
}

func TestMailOutbox(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, org *keyward.Organization, _ *keyward.Account) {
		ctx := t.Context()
		other, _ := newOrg(t, s, "other")
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		var msgs []*keyward.MailMessage
		for i, o := range []keyward.OrgID{org.ID, org.ID, other.ID} {
			m := &keyward.MailMessage{OrgID: o, To: "r@example.com", Subject: "s", Text: "t", Kind: "test",
				CreatedAt: t0.Add(time.Duration(i) * time.Millisecond)}
			write(t, s, func(tx keyward.Tx) error { return tx.EnqueueMail(ctx, m) })
			msgs = append(msgs, m)
		}
		now := t0.Add(time.Second)
		claim := func(at time.Time) (*keyward.MailMessage, error) {
			var m *keyward.MailMessage
			err := s.WriteTx(ctx, func(tx keyward.Tx) (err error) { m, err = tx.ClaimMail(ctx, at, at.Add(time.Minute)); return err })
			return m, err
		}
		// Leased messages are skipped: three claims get three messages, in
		// order, and a fourth none.
		for i := range 3 {
			m, err := claim(now)
			if err != nil || m.ID != msgs[i].ID || m.LeaseUntil == nil {
				t.Fatalf("claim %d = %+v, %v; want %s leased", i, m, err, msgs[i].ID)
			}
		}
		_, err := claim(now)
		wantCode(t, "ClaimMail(all leased)", err, keyward.CodeNotFound)

		next := now.Add(time.Hour)
		write(t, s, func(tx keyward.Tx) error {
			if err := tx.MarkMailSent(ctx, msgs[0].ID, now); err != nil {
				return err
			}
			if err := tx.MarkMailFailed(ctx, msgs[1].ID, now, "421 try later", &next); err != nil {
				return err
			}
			return tx.ReleaseMail(ctx, msgs[2].ID)
		})
		m, err := claim(now)
		if err != nil || m.ID != msgs[2].ID {
			t.Fatalf("after release: %+v, %v; want %s", m, err, msgs[2].ID)
		}
		// A lease ends: the message is due again until it is marked.
		if again, err := claim(now.Add(2 * time.Minute)); err != nil || again.ID != msgs[2].ID {
			t.Fatalf("after the lease: %+v, %v; want %s again", again, err, msgs[2].ID)
		}
		write(t, s, func(tx keyward.Tx) error { return tx.MarkMailSent(ctx, msgs[2].ID, now) })
		// Now only the failed message is left, due at its retry time.
		_, err = claim(now.Add(3 * time.Minute))
		wantCode(t, "ClaimMail(before the retry)", err, keyward.CodeNotFound)
		m, err = claim(next)
		if err != nil || m.ID != msgs[1].ID || m.Attempts != 1 || m.LastError != "421 try later" {
			t.Fatalf("retry claim = %+v, %v", m, err)
		}
		write(t, s, func(tx keyward.Tx) error { return tx.MarkMailFailed(ctx, m.ID, next, "550 no such user", nil) })
		_, err = claim(next.Add(24 * time.Hour))
		wantCode(t, "ClaimMail(given up)", err, keyward.CodeNotFound)

		read(t, s, func(tx keyward.Tx) error {
			list, info, err := tx.ListMail(ctx, org.ID, keyward.MailFilter{})
			if err != nil || info.Total != 2 || list[0].ID != msgs[1].ID || list[1].SentAt == nil || list[0].FailedAt == nil || list[1].ID != msgs[0].ID {
				t.Errorf("ListMail = %+v (total %d), %v; want newest first, one sent, one failed", list, info.Total, err)
			}
			list, _, err = tx.ListMail(ctx, other.ID, keyward.MailFilter{To: "R@example.com"})
			if err != nil || len(list) != 1 || list[0].ID != msgs[2].ID {
				t.Errorf("ListMail(other, to) = %+v, %v", list, err)
			}
			return nil
		})
	})
}

// TestRevokeInvitationsBy revokes the pending invitations of one inviter
// in one organization, expired ones included, and nothing else.
func TestRevokeInvitationsBy(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		org, owner, other, bob := orgsSharingBob(t, s, "acme")
		now := time.Now().UTC().Truncate(time.Microsecond)
		names := map[keyward.InvitationID]string{}
		mk := func(name string, o keyward.OrgID, by keyward.UserID, status keyward.InvitationStatus, expires time.Time) {
			in := &keyward.Invitation{OrgID: o, Email: name + "@example.com", InvitedBy: by, Status: status,
				Nonce: "00112233445566778899aabbccddeeff", ExpiresAt: expires}
			write(t, s, func(tx keyward.Tx) error { return tx.CreateInvitation(ctx, in) })
			names[in.ID] = name
		}
		mk("pending", org.ID, bob.ID, keyward.InvitationPending, now.Add(time.Hour))
		mk("expired", org.ID, bob.ID, keyward.InvitationPending, now.Add(-time.Hour))
		mk("accepted", org.ID, bob.ID, keyward.InvitationAccepted, now.Add(time.Hour))
		mk("owner's", org.ID, owner.ID, keyward.InvitationPending, now.Add(time.Hour))
		mk("elsewhere", other.ID, bob.ID, keyward.InvitationPending, now.Add(time.Hour))
		write(t, s, func(tx keyward.Tx) error {
			n, err := tx.RevokeInvitationsBy(ctx, org.ID, bob.ID, now)
			if err != nil || n != 2 {
				t.Errorf("RevokeInvitationsBy = %d, %v; want 2", n, err)
			}
			return err
		})
		read(t, s, func(tx keyward.Tx) error {
			var revoked []string
			for _, o := range []keyward.OrgID{org.ID, other.ID} {
				list, _, err := tx.ListInvitations(ctx, o, keyward.InvitationFilter{Status: keyward.InvitationRevoked})
				if err != nil {
					return err
				}
				for _, in := range list {
					if in.RespondedAt == nil || !in.RespondedAt.Equal(now) || !in.UpdatedAt.Equal(now) {
						t.Errorf("%s revoked at %v, updated %v; want %v", names[in.ID], in.RespondedAt, in.UpdatedAt, now)
					}
					revoked = append(revoked, names[in.ID])
				}
			}
			slices.Sort(revoked)
			if want := []string{"expired", "pending"}; !slices.Equal(revoked, want) {
				t.Errorf("revoked %v, want %v", revoked, want)
			}
			return nil
		})
	})
}

package sqlstore_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestAccountRoundTrip(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		a := &keyward.Account{Email: "Alice@Example.COM", Name: "Alice", PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"}
		write(t, s, func(tx keyward.Tx) error { return tx.CreateAccount(ctx, a) })
		if !keyward.ValidID(string(a.ID)) || a.CreatedAt.IsZero() || !a.UpdatedAt.Equal(a.CreatedAt) {
			t.Fatalf("CreateAccount did not fill in ID and times: %+v", a)
		}
		for _, email := range []string{"Alice@Example.COM", "alice@example.com", "ALICE@EXAMPLE.COM"} {
			read(t, s, func(tx keyward.Tx) error {
				byID, err := tx.GetAccount(ctx, a.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(a, byID); diff != "" {
					t.Errorf("GetAccount(%s) mismatch (-want +got):\n%s", a.ID, diff)
				}
				byEmail, err := tx.GetAccountByEmail(ctx, email)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(a, byEmail); diff != "" {
					t.Errorf("GetAccountByEmail(%q) mismatch (-want +got):\n%s", email, diff)
				}
				return nil
			})
		}

		a.Email, a.Name, a.PasswordHash, a.UpdatedAt = "alice@new.example", "Alice B", "", a.UpdatedAt.Add(time.Hour)
		write(t, s, func(tx keyward.Tx) error { return tx.UpdateAccount(ctx, a) })
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetAccountByEmail(ctx, "ALICE@new.example")
			if err != nil {
				return err
			}
			if diff := cmp.Diff(a, got); diff != "" {
				t.Errorf("GetAccountByEmail after update mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.GetAccountByEmail(ctx, "alice@example.com")
			wantCode(t, "GetAccountByEmail(old email)", err, keyward.CodeNotFound)
			return nil
		})
	})
}

func TestAccountEmailUniqueness(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		ctx := t.Context()
		newAccount(t, s, "taken@example.com", false)
		newAccount(t, s, "robot@example.com", true)
		other := newAccount(t, s, "other@example.com", false)
		tests := []struct {
			name    string
			account keyward.Account
			want    keyward.Code
		}{
			{"same email", keyward.Account{Email: "taken@example.com"}, keyward.CodeConflict},
			{"other case", keyward.Account{Email: "TAKEN@Example.Com"}, keyward.CodeConflict},
			{"service account with a human's email", keyward.Account{Email: "taken@example.com", Service: true}, ""},
			{"second service account with the same email", keyward.Account{Email: "robot@example.com", Service: true}, ""},
			{"human with a service account's email", keyward.Account{Email: "Robot@example.com"}, ""},
			{"service accounts without email", keyward.Account{Service: true}, ""},
			{"more service accounts without email", keyward.Account{Service: true}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := tt.account
				err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.CreateAccount(ctx, &a) })
				wantCode(t, "CreateAccount", err, tt.want)
				if tt.want == keyward.CodeConflict {
					if got, want := keyward.ErrorMessage(err), "An account with this email already exists."; got != want {
						t.Errorf("CreateAccount error message = %q, want %q", got, want)
					}
				}
			})
		}

		other.Email = "Taken@example.com"
		err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.UpdateAccount(ctx, other) })
		wantCode(t, "UpdateAccount to a taken email", err, keyward.CodeConflict)

		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetAccountByEmail(ctx, "robot@example.com")
			if err != nil {
				return err
			}
			if got.Service {
				t.Errorf("GetAccountByEmail(robot@example.com) = service account %s, want the human one", got.ID)
			}
			_, err = tx.GetAccountByEmail(ctx, "")
			wantCode(t, `GetAccountByEmail("")`, err, keyward.CodeNotFound)
			return nil
		})
	})
}

func TestDeleteAccount(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		member := newAccount(t, s, "member@example.com", false)
		addMember(t, s, o.ID, member)
		loner := newAccount(t, s, "loner@example.com", false)

		tests := []struct {
			name string
			id   keyward.UserID
			want keyward.Code
		}{
			{"member", member.ID, keyward.CodeConflict},
			{"owner", owner.ID, keyward.CodeConflict},
			{"no memberships", loner.ID, ""},
			{"again", loner.ID, keyward.CodeNotFound},
			{"missing", keyward.UserID(keyward.NewID(time.Now())), keyward.CodeNotFound},
		}
		for _, tt := range tests {
			err := s.WriteTx(ctx, func(tx keyward.Tx) error { return tx.DeleteAccount(ctx, tt.id) })
			wantCode(t, "DeleteAccount("+tt.name+")", err, tt.want)
		}

		// Once the membership is gone, the account may go.
		write(t, s, func(tx keyward.Tx) error {
			if err := tx.DeleteMember(ctx, o.ID, member.ID); err != nil {
				return err
			}
			return tx.DeleteAccount(ctx, member.ID)
		})
		read(t, s, func(tx keyward.Tx) error {
			_, err := tx.GetAccount(ctx, member.ID)
			wantCode(t, "GetAccount(deleted)", err, keyward.CodeNotFound)
			return nil
		})
	})
}

package sqlstore_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// write runs fn in a write transaction and fails t if it fails.
func write(t testing.TB, s keyward.Store, fn func(tx keyward.Tx) error) {
	t.Helper()
	if err := s.WriteTx(t.Context(), fn); err != nil {
		t.Fatalf("WriteTx: %v", err)
	}
}

// read runs fn in a read transaction and fails t if it fails.
func read(t testing.TB, s keyward.Store, fn func(tx keyward.Tx) error) {
	t.Helper()
	if err := s.ReadTx(t.Context(), fn); err != nil {
		t.Fatalf("ReadTx: %v", err)
	}
}

// wantCode fails t unless err has the code (a nil err has code "").
func wantCode(t testing.TB, call string, err error, code keyward.Code) {
	t.Helper()
	if got := keyward.ErrorCode(err); got != code {
		t.Errorf("%s error = %v, want code %q", call, err, code)
	}
}

// codeCase is a write that must fail with code want ("" to succeed).
type codeCase struct {
	name string
	fn   func(tx keyward.Tx) error
	want keyward.Code
}

// wantCodes runs the write of each test in a transaction of its own, in
// order, each in a subtest, and fails t unless its error has the code the
// test wants.
func wantCodes(t *testing.T, s keyward.Store, tests []codeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.name, s.WriteTx(t.Context(), tt.fn), tt.want)
		})
	}
}

// writeCase is a write that must fail with code want and message.
type writeCase struct {
	name    string
	fn      func(tx keyward.Tx) error
	want    keyward.Code
	message string
}

// wantWrites runs the write of each test in a transaction of its own, in a
// subtest, and fails t unless it fails as the test wants.
func wantWrites(t *testing.T, s keyward.Store, tests []writeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.WriteTx(t.Context(), tt.fn)
			wantCode(t, tt.name, err, tt.want)
			if got := keyward.ErrorMessage(err); got != tt.message {
				t.Errorf("%s: message = %q, want %q", tt.name, got, tt.message)
			}
		})
	}
}

func newAccount(t testing.TB, s keyward.Store, email string, service bool) *keyward.Account {
	t.Helper()
	a := &keyward.Account{Email: email, Name: "Name of " + email, Service: service}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateAccount(t.Context(), a) })
	return a
}

// newOrg creates an organization owned by a new human account, which is
// its root owner member.
func newOrg(t testing.TB, s keyward.Store, name string) (*keyward.Organization, *keyward.Account) {
	t.Helper()
	owner := newAccount(t, s, "owner@"+name+".example", false)
	o := &keyward.Organization{Name: name, Type: keyward.OrgTypeTeam, OwnerID: owner.ID}
	write(t, s, func(tx keyward.Tx) error {
		if err := tx.CreateOrganization(t.Context(), o); err != nil {
			return err
		}
		return tx.CreateMember(t.Context(), &keyward.Member{OrgID: o.ID, UserID: owner.ID, Owner: true, APIEnabled: true})
	})
	return o, owner
}

func addMember(t testing.TB, s keyward.Store, org keyward.OrgID, a *keyward.Account) *keyward.Member {
	t.Helper()
	m := &keyward.Member{OrgID: org, UserID: a.ID, Status: keyward.StatusActive, APIEnabled: true}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateMember(t.Context(), m) })
	return m
}

// orgsSharingBob creates an organization called name, another called
// "other", and bob@name.example, a member of both: the fixture of what
// must not reach across organizations.
func orgsSharingBob(t testing.TB, s keyward.Store, name string) (o *keyward.Organization, owner *keyward.Account, other *keyward.Organization, bob *keyward.Account) {
	t.Helper()
	o, owner = newOrg(t, s, name)
	other, _ = newOrg(t, s, "other")
	bob = newAccount(t, s, "bob@"+name+".example", false)
	addMember(t, s, o.ID, bob)
	addMember(t, s, other.ID, bob)
	return o, owner, other, bob
}

func newKey(t testing.TB, s keyward.Store, org keyward.OrgID, user keyward.UserID, name string) *keyward.APIKey {
	t.Helper()
	k := &keyward.APIKey{OrgID: org, UserID: user, Name: name, SecretHash: []byte("hash of " + name), CreatedBy: user}
	write(t, s, func(tx keyward.Tx) error { return tx.CreateAPIKey(t.Context(), k) })
	return k
}

func appendAudit(t testing.TB, s keyward.Store, e *keyward.AuditEvent) *keyward.AuditEvent {
	t.Helper()
	write(t, s, func(tx keyward.Tx) error { return tx.AppendAudit(t.Context(), e) })
	return e
}

// writeCall is a named call in a write transaction.
type writeCall struct {
	name string
	fn   func(tx keyward.Tx) error
}

// listCall is a named listing, by the ids it returns, and the ids it must
// return.
type listCall struct {
	name string
	fn   func(tx keyward.Tx) ([]string, error)
	want []string
}

// checkIsolation checks, each in a subtest, calls made through
// organization B about what is not B's: every write of notFound must fail
// with CodeNotFound, every listing of lists must return its want (B's
// rows alone).
func checkIsolation(t *testing.T, s keyward.Store, notFound []writeCall, lists []listCall) {
	t.Helper()
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.name, s.WriteTx(t.Context(), tt.fn), keyward.CodeNotFound)
		})
	}
	for _, tt := range lists {
		t.Run(tt.name, func(t *testing.T) {
			read(t, s, func(tx keyward.Tx) error {
				got, err := tt.fn(tx)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s for B mismatch (-want +got):\n%s", tt.name, diff)
				}
				return nil
			})
		})
	}
}

// forEachStore runs fn on a fresh store of each dialect
// (keywardtest.ForEachStore), in parallel with the other store tests: no
// store is shared, so none waits for another.
func forEachStore(t *testing.T, fn func(t *testing.T, s *sqlstore.DB)) {
	t.Helper()
	t.Parallel()
	keywardtest.ForEachStore(t, fn)
}

// forEachOrg runs fn as forEachStore does, with a new organization called
// name and its root owner in the store: the fixture most store tests
// open with.
func forEachOrg(t *testing.T, name string, fn func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account)) {
	t.Helper()
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		o, owner := newOrg(t, s, name)
		fn(t, s, o, owner)
	})
}

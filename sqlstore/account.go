package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/keyward-iam/keyward"
)

const accountColumns = "a.id, a.email, a.name, a.password_hash, a.service, a.created_at, a.updated_at"

func scanAccount(s scanner, a *keyward.Account, extra ...any) error {
	var created, updated int64
	dest := append([]any{&a.ID, &a.Email, &a.Name, &a.PasswordHash, &a.Service, &created, &updated}, extra...)
	if err := s.Scan(dest...); err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return nil
}

// emailKey is the column value that makes emails unique case-insensitively:
// the lowercased email, or NULL for none. It is computed here rather than
// with SQL lower(), whose notion of case differs between the databases.
func emailKey(email string) any {
	if email == "" {
		return nil
	}
	return strings.ToLower(email)
}

// CreateAccount inserts a, giving it an ID and times if it has none. A
// human account's email must not be in use by another human account.
func (t *tx) CreateAccount(ctx context.Context, a *keyward.Account) error {
	const op = "sqlstore.CreateAccount"
	t.touch("", changeNone, "")
	setID(&a.ID, t.now)
	t.stamp(&a.CreatedAt, &a.UpdatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO accounts
		(id, email, email_key, name, password_hash, service, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, a.Email, emailKey(a.Email), a.Name, a.PasswordHash, a.Service, a.CreatedAt.UnixMicro(), a.UpdatedAt.UnixMicro())
	return dbError(op, err, nil)
}

// GetAccount returns the account.
func (t *tx) GetAccount(ctx context.Context, id keyward.UserID) (*keyward.Account, error) {
	const op = "sqlstore.GetAccount"
	var a keyward.Account
	err := scanAccount(t.tx.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts a WHERE a.id = $1", id), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Account not found.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	return &a, nil
}

// GetAccountByEmail returns the human account with the email, compared
// case-insensitively. Service accounts are not found by email.
func (t *tx) GetAccountByEmail(ctx context.Context, email string) (*keyward.Account, error) {
	const op = "sqlstore.GetAccountByEmail"
	var a keyward.Account
	err := scanAccount(t.tx.QueryRowContext(ctx,
		"SELECT "+accountColumns+" FROM accounts a WHERE a.email_key = $1 AND NOT a.service", emailKey(email)), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Account not found.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	return &a, nil
}

// UpdateAccount writes Email, Name, PasswordHash and UpdatedAt.
func (t *tx) UpdateAccount(ctx context.Context, a *keyward.Account) error {
	const op = "sqlstore.UpdateAccount"
	t.touch("", changeUser, string(a.ID))
	a.UpdatedAt = micro(a.UpdatedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE accounts
		SET email = $2, email_key = $3, name = $4, password_hash = $5, updated_at = $6
		WHERE id = $1`,
		a.ID, a.Email, emailKey(a.Email), a.Name, a.PasswordHash, a.UpdatedAt.UnixMicro()))
	return changedOne(op, n, err, nil, "Account not found.")
}

// errAccountInUse is what a foreign-key violation on deleting an account
// means.
var errAccountInUse = keyward.Errorf(keyward.CodeConflict,
	"The account is still a member or the owner of an organization.")

// DeleteAccount deletes the account. It is CodeConflict while the account
// is a member of an organization (deleted or not) or owns one: memberships
// go first, through DeleteMember, so that each organization's revision
// and audit trail see them go.
func (t *tx) DeleteAccount(ctx context.Context, id keyward.UserID) error {
	const op = "sqlstore.DeleteAccount"
	t.touch("", changeUser, string(id))
	n, err := affected(t.execChecked(ctx, "DELETE FROM accounts WHERE id = $1", id))
	return changedOne(op, n, err, errAccountInUse, "Account not found.")
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keyward-iam/keyward"
)

const (
	memberColumns = "m.org_id, m.user_id, m.owner, m.status, m.api_enabled, m.acls, m.created_at, m.updated_at, m.suspended_at, m.source, m.external_id, m.tags"
	userColumns   = accountColumns + ", " + memberColumns
	usersFrom     = "FROM members m JOIN accounts a ON a.id = m.user_id"
)

func scanUser(s scanner) (*keyward.User, error) {
	var (
		u                keyward.User
		m                = &u.Member
		acls, tags       string
		created, updated int64
		suspended        sql.NullInt64
	)
	err := scanAccount(s, &u.Account, &m.OrgID, &m.UserID, &m.Owner, &m.Status, &m.APIEnabled, &acls, &created, &updated, &suspended, &m.Source, &m.ExternalID, &tags)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(acls), &m.ACLs); err != nil {
		return nil, fmt.Errorf("member %s acls: %w", m.UserID, err)
	}
	if tags != "[]" {
		if err := json.Unmarshal([]byte(tags), &m.Tags); err != nil {
			return nil, fmt.Errorf("member %s tags: %w", m.UserID, err)
		}
	}
	m.CreatedAt, m.UpdatedAt, m.SuspendedAt = fromMicros(created), fromMicros(updated), fromNullMicros(suspended)
	return &u, nil
}

// aclsJSON encodes acls as stored; no ACLs are the empty list, which
// normalize makes the member's value.
func aclsJSON(m *keyward.Member) (string, error) {
	if m.ACLs == nil {
		m.ACLs = []string{}
	}
	b, err := json.Marshal(m.ACLs)
	return string(b), err
}

// errNoOrgOrAccount is what a foreign-key violation on a new membership
// means.
var errNoOrgOrAccount = keyward.Errorf(keyward.CodeNotFound, "The organization or the account does not exist.")

// CreateMember inserts the membership m, giving it times if it has none
// and StatusActive if it has no status. Nil ACLs become empty ACLs.
func (t *tx) CreateMember(ctx context.Context, m *keyward.Member) error {
	const op = "sqlstore.CreateMember"
	t.touch(m.OrgID, changeUser, string(m.UserID))
	t.stamp(&m.CreatedAt, &m.UpdatedAt)
	m.SuspendedAt = microPtr(m.SuspendedAt)
	if m.Status == "" {
		m.Status = keyward.StatusActive
	}
	acls, err := aclsJSON(m)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	_, err = t.execChecked(ctx, `INSERT INTO members
		(org_id, user_id, owner, status, api_enabled, acls, created_at, updated_at, suspended_at, source, external_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		m.OrgID, m.UserID, m.Owner, m.Status, m.APIEnabled, acls, m.CreatedAt.UnixMicro(), m.UpdatedAt.UnixMicro(), nullMicros(m.SuspendedAt),
		m.Source, m.ExternalID)
	return dbError(op, err, errNoOrgOrAccount)
}

// GetUser returns the member id of org with its account.
func (t *tx) GetUser(ctx context.Context, org keyward.OrgID, id keyward.UserID) (*keyward.User, error) {
	const op = "sqlstore.GetUser"
	u, err := scanUser(t.tx.QueryRowContext(ctx, "SELECT "+userColumns+" "+usersFrom+" WHERE m.org_id = $1 AND m.user_id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "User not found.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	return u, nil
}

// ListUsers lists the members of org that match f, in the order their
// accounts were created (user IDs are time-ordered).
func (t *tx) ListUsers(ctx context.Context, org keyward.OrgID, f keyward.UserFilter) ([]*keyward.User, keyward.PageInfo, error) {
	const op = "sqlstore.ListUsers"
	var w where
	w.add("m.org_id = %s", org)
	switch f.Kind {
	case "":
	case keyward.KindRootOwner:
		w.add("m.owner AND NOT a.service")
	case keyward.KindNormal:
		w.add("NOT m.owner AND NOT a.service")
	case keyward.KindService:
		w.add("a.service")
	default:
		e := keyward.FieldError("kind", "Unknown user kind %q.", f.Kind)
		e.Op = op
		return nil, keyward.PageInfo{}, e
	}
	eq(&w, "m.status", f.Status)
	if f.Email != "" {
		w.add("a.email_key = %s", emailKey(f.Email))
	}
	w.contains(f.Search, "lower(a.name)", "a.email_key")
	eq(&w, "m.source", f.Source)
	return list(ctx, t, listing{
		op:   op,
		cols: userColumns,
		from: usersFrom + " " + w.String(),
		args: w.args,
		key:  "m.user_id",
	}, f.Page, scanUser, func(u *keyward.User) string { return string(u.Member.UserID) })
}

// UpdateMember writes Owner, Status, APIEnabled, ACLs, UpdatedAt,
// SuspendedAt, Source and ExternalID.
func (t *tx) UpdateMember(ctx context.Context, m *keyward.Member) error {
	const op = "sqlstore.UpdateMember"
	t.touch(m.OrgID, changeUser, string(m.UserID))
	m.UpdatedAt, m.SuspendedAt = micro(m.UpdatedAt), microPtr(m.SuspendedAt)
	acls, err := aclsJSON(m)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	n, err := affected(t.execChecked(ctx, `UPDATE members
		SET owner = $3, status = $4, api_enabled = $5, acls = $6, updated_at = $7, suspended_at = $8, source = $9, external_id = $10
		WHERE org_id = $1 AND user_id = $2`,
		m.OrgID, m.UserID, m.Owner, m.Status, m.APIEnabled, acls, m.UpdatedAt.UnixMicro(), nullMicros(m.SuspendedAt), m.Source, m.ExternalID))
	return changedOne(op, n, err, nil, "User not found.")
}

// SetMemberTags replaces the tags of the membership (org, id).
func (t *tx) SetMemberTags(ctx context.Context, org keyward.OrgID, id keyward.UserID, tags []keyward.Tag) error {
	const op = "sqlstore.SetMemberTags"
	t.touch(org, changeUser, string(id))
	if tags == nil {
		tags = []keyward.Tag{}
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	n, err := affected(t.tx.ExecContext(ctx, "UPDATE members SET tags = $3, updated_at = $4 WHERE org_id = $1 AND user_id = $2",
		org, id, string(b), t.Now().UnixMicro()))
	return changedOne(op, n, err, nil, "User not found.")
}

// DeleteMember removes the membership and, in org, the user's API keys,
// group memberships, role bindings, policy attachments and role trusts.
// The account stays.
func (t *tx) DeleteMember(ctx context.Context, org keyward.OrgID, id keyward.UserID) error {
	const op = "sqlstore.DeleteMember"
	t.touch(org, changeUser, string(id))
	t.touch(org, changeTrusts, "")
	// The foreign keys of API keys and group memberships cascade too;
	// deleting first says so here, and names the groups whose member
	// counts change.
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM api_keys WHERE org_id = $1 AND user_id = $2", org, id); err != nil {
		return dbError(op, err, nil)
	}
	groups, err := queryAll(ctx, t, op, "DELETE FROM group_members WHERE org_id = $1 AND user_id = $2 RETURNING group_id", org,
		func(s scanner) (g string, err error) { return g, s.Scan(&g) }, id)
	if err != nil {
		return err
	}
	for _, g := range groups {
		t.touch(org, changeGroup, g)
	}
	n, err := affected(t.execChecked(ctx, "DELETE FROM members WHERE org_id = $1 AND user_id = $2", org, id))
	if err != nil {
		return dbError(op, err, nil)
	}
	if n == 0 {
		return notFound(op, "User not found.")
	}
	return t.deleteUserEdges(ctx, op, org, id)
}

// deleteUserEdges removes the role bindings, policy attachments and role
// trusts (deleted ones too, which a restore would bring back) of a user
// who is going away: they name it with no foreign key. A trust goes for
// good: an account that rejoins, with the same id, must not find its old
// trusts waiting.
func (t *tx) deleteUserEdges(ctx context.Context, op string, org keyward.OrgID, id keyward.UserID) error {
	for _, stmt := range []string{
		"DELETE FROM role_bindings WHERE org_id = $1 AND principal_type = $2 AND principal_id = $3",
		"DELETE FROM attachments WHERE org_id = $1 AND target_type = $2 AND target_id = $3",
	} {
		if _, err := t.tx.ExecContext(ctx, stmt, org, keyward.PrincipalUser, id); err != nil {
			return dbError(op, err, nil)
		}
	}
	_, err := t.tx.ExecContext(ctx, "DELETE FROM role_trusts WHERE org_id = $1 AND trusted_user_id = $2", org, id)
	return dbError(op, err, nil)
}

// CountMemberships counts the organizations the account belongs to,
// deleted ones included.
func (t *tx) CountMemberships(ctx context.Context, id keyward.UserID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM members WHERE user_id = $1", id).Scan(&n)
	return n, dbError("sqlstore.CountMemberships", err, nil)
}

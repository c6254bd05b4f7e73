package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/keyward-iam/keyward"
)

const invitationColumns = `i.id, i.org_id, i.email, i.invited_by, i.api_enabled, i.role_ids, i.group_ids, i.status, i.nonce,
	i.created_at, i.updated_at, i.expires_at, i.responded_at, i.accepted_by,
	o.name, COALESCE(a.name, ''), COALESCE(a.email, '')`

// invitationsFrom joins what an invitation shows: its organization's name
// and its inviter's name and email (an inviter may since have gone).
const invitationsFrom = `FROM invitations i JOIN organizations o ON o.id = i.org_id
	LEFT JOIN accounts a ON a.id = i.invited_by`

func scanInvitation(s scanner) (*keyward.Invitation, error) {
	var (
		i                         keyward.Invitation
		roles, groups             string
		created, updated, expires int64
		responded                 sql.NullInt64
	)
	if err := s.Scan(&i.ID, &i.OrgID, &i.Email, &i.InvitedBy, &i.APIEnabled, &roles, &groups, &i.Status, &i.Nonce,
		&created, &updated, &expires, &responded, &i.AcceptedBy, &i.OrgName, &i.InviterName, &i.InviterEmail); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &i.RoleIDs); err != nil {
		return nil, fmt.Errorf("invitation %s role_ids: %w", i.ID, err)
	}
	if err := json.Unmarshal([]byte(groups), &i.GroupIDs); err != nil {
		return nil, fmt.Errorf("invitation %s group_ids: %w", i.ID, err)
	}
	i.CreatedAt, i.UpdatedAt, i.ExpiresAt = fromMicros(created), fromMicros(updated), fromMicros(expires)
	i.RespondedAt = fromNullMicros(responded)
	return &i, nil
}

// idsJSON encodes an id list as stored; nil is the empty list.
func idsJSON[T ~string](ids []T) string {
	if ids == nil {
		ids = []T{}
	}
	b, _ := json.Marshal(ids) // a list of strings always encodes
	return string(b)
}

// CreateInvitation inserts i, giving it an ID and times if it has none and
// InvitationPending if it has no status.
func (t *tx) CreateInvitation(ctx context.Context, i *keyward.Invitation) error {
	const op = "sqlstore.CreateInvitation"
	t.touch(i.OrgID, changeNone, "")
	setID(&i.ID, t.now)
	if i.Status == "" {
		i.Status = keyward.InvitationPending
	}
	t.stamp(&i.CreatedAt, &i.UpdatedAt)
	i.ExpiresAt, i.RespondedAt = micro(i.ExpiresAt), microPtr(i.RespondedAt)
	_, err := t.execChecked(ctx, `INSERT INTO invitations
		(id, org_id, email, email_key, invited_by, api_enabled, role_ids, group_ids, status, nonce,
		 created_at, updated_at, expires_at, responded_at, accepted_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		i.ID, i.OrgID, i.Email, emailKey(i.Email), i.InvitedBy, i.APIEnabled, idsJSON(i.RoleIDs), idsJSON(i.GroupIDs),
		i.Status, i.Nonce, i.CreatedAt.UnixMicro(), i.UpdatedAt.UnixMicro(), i.ExpiresAt.UnixMicro(),
		nullMicros(i.RespondedAt), i.AcceptedBy)
	return dbError(op, err, errNoOrg)
}

// GetInvitation returns the invitation of org.
func (t *tx) GetInvitation(ctx context.Context, org keyward.OrgID, id keyward.InvitationID) (*keyward.Invitation, error) {
	const op = "sqlstore.GetInvitation"
	i, err := scanInvitation(t.tx.QueryRowContext(ctx,
		"SELECT "+invitationColumns+" "+invitationsFrom+" WHERE i.org_id = $1 AND i.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Invitation not found.")
	}
	return i, dbError(op, err, nil)
}

// FindInvitation finds an invitation in any organization, for link
// acceptance.
func (t *tx) FindInvitation(ctx context.Context, id keyward.InvitationID) (*keyward.Invitation, error) {
	const op = "sqlstore.FindInvitation"
	i, err := scanInvitation(t.tx.QueryRowContext(ctx,
		"SELECT "+invitationColumns+" "+invitationsFrom+" WHERE i.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Invitation not found.")
	}
	return i, dbError(op, err, nil)
}

// ListInvitations lists org's invitations in creation order.
func (t *tx) ListInvitations(ctx context.Context, org keyward.OrgID, f keyward.InvitationFilter) ([]*keyward.Invitation, keyward.PageInfo, error) {
	from, args := invitationsFrom+" WHERE i.org_id = $1", []any{org}
	if f.Status != "" {
		args = append(args, f.Status)
		from += fmt.Sprintf(" AND i.status = $%d", len(args))
	}
	if f.Email != "" {
		args = append(args, emailKey(f.Email))
		from += fmt.Sprintf(" AND i.email_key = $%d", len(args))
	}
	return list(ctx, t, listing{
		op: "sqlstore.ListInvitations", cols: invitationColumns, from: from, args: args, key: "i.id",
	}, f.Page, scanInvitation, func(i *keyward.Invitation) string { return string(i.ID) })
}

// UpdateInvitation writes Status, Nonce, ExpiresAt, UpdatedAt, RespondedAt
// and AcceptedBy.
func (t *tx) UpdateInvitation(ctx context.Context, i *keyward.Invitation) error {
	const op = "sqlstore.UpdateInvitation"
	t.touch(i.OrgID, changeNone, "")
	i.UpdatedAt, i.ExpiresAt, i.RespondedAt = micro(i.UpdatedAt), micro(i.ExpiresAt), microPtr(i.RespondedAt)
	n, err := affected(t.tx.ExecContext(ctx, `UPDATE invitations SET status = $3, nonce = $4, expires_at = $5,
		updated_at = $6, responded_at = $7, accepted_by = $8 WHERE org_id = $1 AND id = $2`,
		i.OrgID, i.ID, i.Status, i.Nonce, i.ExpiresAt.UnixMicro(), i.UpdatedAt.UnixMicro(), nullMicros(i.RespondedAt), i.AcceptedBy))
	return changedOne(op, n, err, nil, "Invitation not found.")
}

// RevokeInvitationsBy revokes the pending invitations inviter made in org.
func (t *tx) RevokeInvitationsBy(ctx context.Context, org keyward.OrgID, inviter keyward.UserID, at time.Time) (int, error) {
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, `UPDATE invitations SET status = $3, updated_at = $4, responded_at = $4
		WHERE org_id = $1 AND invited_by = $2 AND status = $5`,
		org, inviter, keyward.InvitationRevoked, micro(at).UnixMicro(), keyward.InvitationPending))
	return int(n), dbError("sqlstore.RevokeInvitationsBy", err, nil)
}

// Secret returns the secret named name, storing value first if there is
// none. Two replicas that race both read the one value that won.
func (t *tx) Secret(ctx context.Context, name string, value []byte) ([]byte, error) {
	const op = "sqlstore.Secret"
	t.touch("", changeNone, "")
	if _, err := t.tx.ExecContext(ctx,
		"INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
		name, value, t.now.UnixMicro()); err != nil {
		return nil, dbError(op, err, nil)
	}
	var v []byte
	if err := t.tx.QueryRowContext(ctx, "SELECT value FROM secrets WHERE name = $1", name).Scan(&v); err != nil {
		return nil, dbError(op, err, nil)
	}
	return v, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/keyward-iam/keyward"
)

const policyColumns = "p.id, p.org_id, p.name, p.description, p.document, p.version, p.created_at, p.updated_at, p.deleted_at"

func scanPolicy(s scanner) (*keyward.Policy, error) {
	var (
		p                keyward.Policy
		doc              string
		created, updated int64
		deleted          sql.NullInt64
	)
	if err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Description, &doc, &p.Version, &created, &updated, &deleted); err != nil {
		return nil, err
	}
	if doc != "" {
		p.Document = json.RawMessage(doc)
	}
	p.CreatedAt, p.UpdatedAt, p.DeletedAt = fromMicros(created), fromMicros(updated), fromNullMicros(deleted)
	return &p, nil
}

// CreatePolicy inserts p, giving it an ID and times if it has none and
// Version 1 if it has none. Its document is stored as text, byte for
// byte. Its name must not be in use by a live policy of its organization,
// case-insensitively.
func (t *tx) CreatePolicy(ctx context.Context, p *keyward.Policy) error {
	const op = "sqlstore.CreatePolicy"
	setID(&p.ID, t.now)
	t.touch(p.OrgID, changePolicy, string(p.ID))
	if p.Version == 0 {
		p.Version = 1
	}
	t.stamp(&p.CreatedAt, &p.UpdatedAt)
	p.DeletedAt = microPtr(p.DeletedAt)
	_, err := t.execChecked(ctx, `INSERT INTO policies
		(id, org_id, name, name_key, description, document, version, created_at, updated_at, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.OrgID, p.Name, nameKey(p.Name), p.Description, string(p.Document), p.Version,
		p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro(), nullMicros(p.DeletedAt))
	return dbError(op, err, errNoOrg)
}

// GetPolicy returns the custom policy of org, deleted or not.
func (t *tx) GetPolicy(ctx context.Context, org keyward.OrgID, id keyward.PolicyID) (*keyward.Policy, error) {
	const op = "sqlstore.GetPolicy"
	p, err := scanPolicy(t.tx.QueryRowContext(ctx, "SELECT "+policyColumns+" FROM policies p WHERE p.org_id = $1 AND p.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Policy not found.")
	}
	return p, dbError(op, err, nil)
}

// ListPolicies lists the live custom policies of org (or, with f.Deleted,
// the deleted ones) that match f, in creation order.
func (t *tx) ListPolicies(ctx context.Context, org keyward.OrgID, f keyward.PolicyFilter) ([]*keyward.Policy, keyward.PageInfo, error) {
	var w where
	w.add("p.org_id = %s", org)
	w.deleted("p", f.Deleted)
	if f.Name != "" {
		w.add("p.name_key = %s", nameKey(f.Name))
	}
	w.contains(f.Search, "p.name_key")
	return list(ctx, t, listing{
		op:   "sqlstore.ListPolicies",
		cols: policyColumns,
		from: "FROM policies p " + w.String(),
		args: w.args,
		key:  "p.id",
	}, f.Page, scanPolicy, func(p *keyward.Policy) string { return string(p.ID) })
}

// errStalePolicy is what UpdatePolicy says when the policy changed since
// the caller read it.
var errStalePolicy = keyward.Errorf(keyward.CodePreconditionFailed, "The policy has changed since it was read.")

// UpdatePolicy writes Name, Description, Document, UpdatedAt and
// DeletedAt, and sets Version to version+1, if the stored version is still
// version; a policy that org does not have is CodeNotFound, a stale
// version CodePreconditionFailed. A live policy's name must not be in use
// by another live policy, so a restore into a name taken since is
// CodeConflict. p.Version changes only on success.
func (t *tx) UpdatePolicy(ctx context.Context, p *keyward.Policy, version int64) error {
	const op = "sqlstore.UpdatePolicy"
	t.touch(p.OrgID, changePolicy, string(p.ID))
	p.UpdatedAt, p.DeletedAt = micro(p.UpdatedAt), microPtr(p.DeletedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE policies
		SET name = $4, name_key = $5, description = $6, document = $7, version = $3 + 1, updated_at = $8, deleted_at = $9
		WHERE org_id = $1 AND id = $2 AND version = $3`,
		p.OrgID, p.ID, version, p.Name, nameKey(p.Name), p.Description, string(p.Document), p.UpdatedAt.UnixMicro(), nullMicros(p.DeletedAt)))
	if err != nil {
		return dbError(op, err, nil)
	}
	if n == 0 {
		// Either the policy is not there or its version moved on.
		var stored int64
		err := t.tx.QueryRowContext(ctx, "SELECT version FROM policies WHERE org_id = $1 AND id = $2", p.OrgID, p.ID).Scan(&stored)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op, "Policy not found.")
		}
		if err != nil {
			return dbError(op, err, nil)
		}
		e := *errStalePolicy
		e.Op = op
		return &e
	}
	p.Version = version + 1
	return nil
}

// CountPolicies counts the live custom policies of org.
func (t *tx) CountPolicies(ctx context.Context, org keyward.OrgID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM policies WHERE org_id = $1 AND deleted_at IS NULL", org).Scan(&n)
	return n, dbError("sqlstore.CountPolicies", err, nil)
}

const attachmentColumns = "pa.id, pa.org_id, pa.policy_id, pa.target_type, pa.target_id, pa.created_at, pa.created_by"

// scanAttachment scans attachmentColumns; key receives the surrogate ID.
func scanAttachment(s scanner, key *string) (*keyward.Attachment, error) {
	var (
		a       keyward.Attachment
		created int64
	)
	if err := s.Scan(key, &a.OrgID, &a.PolicyID, &a.TargetType, &a.TargetID, &created, &a.CreatedBy); err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicros(created)
	return &a, nil
}

// CreateAttachment inserts a, giving it the transaction's time if it has
// no CreatedAt. Neither its policy (which may be managed) nor its target
// (a user, group or role) is checked.
func (t *tx) CreateAttachment(ctx context.Context, a *keyward.Attachment) error {
	const op = "sqlstore.CreateAttachment"
	t.touch(a.OrgID, changePolicy, string(a.PolicyID))
	t.touchPrincipal(a.OrgID, a.TargetType, a.TargetID)
	if a.CreatedAt.IsZero() {
		a.CreatedAt = t.now
	}
	a.CreatedAt = micro(a.CreatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO attachments
		(id, org_id, policy_id, target_type, target_id, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		keyward.NewID(t.now), a.OrgID, a.PolicyID, a.TargetType, a.TargetID, a.CreatedAt.UnixMicro(), a.CreatedBy)
	return dbError(op, err, errNoOrg)
}

// DeleteAttachment removes the attachment of a's organization with a's
// policy and target.
func (t *tx) DeleteAttachment(ctx context.Context, a *keyward.Attachment) error {
	const op = "sqlstore.DeleteAttachment"
	t.touch(a.OrgID, changePolicy, string(a.PolicyID))
	t.touchPrincipal(a.OrgID, a.TargetType, a.TargetID)
	n, err := affected(t.tx.ExecContext(ctx, `DELETE FROM attachments
		WHERE org_id = $1 AND policy_id = $2 AND target_type = $3 AND target_id = $4`,
		a.OrgID, a.PolicyID, a.TargetType, a.TargetID))
	return changedOne(op, n, err, nil, "Policy attachment not found.")
}

// ListAttachments lists the attachments of org that match f, those of
// deleted policies and roles included, in creation order. Unless f names a
// target, the attachments to deleted groups are left out.
func (t *tx) ListAttachments(ctx context.Context, org keyward.OrgID, f keyward.AttachmentFilter) ([]*keyward.Attachment, keyward.PageInfo, error) {
	var w where
	w.add("pa.org_id = %s", org)
	eq(&w, "pa.policy_id", f.PolicyID)
	eq(&w, "pa.target_type", f.TargetType)
	if f.TargetID != "" {
		w.add("pa.target_id = %s", f.TargetID)
	} else {
		w.add(notDeletedGroup("pa", "target_id"))
	}
	return listKeyed(ctx, t, listing{
		op:   "sqlstore.ListAttachments",
		cols: attachmentColumns,
		from: "FROM attachments pa " + w.String(),
		args: w.args,
		key:  "pa.id",
	}, f.Page, scanAttachment)
}

// CountAttachments counts the attachments of org to one target.
func (t *tx) CountAttachments(ctx context.Context, org keyward.OrgID, targetType keyward.PrincipalType, targetID string) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx,
		"SELECT count(*) FROM attachments WHERE org_id = $1 AND target_type = $2 AND target_id = $3",
		org, targetType, targetID).Scan(&n)
	return n, dbError("sqlstore.CountAttachments", err, nil)
}

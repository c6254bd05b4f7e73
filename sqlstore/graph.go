package sqlstore

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// LoadGraph reads the access graph of org in thirteen queries, one per
// kind of row, each in creation order: the organization (CodeNotFound if
// missing; a deleted one is returned, and callers check DeletedAt), every
// member with its account and tags, the live groups with their member
// counts, every group membership (those of deleted groups included), the
// live roles, every binding (those of deleted roles and groups included),
// the live custom policies, every attachment (those of deleted policies
// and to deleted roles and groups included), the live trusts of live
// roles (expired ones included: expiry is checked per request), and the
// projects, resources, overrides and grids of live roles (loadProjects).
// An attachment of a policy ID that is not a custom policy of org names a
// managed policy, which the caller resolves; a binding of a role ID with no
// roles row names a built-in role.
func (t *tx) LoadGraph(ctx context.Context, org keyward.OrgID) (*keyward.Graph, error) {
	const op = "sqlstore.LoadGraph"
	o, err := t.GetOrganization(ctx, org)
	if err != nil {
		return nil, err
	}
	g := &keyward.Graph{Org: o}
	if g.Users, err = queryAll(ctx, t, op, "SELECT "+userColumns+" "+usersFrom+" WHERE m.org_id = $1 ORDER BY m.user_id", org,
		scanUser); err != nil {
		return nil, err
	}
	if g.Groups, err = queryAll(ctx, t, op, "SELECT "+groupColumns+" FROM groups g WHERE g.org_id = $1 AND g.deleted_at IS NULL ORDER BY g.id", org,
		scanGroup); err != nil {
		return nil, err
	}
	if g.GroupMembers, err = queryAll(ctx, t, op, "SELECT "+groupMemberColumns+" "+groupMembersFrom+" WHERE gm.org_id = $1 ORDER BY gm.id", org,
		scanGroupMemberRow); err != nil {
		return nil, err
	}
	if g.Roles, err = queryAll(ctx, t, op, "SELECT "+roleColumns+" FROM roles r WHERE r.org_id = $1 AND r.deleted_at IS NULL ORDER BY r.id", org,
		scanRole); err != nil {
		return nil, err
	}
	// A binding without a roles row names a built-in role; those of
	// deleted roles are kept (keyward.Graph).
	if g.Bindings, err = queryAll(ctx, t, op, "SELECT "+bindingColumns+" FROM role_bindings b WHERE b.org_id = $1 ORDER BY b.id", org,
		scanBindingRow); err != nil {
		return nil, err
	}
	if g.Policies, err = queryAll(ctx, t, op, "SELECT "+policyColumns+" FROM policies p WHERE p.org_id = $1 AND p.deleted_at IS NULL ORDER BY p.id", org,
		scanPolicy); err != nil {
		return nil, err
	}
	// Attachments of deleted policies and to deleted roles are kept too.
	if g.Attachments, err = queryAll(ctx, t, op, "SELECT "+attachmentColumns+" FROM attachments pa WHERE pa.org_id = $1 ORDER BY pa.id", org,
		scanAttachmentRow); err != nil {
		return nil, err
	}
	if g.Trusts, err = queryAll(ctx, t, op, liveTrusts, org, scanTrust); err != nil {
		return nil, err
	}
	if err := t.loadProjects(ctx, g); err != nil {
		return nil, err
	}
	return g, nil
}

// liveTrusts selects the live trusts of org's live roles in creation order.
const liveTrusts = "SELECT " + trustColumns + ` FROM role_trusts t
	JOIN roles r ON r.org_id = t.org_id AND r.id = t.role_id
	WHERE t.org_id = $1 AND t.deleted_at IS NULL AND r.deleted_at IS NULL ORDER BY t.id`

// queryAll runs query, whose arguments are the organization and then
// args, and scans every row.
func queryAll[T any](ctx context.Context, t *tx, op, query string, org keyward.OrgID, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := t.tx.QueryContext(ctx, query, append([]any{org}, args...)...)
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, dbError(op, err, nil)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(op, err, nil)
	}
	return out, nil
}

// scanBindingRow, scanAttachmentRow and scanGroupMemberRow scan a row of
// their kind for a graph, dropping the surrogate key.
func scanBindingRow(s scanner) (*keyward.RoleBinding, error) {
	var key string
	return scanBinding(s, &key)
}

func scanAttachmentRow(s scanner) (*keyward.Attachment, error) {
	var key string
	return scanAttachment(s, &key)
}

func scanGroupMemberRow(s scanner) (*keyward.GroupMember, error) {
	var key string
	return scanGroupMember(s, &key, nil)
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/keyward-iam/keyward"
)

// groupColumns selects a group with its member count.
const groupColumns = "g.id, g.org_id, g.name, g.description, g.source, g.external_id, g.created_at, g.updated_at, g.deleted_at, " +
	"(SELECT count(*) FROM group_members c WHERE c.org_id = g.org_id AND c.group_id = g.id)"

func scanGroup(s scanner) (*keyward.Group, error) {
	var (
		g                keyward.Group
		created, updated int64
		deleted          sql.NullInt64
	)
	if err := s.Scan(&g.ID, &g.OrgID, &g.Name, &g.Description, &g.Source, &g.ExternalID, &created, &updated, &deleted, &g.MemberCount); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt, g.DeletedAt = fromMicros(created), fromMicros(updated), fromNullMicros(deleted)
	return &g, nil
}

// nameKey is the column value that makes the names of groups, roles and
// policies unique case-insensitively; see emailKey for why it is computed
// here.
func nameKey(name string) string { return strings.ToLower(name) }

// The unique constraints of groups, roles, policies, group members,
// bindings and attachments, for conflictMessage.
// CreateGroup inserts g, giving it an ID and times if it has none. Its
// name must not be in use by a live group of its organization,
// case-insensitively.
func (t *tx) CreateGroup(ctx context.Context, g *keyward.Group) error {
	const op = "sqlstore.CreateGroup"
	setID(&g.ID, t.now)
	t.touch(g.OrgID, changeGroup, string(g.ID))
	t.stamp(&g.CreatedAt, &g.UpdatedAt)
	g.MemberCount = 0
	g.DeletedAt = microPtr(g.DeletedAt)
	_, err := t.execChecked(ctx, `INSERT INTO groups
		(id, org_id, name, name_key, description, created_at, updated_at, source, external_id, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		g.ID, g.OrgID, g.Name, nameKey(g.Name), g.Description, g.CreatedAt.UnixMicro(), g.UpdatedAt.UnixMicro(), g.Source, g.ExternalID,
		nullMicros(g.DeletedAt))
	return dbError(op, err, errNoOrg)
}

// GetGroup returns the group of org, deleted or not, with its member
// count.
func (t *tx) GetGroup(ctx context.Context, org keyward.OrgID, id keyward.GroupID) (*keyward.Group, error) {
	const op = "sqlstore.GetGroup"
	g, err := scanGroup(t.tx.QueryRowContext(ctx, "SELECT "+groupColumns+" FROM groups g WHERE g.org_id = $1 AND g.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Group not found.")
	}
	return g, dbError(op, err, nil)
}

// ListGroups lists the live groups of org (or, with f.Deleted, the
// deleted ones) that match f, with their member counts, in creation order.
func (t *tx) ListGroups(ctx context.Context, org keyward.OrgID, f keyward.GroupFilter) ([]*keyward.Group, keyward.PageInfo, error) {
	var w where
	w.add("g.org_id = %s", org)
	w.deleted("g", f.Deleted)
	if f.Member != "" {
		w.add("EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = g.org_id AND gm.group_id = g.id AND gm.user_id = %s)", f.Member)
	}
	if f.Name != "" {
		w.add("g.name_key = %s", nameKey(f.Name))
	}
	w.contains(f.Search, "g.name_key")
	eq(&w, "g.source", f.Source)
	return list(ctx, t, listing{
		op:   "sqlstore.ListGroups",
		cols: groupColumns,
		from: "FROM groups g " + w.String(),
		args: w.args,
		key:  "g.id",
	}, f.Page, scanGroup, func(g *keyward.Group) string { return string(g.ID) })
}

// UpdateGroup writes Name, Description, Source, ExternalID, UpdatedAt and
// DeletedAt. A live group's name must not be in use by another live group,
// so a restore (DeletedAt set to nil) into a name taken since is
// CodeConflict. Deleting or restoring keeps the group's memberships,
// bindings, attachments and trusts, which the access graph reads only
// while it is live.
func (t *tx) UpdateGroup(ctx context.Context, g *keyward.Group) error {
	const op = "sqlstore.UpdateGroup"
	t.touch(g.OrgID, changeGroup, string(g.ID))
	g.UpdatedAt, g.DeletedAt = micro(g.UpdatedAt), microPtr(g.DeletedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE groups
		SET name = $3, name_key = $4, description = $5, updated_at = $6, source = $7, external_id = $8, deleted_at = $9
		WHERE org_id = $1 AND id = $2`,
		g.OrgID, g.ID, g.Name, nameKey(g.Name), g.Description, g.UpdatedAt.UnixMicro(), g.Source, g.ExternalID, nullMicros(g.DeletedAt)))
	return changedOne(op, n, err, nil, "Group not found.")
}

// notDeletedGroup is the condition that column col of table alias a does
// not name a deleted group of the row's organization. Listings of who
// holds a role, a policy or a trust leave out a deleted group, whose
// edges are kept only for its restore; a listing of one principal's
// edges does not.
func notDeletedGroup(a, col string) string {
	return "NOT EXISTS (SELECT 1 FROM groups dg WHERE dg.org_id = " + a + ".org_id AND dg.id = " + a + "." + col + " AND dg.deleted_at IS NOT NULL)"
}

// CountGroups counts the live groups of org.
func (t *tx) CountGroups(ctx context.Context, org keyward.OrgID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM groups WHERE org_id = $1 AND deleted_at IS NULL", org).Scan(&n)
	return n, dbError("sqlstore.CountGroups", err, nil)
}

// errNoGroupOrMember is what a foreign-key violation on a new group
// membership means: the group, or the user's membership, is not in the
// organization.
var errNoGroupOrMember = keyward.Errorf(keyward.CodeNotFound, "The group or the user does not exist in this organization.")

// AddGroupMember inserts the membership m, giving it the transaction's
// time if it has no AddedAt. The group and the user must both be of
// m.OrgID.
func (t *tx) AddGroupMember(ctx context.Context, m *keyward.GroupMember) error {
	const op = "sqlstore.AddGroupMember"
	t.touch(m.OrgID, changeGroup, string(m.GroupID))
	t.touch(m.OrgID, changeUser, string(m.UserID))
	if m.AddedAt.IsZero() {
		m.AddedAt = t.now
	}
	m.AddedAt = micro(m.AddedAt)
	_, err := t.execChecked(ctx, `INSERT INTO group_members
		(id, org_id, group_id, user_id, added_at, added_by)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		keyward.NewID(t.now), m.OrgID, m.GroupID, m.UserID, m.AddedAt.UnixMicro(), m.AddedBy)
	return dbError(op, err, errNoGroupOrMember)
}

// RemoveGroupMember removes user from the group.
func (t *tx) RemoveGroupMember(ctx context.Context, org keyward.OrgID, group keyward.GroupID, user keyward.UserID) error {
	const op = "sqlstore.RemoveGroupMember"
	t.touch(org, changeGroup, string(group))
	t.touch(org, changeUser, string(user))
	n, err := affected(t.tx.ExecContext(ctx,
		"DELETE FROM group_members WHERE org_id = $1 AND group_id = $2 AND user_id = $3", org, group, user))
	return changedOne(op, n, err, nil, "The user is not a member of the group.")
}

// IsGroupMember reports whether user is a member of the group.
func (t *tx) IsGroupMember(ctx context.Context, org keyward.OrgID, group keyward.GroupID, user keyward.UserID) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM group_members WHERE org_id = $1 AND group_id = $2 AND user_id = $3",
		org, group, user).Scan(&n)
	return n > 0, dbError("sqlstore.IsGroupMember", err, nil)
}

const (
	groupMemberColumns = "gm.id, gm.org_id, gm.group_id, gm.user_id, gm.added_at, gm.added_by"
	groupMembersFrom   = "FROM group_members gm"
)

// scanGroupMember scans groupMemberColumns followed by the columns extra
// names (through more), and returns the surrogate key with the member.
func scanGroupMember(s scanner, key *string, more func(scanner) error) (*keyward.GroupMember, error) {
	var (
		m     keyward.GroupMember
		added int64
	)
	p := prefixed{s: s, dest: []any{key, &m.OrgID, &m.GroupID, &m.UserID, &added, &m.AddedBy}}
	var err error
	if more == nil {
		err = p.Scan()
	} else {
		err = more(p)
	}
	if err != nil {
		return nil, err
	}
	m.AddedAt = fromMicros(added)
	return &m, nil
}

// ListGroupMembers lists the members of a group of org with their users,
// in the order they were added. A group that org does not have is
// CodeNotFound rather than an empty list.
func (t *tx) ListGroupMembers(ctx context.Context, org keyward.OrgID, group keyward.GroupID, p keyward.Page) ([]*keyward.GroupMemberView, keyward.PageInfo, error) {
	const op = "sqlstore.ListGroupMembers"
	var one int
	err := t.tx.QueryRowContext(ctx, "SELECT 1 FROM groups WHERE org_id = $1 AND id = $2", org, group).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, keyward.PageInfo{}, notFound(op, "Group not found.")
	}
	if err != nil {
		return nil, keyward.PageInfo{}, dbError(op, err, nil)
	}
	return listKeyed(ctx, t, listing{
		op:   op,
		cols: groupMemberColumns + ", " + userColumns,
		from: groupMembersFrom + ` JOIN members m ON m.org_id = gm.org_id AND m.user_id = gm.user_id
			JOIN accounts a ON a.id = m.user_id WHERE gm.org_id = $1 AND gm.group_id = $2`,
		args: []any{org, group},
		key:  "gm.id",
	}, p, func(s scanner, key *string) (*keyward.GroupMemberView, error) {
		var u *keyward.User
		m, err := scanGroupMember(s, key, func(s scanner) (err error) {
			u, err = scanUser(s)
			return err
		})
		if err != nil {
			return nil, err
		}
		return &keyward.GroupMemberView{GroupMember: *m, User: u}, nil
	})
}

// CountGroupMembers counts the members of a group of org; a group it does
// not have has none.
func (t *tx) CountGroupMembers(ctx context.Context, org keyward.OrgID, group keyward.GroupID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM group_members WHERE org_id = $1 AND group_id = $2", org, group).Scan(&n)
	return n, dbError("sqlstore.CountGroupMembers", err, nil)
}

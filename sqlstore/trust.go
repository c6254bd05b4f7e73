package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/keyward-iam/keyward"
)

const trustColumns = "t.id, t.org_id, t.role_id, t.trust_type, t.mode, t.trusted_user_id, t.trusted_group_id, " +
	"t.trusted_oidc_issuer_id, t.claim_conditions, t.conditions, t.valid_until, t.created_by, t.created_at, t.updated_at, t.deleted_at"

// conditionsJSON is the stored form of keyward.TrustConditions.
type conditionsJSON struct {
	TimeOfDay  *keyward.TimeOfDay `json:"time_of_day,omitempty"`
	DaysOfWeek []time.Weekday     `json:"days_of_week,omitempty"`
	IPAddress  []string           `json:"ip_address,omitempty"`
}

func encodeConditions(c keyward.TrustConditions) string {
	j := conditionsJSON{TimeOfDay: c.TimeOfDay, DaysOfWeek: c.DaysOfWeek}
	for _, p := range c.IPAddress {
		j.IPAddress = append(j.IPAddress, p.String())
	}
	b, _ := json.Marshal(j) // plain values always marshal
	return string(b)
}

func decodeConditions(s string) (keyward.TrustConditions, error) {
	var j conditionsJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return keyward.TrustConditions{}, err
	}
	c := keyward.TrustConditions{TimeOfDay: j.TimeOfDay, DaysOfWeek: j.DaysOfWeek}
	for _, a := range j.IPAddress {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			return c, err
		}
		c.IPAddress = append(c.IPAddress, p)
	}
	return c, nil
}

func scanTrust(s scanner) (*keyward.RoleTrust, error) {
	var (
		t                keyward.RoleTrust
		claims, conds    string
		created, updated int64
		until, deleted   sql.NullInt64
	)
	if err := s.Scan(&t.ID, &t.OrgID, &t.RoleID, &t.Type, &t.Mode, &t.TrustedUserID, &t.TrustedGroupID,
		&t.TrustedOIDCIssuerID, &claims, &conds, &until, &t.CreatedBy, &created, &updated, &deleted); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(claims), &t.ClaimConditions); err != nil {
		return nil, fmt.Errorf("trust %s claim conditions: %w", t.ID, err)
	}
	if len(t.ClaimConditions) == 0 {
		t.ClaimConditions = nil
	}
	var err error
	if t.Conditions, err = decodeConditions(conds); err != nil {
		return nil, fmt.Errorf("trust %s conditions: %w", t.ID, err)
	}
	t.ValidUntil, t.CreatedAt, t.UpdatedAt, t.DeletedAt = fromNullMicros(until), fromMicros(created), fromMicros(updated), fromNullMicros(deleted)
	return &t, nil
}

func claimsText(m map[string]string) string {
	if m == nil {
		return "{}"
	}
	b, _ := json.Marshal(m) // strings always marshal
	return string(b)
}

// CreateRoleTrust inserts t, giving it an ID and times if it has none.
// Its role must exist in its organization.
func (t *tx) CreateRoleTrust(ctx context.Context, rt *keyward.RoleTrust) error {
	const op = "sqlstore.CreateRoleTrust"
	t.touch(rt.OrgID, changeTrusts, "")
	setID(&rt.ID, t.now)
	t.stamp(&rt.CreatedAt, &rt.UpdatedAt)
	rt.ValidUntil, rt.DeletedAt = microPtr(rt.ValidUntil), microPtr(rt.DeletedAt)
	_, err := t.execChecked(ctx, `INSERT INTO role_trusts
		(id, org_id, role_id, trust_type, mode, trusted_user_id, trusted_group_id, trusted_oidc_issuer_id,
		 claim_conditions, conditions, valid_until, created_by, created_at, updated_at, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		rt.ID, rt.OrgID, rt.RoleID, rt.Type, rt.Mode, rt.TrustedUserID, rt.TrustedGroupID, rt.TrustedOIDCIssuerID,
		claimsText(rt.ClaimConditions), encodeConditions(rt.Conditions), nullMicros(rt.ValidUntil), rt.CreatedBy,
		rt.CreatedAt.UnixMicro(), rt.UpdatedAt.UnixMicro(), nullMicros(rt.DeletedAt))
	return dbError(op, err, errNoRole)
}

// GetRoleTrust returns the trust of org, deleted or not.
func (t *tx) GetRoleTrust(ctx context.Context, org keyward.OrgID, id keyward.RoleTrustID) (*keyward.RoleTrust, error) {
	const op = "sqlstore.GetRoleTrust"
	rt, err := scanTrust(t.tx.QueryRowContext(ctx, "SELECT "+trustColumns+" FROM role_trusts t WHERE t.org_id = $1 AND t.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Role trust not found.")
	}
	return rt, dbError(op, err, nil)
}

// ListRoleTrusts lists the live trusts of org's live roles (or, with
// f.Deleted, the deleted trusts) that match f, in creation order, leaving
// out those of deleted groups.
func (t *tx) ListRoleTrusts(ctx context.Context, org keyward.OrgID, f keyward.TrustFilter) ([]*keyward.RoleTrust, keyward.PageInfo, error) {
	var w where
	w.add("t.org_id = %s", org)
	w.add("EXISTS (SELECT 1 FROM roles r WHERE r.org_id = t.org_id AND r.id = t.role_id AND r.deleted_at IS NULL)")
	w.add(notDeletedGroup("t", "trusted_group_id"))
	w.deleted("t", f.Deleted)
	eq(&w, "t.role_id", f.RoleID)
	if f.User != "" {
		w.add(`(t.trusted_user_id = %s OR t.trusted_group_id IN
			(SELECT gm.group_id FROM group_members gm WHERE gm.org_id = t.org_id AND gm.user_id = %s))`, f.User, f.User)
	}
	return list(ctx, t, listing{
		op:   "sqlstore.ListRoleTrusts",
		cols: trustColumns,
		from: "FROM role_trusts t " + w.String(),
		args: w.args,
		key:  "t.id",
	}, f.Page, scanTrust, func(rt *keyward.RoleTrust) string { return string(rt.ID) })
}

// UpdateRoleTrust writes every field of rt but its ID, OrgID, RoleID,
// CreatedBy and CreatedAt.
func (t *tx) UpdateRoleTrust(ctx context.Context, rt *keyward.RoleTrust) error {
	const op = "sqlstore.UpdateRoleTrust"
	t.touch(rt.OrgID, changeTrusts, "")
	rt.UpdatedAt, rt.ValidUntil, rt.DeletedAt = micro(rt.UpdatedAt), microPtr(rt.ValidUntil), microPtr(rt.DeletedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE role_trusts
		SET trust_type = $3, mode = $4, trusted_user_id = $5, trusted_group_id = $6, trusted_oidc_issuer_id = $7,
			claim_conditions = $8, conditions = $9, valid_until = $10, updated_at = $11, deleted_at = $12
		WHERE org_id = $1 AND id = $2`,
		rt.OrgID, rt.ID, rt.Type, rt.Mode, rt.TrustedUserID, rt.TrustedGroupID, rt.TrustedOIDCIssuerID,
		claimsText(rt.ClaimConditions), encodeConditions(rt.Conditions), nullMicros(rt.ValidUntil),
		rt.UpdatedAt.UnixMicro(), nullMicros(rt.DeletedAt)))
	return changedOne(op, n, err, nil, "Role trust not found.")
}

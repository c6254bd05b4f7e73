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

const sessionColumns = "s.id, s.org_id, s.role_id, s.trust_id, s.user_id, s.parent_id, s.name, s.secret_hash, s.auth_method, " +
	"s.source_ip, s.conditions_met, s.session_policy, s.session_policies, s.narrowing, s.created_by, s.created_at, s.expires_at, s.terminated_at"

func scanSession(sc scanner) (*keyward.RoleSession, error) {
	var (
		s                keyward.RoleSession
		met              string
		pol              sql.NullString
		named, narrowing string
		created, expires int64
		terminated       sql.NullInt64
	)
	if err := sc.Scan(&s.ID, &s.OrgID, &s.RoleID, &s.TrustID, &s.UserID, &s.ParentID, &s.Name, &s.SecretHash, &s.AuthMethod,
		&s.SourceIP, &met, &pol, &named, &narrowing, &s.CreatedBy, &created, &expires, &terminated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(met), &s.ConditionsMet); err != nil {
		return nil, fmt.Errorf("session %s conditions met: %w", s.ID, err)
	}
	var err error
	if s.Policies, err = fromSessionDocuments(named); err != nil {
		return nil, fmt.Errorf("session %s session policies: %w", s.ID, err)
	}
	if s.Narrowing, err = fromNarrowing(narrowing); err != nil {
		return nil, fmt.Errorf("session %s narrowing: %w", s.ID, err)
	}
	s.Policy = fromNullJSON(pol)
	s.CreatedAt, s.ExpiresAt, s.TerminatedAt = fromMicros(created), fromMicros(expires), fromNullMicros(terminated)
	return &s, nil
}

// CreateRoleSession inserts s, giving it an ID and a creation time if it
// has none. Its role must exist in its organization.
func (t *tx) CreateRoleSession(ctx context.Context, s *keyward.RoleSession) error {
	const op = "sqlstore.CreateRoleSession"
	t.touch(s.OrgID, changeNone, "")
	setID(&s.ID, t.now)
	if s.CreatedAt.IsZero() {
		s.CreatedAt = t.now
	}
	s.CreatedAt, s.ExpiresAt, s.TerminatedAt = micro(s.CreatedAt), micro(s.ExpiresAt), microPtr(s.TerminatedAt)
	if s.ConditionsMet == nil {
		s.ConditionsMet = []string{}
	}
	met, _ := json.Marshal(s.ConditionsMet) // strings always marshal
	hash := s.SecretHash
	if hash == nil {
		hash = []byte{}
	}
	named, err := json.Marshal(toSessionDocuments(s.Policies))
	if err != nil {
		return fmt.Errorf("%s: session policies: %w", op, err)
	}
	narrowing, err := json.Marshal(toNarrowing(s.Narrowing))
	if err != nil {
		return fmt.Errorf("%s: narrowing: %w", op, err)
	}
	_, err = t.execChecked(ctx, `INSERT INTO role_sessions
		(id, org_id, role_id, trust_id, user_id, parent_id, name, secret_hash, auth_method, source_ip,
		 conditions_met, session_policy, session_policies, narrowing, created_by, created_at, expires_at, terminated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		s.ID, s.OrgID, s.RoleID, s.TrustID, s.UserID, s.ParentID, s.Name, hash, s.AuthMethod, s.SourceIP,
		string(met), nullJSON(s.Policy), string(named), string(narrowing), s.CreatedBy, s.CreatedAt.UnixMicro(), s.ExpiresAt.UnixMicro(),
		nullMicros(s.TerminatedAt))
	return dbError(op, err, errNoRole)
}

// GetRoleSession finds a session by ID in any organization.
func (t *tx) GetRoleSession(ctx context.Context, id keyward.RoleSessionID) (*keyward.RoleSession, error) {
	const op = "sqlstore.GetRoleSession"
	s, err := scanSession(t.tx.QueryRowContext(ctx, "SELECT "+sessionColumns+" FROM role_sessions s WHERE s.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Session not found.")
	}
	return s, dbError(op, err, nil)
}

// ListRoleSessions lists the sessions of org that match f, newest first.
func (t *tx) ListRoleSessions(ctx context.Context, org keyward.OrgID, f keyward.SessionFilter) ([]*keyward.RoleSession, keyward.PageInfo, error) {
	var w where
	w.add("s.org_id = %s", org)
	eq(&w, "s.user_id", f.UserID)
	eq(&w, "s.role_id", f.RoleID)
	if !f.LiveAt.IsZero() {
		// A session is over when it expired or was terminated, and also
		// when the trust it came through expired: its token no longer
		// authenticates, so it is not listed as live.
		live := f.LiveAt.UnixMicro()
		w.add(`s.terminated_at IS NULL AND s.expires_at > %s AND NOT EXISTS (SELECT 1 FROM role_trusts tr
			WHERE tr.org_id = s.org_id AND tr.id = s.trust_id AND tr.valid_until IS NOT NULL AND tr.valid_until <= %s)`, live, live)
	}
	return list(ctx, t, listing{
		op:   "sqlstore.ListRoleSessions",
		cols: sessionColumns,
		from: "FROM role_sessions s " + w.String(),
		args: w.args,
		key:  "s.id",
		desc: true,
	}, f.Page, scanSession, func(s *keyward.RoleSession) string { return string(s.ID) })
}

// CountRoleSessions counts the sessions of role live at time at.
func (t *tx) CountRoleSessions(ctx context.Context, org keyward.OrgID, role keyward.RoleID, at time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM role_sessions
		WHERE org_id = $1 AND role_id = $2 AND terminated_at IS NULL AND expires_at > $3`, org, role, at.UnixMicro()).Scan(&n)
	return n, dbError("sqlstore.CountRoleSessions", err, nil)
}

// EndRoleSessions terminates the live sessions made through trust, or of
// role when trust is empty, and the sessions chained from them.
func (t *tx) EndRoleSessions(ctx context.Context, org keyward.OrgID, role keyward.RoleID, trust keyward.RoleTrustID, at time.Time) (int, error) {
	if trust != "" {
		return t.endSessions(ctx, "sqlstore.EndRoleSessions", org, at, "s.trust_id = $3", trust)
	}
	return t.endSessions(ctx, "sqlstore.EndRoleSessions", org, at, "s.role_id = $3", role)
}

// EndUserRoleSessions terminates the live sessions user assumed in org and
// the sessions chained from them.
func (t *tx) EndUserRoleSessions(ctx context.Context, org keyward.OrgID, user keyward.UserID, at time.Time) (int, error) {
	return t.endSessions(ctx, "sqlstore.EndUserRoleSessions", org, at, "s.user_id = $3", user)
}

// EndGroupRoleSessions terminates the live sessions made through a trust
// of group (only user's when user is not empty) and the sessions chained
// from them.
func (t *tx) EndGroupRoleSessions(ctx context.Context, org keyward.OrgID, group keyward.GroupID, user keyward.UserID, at time.Time) (int, error) {
	cond := "s.trust_id IN (SELECT tr.id FROM role_trusts tr WHERE tr.org_id = $1 AND tr.trusted_group_id = $3)"
	if user == "" {
		return t.endSessions(ctx, "sqlstore.EndGroupRoleSessions", org, at, cond, group)
	}
	return t.endSessions(ctx, "sqlstore.EndGroupRoleSessions", org, at, cond+" AND s.user_id = $4", group, user)
}

// EndIssuerRoleSessions terminates the live sessions made through a trust
// of the OIDC issuer and the sessions chained from them.
func (t *tx) EndIssuerRoleSessions(ctx context.Context, org keyward.OrgID, issuer keyward.OIDCIssuerID, at time.Time) (int, error) {
	return t.endSessions(ctx, "sqlstore.EndIssuerRoleSessions", org, at,
		"s.trust_id IN (SELECT tr.id FROM role_trusts tr WHERE tr.org_id = $1 AND tr.trusted_oidc_issuer_id = $3)", issuer)
}

// endSessions terminates at time at the live sessions of org that match
// cond, a condition on role_sessions s whose arguments are $3 on, and
// those chained from any session that matches, ended or not: a chained
// session never outlives its parent. It returns how many it ended.
func (t *tx) endSessions(ctx context.Context, op string, org keyward.OrgID, at time.Time, cond string, args ...any) (int, error) {
	t.touch(org, changeNone, "")
	n, err := affected(t.execChecked(ctx, `WITH RECURSIVE ended (id) AS (
			SELECT s.id FROM role_sessions s WHERE s.org_id = $1 AND `+cond+`
			UNION
			SELECT c.id FROM role_sessions c JOIN ended e ON c.parent_id = e.id WHERE c.org_id = $1)
		UPDATE role_sessions SET terminated_at = $2
		WHERE org_id = $1 AND id IN (SELECT id FROM ended) AND terminated_at IS NULL AND expires_at > $2`,
		append([]any{org, micro(at).UnixMicro()}, args...)...))
	return int(n), dbError(op, err, nil)
}

// TerminateRoleSession sets the session's TerminatedAt if it is not set
// yet, and ends the sessions chained from it.
func (t *tx) TerminateRoleSession(ctx context.Context, org keyward.OrgID, id keyward.RoleSessionID, at time.Time) error {
	const op = "sqlstore.TerminateRoleSession"
	t.touch(org, changeNone, "")
	var n int
	if err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM role_sessions WHERE org_id = $1 AND id = $2", org, id).Scan(&n); err != nil {
		return dbError(op, err, nil)
	}
	if n == 0 {
		return notFound(op, "Session not found.")
	}
	_, err := t.execChecked(ctx, "UPDATE role_sessions SET terminated_at = $3 WHERE org_id = $1 AND id = $2 AND terminated_at IS NULL",
		org, id, micro(at).UnixMicro())
	if err != nil {
		return dbError(op, err, nil)
	}
	_, err = t.endSessions(ctx, op, org, at, "s.parent_id = $3", id)
	return err
}

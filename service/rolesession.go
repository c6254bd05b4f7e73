package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// Role session tokens are kwr_<session id>_<secret>: URL-path safe (the
// session is addressed by its token in Vultr's paths) and never equal to
// the literal segments "assume" and "users". Only the SHA-256 of the
// secret is stored. This file is the one place that makes and reads them.

// newRoleSessionToken returns the token of session id, with its secret's
// SHA-256.
func newRoleSessionToken(id keyward.RoleSessionID) (token string, hash []byte) {
	secret, hash := credential.NewSecret()
	return keyward.SessionTokenPrefix + string(id) + "_" + secret, hash
}

// parseRoleSessionToken splits kwr_<id>_<secret> (see credential.Cut) into its
// session id and the SHA-256 of its secret.
func parseRoleSessionToken(token string) (keyward.RoleSessionID, [32]byte, bool) {
	id, secret, ok := credential.Cut(token, keyward.SessionTokenPrefix)
	if !ok {
		return "", [32]byte{}, false
	}
	return keyward.RoleSessionID(id), sha256.Sum256([]byte(secret)), true
}

// IsRoleSessionToken reports whether token has the form of a role session
// token (it may still be unknown or dead).
func IsRoleSessionToken(token string) bool {
	_, _, ok := parseRoleSessionToken(token)
	return ok
}

// errDeadSession is the one answer for a session token that does not work.
func errDeadSession() error {
	return keyward.Errorf(keyward.CodeUnauthenticated, "Invalid, expired or terminated session token.")
}

// roleSessionOf finds the session of token in any organization and checks
// the secret; a malformed, unknown or mismatched token is errDeadSession.
func roleSessionOf(ctx context.Context, tx keyward.Tx, token string) (*keyward.RoleSession, error) {
	id, sum, ok := parseRoleSessionToken(token)
	if !ok {
		return nil, errDeadSession()
	}
	sess, err := tx.GetRoleSession(ctx, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, errDeadSession()
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(sum[:], sess.SecretHash) != 1 {
		return nil, errDeadSession()
	}
	return sess, nil
}

// sessionEnded says why a stored session may no longer act at time now, or
// "" if it may: terminated or expired; its role deleted or no longer
// assumable; its trust deleted, expired, or changed in any way since the
// session began; its member suspended or removed, or no longer admitted by
// the trust (see trustAdmits); its parent session ended. The changes that
// end a session also terminate it in their transaction; this check is what
// makes a path that forgets to still end it.
func sessionEnded(ctx context.Context, tx keyward.Tx, sess *keyward.RoleSession, now time.Time, depth int) (string, *keyward.User, error) {
	if !sess.Live(now) {
		return "the session has expired or was terminated", nil, nil
	}
	r, err := tx.GetRole(ctx, sess.OrgID, sess.RoleID)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return "the session's role was deleted", nil, nil
	} else if err != nil {
		return "", nil, err
	}
	if r.DeletedAt != nil || r.Type != keyward.RoleAssumable {
		return "the session's role was deleted or is no longer assumable", nil, nil
	}
	t, err := tx.GetRoleTrust(ctx, sess.OrgID, sess.TrustID)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return "the session's trust was removed", nil, nil
	} else if err != nil {
		return "", nil, err
	}
	if !t.Live(now) {
		return "the session's trust was removed or has expired", nil, nil
	}
	// A session was granted under the trust's terms as they were then.
	if t.UpdatedAt.After(sess.CreatedAt) {
		return "the session's trust was changed after the session began", nil, nil
	}
	var u *keyward.User
	if sess.UserID != "" {
		u, err = tx.GetUser(ctx, sess.OrgID, sess.UserID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return "the member who assumed the role was removed", nil, nil
		} else if err != nil {
			return "", nil, err
		}
		if u.Status != keyward.StatusActive {
			return "the member who assumed the role is suspended", nil, nil
		}
	}
	if why, err := trustAdmits(ctx, tx, t, sess); why != "" || err != nil {
		return why, nil, err
	}
	if sess.ParentID != "" {
		parent, err := tx.GetRoleSession(ctx, sess.ParentID)
		if err != nil {
			return "", nil, err
		}
		if depth > 10 {
			return "the session chain is too long", nil, nil
		}
		if why, _, err := sessionEnded(ctx, tx, parent, now, depth+1); why != "" || err != nil {
			return "the session that assumed this one has ended", nil, err
		}
	}
	return "", u, nil
}

// trustAdmits says why trust t no longer admits the member of sess, or ""
// if it does: a user trust must name the member, a group trust must have
// it among the group's members (a deleted group has none), and an issuer
// trust's issuer must still be registered (the token it verified cannot be
// checked again).
func trustAdmits(ctx context.Context, tx keyward.Tx, t *keyward.RoleTrust, sess *keyward.RoleSession) (string, error) {
	switch {
	case t.TrustedOIDCIssuerID != "":
		_, err := tx.GetOIDCIssuer(ctx, sess.OrgID, keyward.OIDCIssuerID(t.TrustedOIDCIssuerID))
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return "the OIDC issuer the session's trust names was removed", nil
		}
		return "", err
	case t.TrustedUserID != "" && t.TrustedUserID != sess.UserID:
		return "the session's trust does not name the member who assumed the role", nil
	case t.TrustedGroupID != "":
		in := false
		if sess.UserID != "" {
			var err error
			if in, err = tx.IsGroupMember(ctx, sess.OrgID, t.TrustedGroupID, sess.UserID); err != nil {
				return "", err
			}
		}
		if !in {
			return "the member who assumed the role is no longer in the trusted group", nil
		}
	}
	return "", nil
}

// sessionChain returns the actor chain of sess: its member, then each
// session from the first of the chain to sess.
func sessionChain(ctx context.Context, tx keyward.Tx, sess *keyward.RoleSession) ([]string, error) {
	chain := []string{"session:" + string(sess.ID)}
	for cur := sess; cur.ParentID != "" && len(chain) < 12; {
		parent, err := tx.GetRoleSession(ctx, cur.ParentID)
		if err != nil {
			return nil, err
		}
		chain = append([]string{"session:" + string(parent.ID)}, chain...)
		cur = parent
	}
	if sess.UserID != "" {
		chain = append([]string{"user:" + string(sess.UserID)}, chain...)
	}
	return chain, nil
}

// authenticateRoleSession resolves a role session token to its principal,
// which acts as the session's role. Everything that ends a session is
// checked on every request (see sessionEnded), so a terminated session,
// a removed trust or a suspended member stops working at once.
func (s *Service) authenticateRoleSession(ctx context.Context, token string) (*keyward.Principal, error) {
	reqID, ip := keyward.RequestFromContext(ctx)
	var p *keyward.Principal
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		sess, err := roleSessionOf(ctx, tx, token)
		if err != nil {
			return err
		}
		why, u, err := sessionEnded(ctx, tx, sess, s.now(), 0)
		if err != nil {
			return err
		}
		if why != "" {
			return keyward.Errorf(keyward.CodeUnauthenticated, "The session token no longer works: %s.", why)
		}
		org, err := tx.GetOrganization(ctx, sess.OrgID)
		if err != nil {
			return err
		}
		if err := checkOrgOpen(org, errDeadSession()); err != nil {
			return err
		}
		s.engine().Notice(org.ID, org.Revision)
		chain, err := sessionChain(ctx, tx, sess)
		if err != nil {
			return err
		}
		// A session is never the root owner, whoever assumed it: it acts
		// as its role and nothing more.
		kind := keyward.KindNormal
		if u != nil && u.Kind() == keyward.KindService {
			kind = keyward.KindService
		}
		p = &keyward.Principal{OrgID: sess.OrgID, UserID: sess.UserID, Kind: kind, RequestID: reqID, SourceIP: ip, ExpiresAt: &sess.ExpiresAt,
			Session: &keyward.SessionPrincipal{ID: sess.ID, RoleID: sess.RoleID, TrustID: sess.TrustID, Policy: sess.Policy,
				ExpiresAt: sess.ExpiresAt, Chain: chain, Policies: sess.Policies, Narrowing: sess.Narrowing}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// SessionDetail is a role session as the API shows it. Token is set only
// when the session is created or read by its token.
type SessionDetail struct {
	keyward.RoleSession
	Role  *keyward.Role
	Token string
}

// RemainingSeconds is what is left of the session at now, 0 once it has
// ended.
func (d *SessionDetail) RemainingSeconds(now time.Time) int {
	if !d.Live(now) {
		return 0
	}
	return int(d.ExpiresAt.Sub(now) / time.Second)
}

type roleSessionView struct {
	ID            keyward.RoleSessionID `json:"id"`
	RoleID        keyward.RoleID        `json:"role_id"`
	TrustID       keyward.RoleTrustID   `json:"trust_id"`
	UserID        keyward.UserID        `json:"user_id"`
	ParentID      keyward.RoleSessionID `json:"parent_id,omitempty"`
	Name          string                `json:"session_name"`
	AuthMethod    string                `json:"auth_method"`
	SourceIP      string                `json:"source_ip"`
	ConditionsMet []string              `json:"conditions_met"`
	Policy        json.RawMessage       `json:"session_policy,omitempty"`
	ExpiresAt     time.Time             `json:"expires_at"`
	TerminatedAt  *time.Time            `json:"terminated_at,omitempty"`
	// Carried names the source of each narrowing layer the session
	// carries, and Named the policies named as session policies; the
	// documents are in the session itself.
	Carried []string           `json:"carried_narrowing,omitempty"`
	Named   []keyward.PolicyID `json:"session_policy_ids,omitempty"`
}

func viewRoleSession(s *keyward.RoleSession) roleSessionView {
	var carried []string
	for _, l := range s.Narrowing {
		carried = append(carried, l.Source)
	}
	var named []keyward.PolicyID
	for _, d := range s.Policies {
		named = append(named, d.PolicyID)
	}
	return roleSessionView{s.ID, s.RoleID, s.TrustID, s.UserID, s.ParentID, s.Name, s.AuthMethod, s.SourceIP,
		s.ConditionsMet, s.Policy, s.ExpiresAt, s.TerminatedAt, carried, named}
}

// SessionRequest asks for a role session once the caller is known to be
// trusted: AssumeRole builds it for a member, web identity federation for
// a verified external token (with the trust it matched).
type SessionRequest struct {
	Org   keyward.OrgID
	Role  keyward.RoleID
	Trust *keyward.RoleTrust // the trust that allows the session
	// User is the member who assumes the role; empty for a federated
	// session, whose principal is the role itself.
	User       keyward.UserID
	Name       string
	Duration   int    // seconds; 0: the default, 3600 or the role's maximum if lower
	SourceIP   string // the address the trust's ip_address condition is checked against
	Policy     json.RawMessage
	AuthMethod string // api_key, session, jwt or oidc
	// Actor is who asked, for the audit event; nil for a web identity,
	// which is recorded as the system.
	Actor *keyward.Principal
	// ConditionsMet adds conditions the caller verified (such as "sub"
	// claims) to the session's conditions_met.
	ConditionsMet []string
	// Policies name policies of Org that make the session policy together
	// with Policy: one layer, their union (see sessionPolicies).
	Policies []PolicyRef
}

// StartSession checks req against the role and the trust and starts the
// session in one transaction with its audit event. It returns the session
// with its token, which is never stored. See startSession for the checks.
func (s *Service) StartSession(ctx context.Context, req SessionRequest) (*SessionDetail, error) {
	var d *SessionDetail
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		d, err = s.startSession(ctx, tx, req)
		return err
	})
	return d, err
}

// startSession refuses, with an error that says why: a role that is not
// live and assumable (CodeConflict on role_id); a duration outside
// [900, the role's max_session_duration] (CodeInvalid on duration); an
// expired or deleted trust, one changed since the caller matched it, or
// one whose conditions do not hold at the transaction's time from
// req.SourceIP (CodePermissionDenied); chaining
// from a session into a role without allow_chaining
// (CodePermissionDenied). A session ends no later than the credential of
// req.Actor (capExpiry): a chained session no later than its parent.
// The session carries the narrowing of req.Actor (carriedNarrowing), so
// that it is never broader than the credential that assumed it.
func (s *Service) startSession(ctx context.Context, tx keyward.Tx, req SessionRequest) (*SessionDetail, error) {
	now := tx.Now()
	name, err := cleanName("session_name", req.Name, false)
	if err != nil {
		return nil, err
	}
	r, err := s.roleOf(ctx, tx, req.Org, req.Role)
	if err != nil || r.DeletedAt != nil {
		return nil, keyward.FieldError("role_id", "No role %s in this organization.", req.Role)
	}
	if r.Type != keyward.RoleAssumable {
		return nil, &keyward.Error{Code: keyward.CodeConflict, Field: "role_id", Message: "Role " + r.Name +
			" is assignable, not assumable: it is granted by assignment, never through a session."}
	}
	dur := req.Duration
	if dur == 0 {
		dur = min(keyward.DefaultMaxSessionSeconds, r.MaxSessionSeconds)
	}
	if dur < keyward.MinSessionSeconds || dur > r.MaxSessionSeconds {
		return nil, keyward.FieldError("duration", "duration is %d seconds; role %s allows sessions of %d to %d seconds.",
			dur, r.Name, keyward.MinSessionSeconds, r.MaxSessionSeconds)
	}
	t := req.Trust
	if t == nil || t.RoleID != r.ID {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "No trust of role %s covers this caller.", r.Name)
	}
	// A web identity matched t before this transaction, while its token
	// was being verified: a trust changed since then may no longer admit
	// what it was matched for.
	cur, err := tx.GetRoleTrust(ctx, req.Org, t.ID)
	if err != nil && keyward.ErrorCode(err) != keyward.CodeNotFound {
		return nil, err
	}
	if err != nil || !cur.UpdatedAt.Equal(t.UpdatedAt) {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "The trust of role %s changed while the session was being started; try again.", r.Name)
	}
	t = cur
	if t.DeletedAt != nil {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "The trust of role %s was removed.", r.Name)
	}
	if !t.Live(now) {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "The trust of role %s expired at %s.", r.Name, t.ValidUntil.Format(time.RFC3339))
	}
	met, err := t.Conditions.Check(now, parseIP(req.SourceIP))
	if err != nil {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "A condition of the trust of role %s is not met: %v.", r.Name, err)
	}
	met = append(met, req.ConditionsMet...)
	var pol json.RawMessage
	if len(req.Policy) > 0 && string(req.Policy) != "null" {
		if pol, err = s.parseDocument(req.Policy); err != nil {
			var e *keyward.Error
			if errors.As(err, &e) {
				e.Field = "session_policy" + strings.TrimPrefix(e.Field, "policy_document")
				e.Message = strings.Replace(e.Message, "policy_document", "session_policy", 1)
			}
			return nil, err
		}
	}
	named, err := s.sessionPolicies(ctx, tx, req.Org, req.Policies)
	if err != nil {
		return nil, err
	}
	expires := now.Add(time.Duration(dur) * time.Second)
	sess := &keyward.RoleSession{
		ID: keyward.RoleSessionID(keyward.NewID(now)), OrgID: req.Org, RoleID: r.ID, TrustID: t.ID, UserID: req.User,
		Name: name, AuthMethod: req.AuthMethod, SourceIP: req.SourceIP, ConditionsMet: met, Policy: pol, Policies: named,
		CreatedAt: now, ExpiresAt: expires,
	}
	if a := req.Actor; a != nil {
		sess.CreatedBy = a.UserID
		if a.Session != nil {
			if !r.AllowChaining {
				return nil, keyward.Errorf(keyward.CodePermissionDenied,
					"Role %s does not allow chaining: a role session cannot assume it. Set allow_chaining on the role to permit it.", r.Name)
			}
			sess.ParentID = a.Session.ID
		}
		sess.ExpiresAt = *capExpiry(a, &sess.ExpiresAt)
		sess.Narrowing = carriedNarrowing(a)
	}
	token, hash := newRoleSessionToken(sess.ID)
	sess.SecretHash = hash
	if err := tx.CreateRoleSession(ctx, sess); err != nil {
		return nil, err
	}
	if _, err := s.commit(ctx, tx, req.Actor, req.Org, change{
		Action: "iam.role.AssumeRole", TargetType: "role_session", TargetID: string(sess.ID), After: viewRoleSession(sess),
	}); err != nil {
		return nil, err
	}
	return &SessionDetail{RoleSession: *sess, Role: r, Token: token}, nil
}

package service

import (
	"context"
	"encoding/json"
	"net/netip"

	"github.com/keyward-iam/keyward"
)

// AssumeInput is Vultr's RoleSessionReq with keyward's inline session
// policy.
type AssumeInput struct {
	UserID      keyward.UserID // "" or the caller: the caller itself
	RoleID      keyward.RoleID
	SessionName string
	Duration    int // seconds; 0: 3600, or the role's maximum if lower
	// SourceIP is Vultr's context.ip_address. It is only believed from a
	// caller that assumes for another user (a broker allowed
	// iam.role.AssumeRole); otherwise the trust's ip_address condition is
	// checked against the request's own source address.
	SourceIP      string
	SessionPolicy json.RawMessage
	// SessionPolicies are policies of the organization that make the
	// session policy together with SessionPolicy (AWS STS's PolicyArns).
	SessionPolicies []PolicyRef
}

// AssumeRole starts a session of an assumable role for a user: the caller
// itself, whom a trust of the role must cover (directly or through one of
// its groups), or another member, which needs iam.role.AssumeRole on the
// role besides the trust covering that member. A caller that is itself a
// role session chains (see startSession). The token in the result is
// returned once and never stored.
func (s *Service) AssumeRole(ctx context.Context, in AssumeInput) (*SessionDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	// Assuming for oneself is decided by the trust, not the engine; a
	// session that must enroll a second factor first derives nothing.
	if err := mfaGate(p, "iam.role.AssumeRole"); err != nil {
		return nil, err
	}
	if in.UserID == "" {
		in.UserID = p.UserID
	}
	if err := checkID("user_id", string(in.UserID)); err != nil {
		return nil, err
	}
	if err := checkID("role_id", string(in.RoleID)); err != nil {
		return nil, err
	}
	ip, method := p.SourceIP, "api_key"
	if p.Session != nil {
		method = "session"
	}
	if in.UserID != p.UserID {
		if err := s.authorize(ctx, p, "iam.role.AssumeRole", string(in.RoleID)); err != nil {
			return nil, err
		}
		// The broker holds the new session's token: it hands the role to
		// itself as much as to the member, so it needs the right to.
		if err := s.checkGrant(ctx, p, grant{kind: grantRole, id: string(in.RoleID), to: keyward.PrincipalUser}); err != nil {
			return nil, err
		}
		if in.SourceIP != "" {
			ip = in.SourceIP
		}
	}
	var d *SessionDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := userOf(ctx, tx, p.OrgID, in.UserID)
		if err != nil {
			return err
		}
		if u.Status != keyward.StatusActive {
			return keyward.Errorf(keyward.CodePermissionDenied, "User %s is suspended and cannot assume roles.", in.UserID)
		}
		r, err := s.roleOf(ctx, tx, p.OrgID, in.RoleID)
		if err != nil {
			return err
		}
		if r.DeletedAt != nil {
			return notFound("Role")
		}
		t, err := s.matchTrust(ctx, tx, p.OrgID, r, in.UserID, ip)
		if err != nil {
			return err
		}
		d, err = s.startSession(ctx, tx, SessionRequest{
			Org: p.OrgID, Role: r.ID, Trust: t, User: in.UserID, Name: in.SessionName, Duration: in.Duration,
			SourceIP: ip, Policy: in.SessionPolicy, Policies: in.SessionPolicies, AuthMethod: method, Actor: p,
		})
		return err
	})
	return d, err
}

// matchTrust returns the trust of role r that lets user assume it now from
// ip: a live trust of the user or of one of its groups whose conditions
// hold. When trusts cover the user but none holds, it returns the first,
// so that startSession says what failed; when none covers the user, it
// is CodePermissionDenied.
func (s *Service) matchTrust(ctx context.Context, tx keyward.Tx, org keyward.OrgID, r *keyward.Role, user keyward.UserID, ip string) (*keyward.RoleTrust, error) {
	if r.Type != keyward.RoleAssumable {
		return nil, &keyward.Error{Code: keyward.CodeConflict, Field: "role_id", Message: "Role " + r.Name +
			" is assignable, not assumable: it is granted by assignment, never through a session."}
	}
	var first *keyward.RoleTrust
	f := keyward.TrustFilter{RoleID: r.ID, User: user, Page: keyward.Page{Limit: 100}}
	for {
		ts, info, err := tx.ListRoleTrusts(ctx, org, f)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if first == nil {
				first = t
			}
			if !t.Live(tx.Now()) {
				continue
			}
			if _, err := t.Conditions.Check(tx.Now(), parseIP(ip)); err == nil {
				return t, nil
			}
		}
		if info.Next == "" {
			break
		}
		f.Page.Cursor = info.Next
	}
	if first == nil {
		return nil, keyward.Errorf(keyward.CodePermissionDenied,
			"No trust of role %s covers user %s, directly or through a group: ask an administrator for a role trust.", r.Name, user)
	}
	return first, nil
}

// sessionByToken returns the session of token if it is of p's
// organization, after authorizing action on it. The member who assumed a
// session, and the session itself, need no grant.
func (s *Service) sessionByToken(ctx context.Context, tx keyward.Tx, p *keyward.Principal, token, action string) (*keyward.RoleSession, error) {
	sess, err := roleSessionOf(ctx, tx, token)
	if keyward.ErrorCode(err) == keyward.CodeUnauthenticated {
		return nil, notFound("Session")
	}
	return s.sessionFor(ctx, p, sess, err, action)
}

// sessionByID is sessionByToken for a session named by its id, which
// listings show (keyward keeps no token).
func (s *Service) sessionByID(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.RoleSessionID, action string) (*keyward.RoleSession, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Session")
	}
	sess, err := tx.GetRoleSession(ctx, id)
	return s.sessionFor(ctx, p, sess, err, action)
}

// sessionFor returns sess, found with err, if it is of p's organization
// and p may perform action on it: the member who assumed it and the
// session itself need no grant.
func (s *Service) sessionFor(ctx context.Context, p *keyward.Principal, sess *keyward.RoleSession, err error, action string) (*keyward.RoleSession, error) {
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && sess.OrgID != p.OrgID {
		return nil, notFound("Session")
	}
	if err != nil {
		return nil, err
	}
	self := p.Session == nil && sess.UserID == p.UserID || p.Session != nil && p.Session.ID == sess.ID
	if !self {
		if err := s.authorize(ctx, p, action, string(sess.ID)); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

// GetRoleSession returns the session of token, live or not, with its
// remaining duration (0 once it has ended).
func (s *Service) GetRoleSession(ctx context.Context, token string) (*SessionDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *SessionDetail
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		sess, err := s.sessionByToken(ctx, tx, p, token, "iam.assumedrole.Read")
		if err != nil {
			return err
		}
		r, err := s.roleOf(ctx, tx, p.OrgID, sess.RoleID)
		if err != nil {
			return err
		}
		// A session that its trust, role or member has ended reads as
		// ended.
		if why, _, err := sessionEnded(ctx, tx, sess, s.now(), 0); err != nil {
			return err
		} else if why != "" && sess.TerminatedAt == nil && sess.Live(s.now()) {
			now := s.now()
			sess.TerminatedAt = &now
		}
		d = &SessionDetail{RoleSession: *sess, Role: r, Token: token}
		return nil
	})
	return d, err
}

// ListRoleSessions lists the live sessions of a user (f.UserID) or of a
// role (f.RoleID) of the caller's organization, newest first. A member
// may list its own without iam.assumedrole.List.
func (s *Service) ListRoleSessions(ctx context.Context, f keyward.SessionFilter) ([]*SessionDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	var out []*SessionDetail
	var info keyward.PageInfo
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		resource := string(f.RoleID)
		if f.UserID != "" {
			if _, err := userOf(ctx, tx, p.OrgID, f.UserID); err != nil {
				return err
			}
			resource = string(f.UserID)
		} else if r, err := s.roleOf(ctx, tx, p.OrgID, f.RoleID); err != nil {
			return err
		} else if r.DeletedAt != nil {
			return notFound("Role")
		}
		if p.Session != nil || f.UserID != p.UserID {
			if err := s.authorize(ctx, p, "iam.assumedrole.List", resource); err != nil {
				return err
			}
		}
		f.LiveAt = s.now()
		ss, i, err := tx.ListRoleSessions(ctx, p.OrgID, f)
		if err != nil {
			return err
		}
		out, info = make([]*SessionDetail, 0, len(ss)), i
		roles := map[keyward.RoleID]*keyward.Role{}
		for _, sess := range ss {
			r := roles[sess.RoleID]
			if r == nil {
				if r, err = s.roleOf(ctx, tx, p.OrgID, sess.RoleID); err != nil {
					return err
				}
				roles[sess.RoleID] = r
			}
			out = append(out, &SessionDetail{RoleSession: *sess, Role: r})
		}
		return nil
	})
	return out, info, err
}

// TerminateRoleSession ends the session of token at once: its token stops
// working, and so do the sessions chained from it. Terminating an ended
// session changes nothing.
func (s *Service) TerminateRoleSession(ctx context.Context, token string) error {
	return s.terminateRoleSession(ctx, func(ctx context.Context, tx keyward.Tx, p *keyward.Principal) (*keyward.RoleSession, error) {
		return s.sessionByToken(ctx, tx, p, token, "iam.assumedrole.Delete")
	})
}

// TerminateRoleSessionByID is TerminateRoleSession for the session id, as
// a listing shows it: the console ends a member's session from its list,
// since the token was shown once and is kept nowhere.
func (s *Service) TerminateRoleSessionByID(ctx context.Context, id keyward.RoleSessionID) error {
	return s.terminateRoleSession(ctx, func(ctx context.Context, tx keyward.Tx, p *keyward.Principal) (*keyward.RoleSession, error) {
		return s.sessionByID(ctx, tx, p, id, "iam.assumedrole.Delete")
	})
}

// terminateRoleSession ends the session find returns, in one transaction
// with its audit event.
func (s *Service) terminateRoleSession(ctx context.Context, find func(context.Context, keyward.Tx, *keyward.Principal) (*keyward.RoleSession, error)) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		sess, err := find(ctx, tx, p)
		if err != nil {
			return err
		}
		if sess.TerminatedAt != nil {
			return nil
		}
		before := viewRoleSession(sess)
		if err := tx.TerminateRoleSession(ctx, p.OrgID, sess.ID, tx.Now()); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.assumedrole.Delete", TargetType: "role_session", TargetID: string(sess.ID), Before: before,
		})
		return err
	})
}

// parseIP reads an address, invalid (which meets no ip_address condition)
// when s is not one.
func parseIP(s string) netip.Addr {
	ip, _ := netip.ParseAddr(s)
	return ip.Unmap()
}

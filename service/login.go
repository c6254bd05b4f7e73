package service

import (
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// LoginInput is the body of a password login. OrgID empty logs in to the
// account's first organization in which it is an active member. MFA is
// the second factor, which an account with an active authenticator must
// present and any other account need not.
type LoginInput struct {
	Email    string
	Password string
	OrgID    keyward.OrgID
	MFA      SecondFactor
}

type loginSessionView struct {
	ID        keyward.LoginSessionID `json:"id"`
	UserID    keyward.UserID         `json:"user_id"`
	ExpiresAt time.Time              `json:"expires_at"`
	MFA       bool                   `json:"mfa"`
}

func viewSession(ls *keyward.LoginSession) loginSessionView {
	return loginSessionView{ls.ID, ls.UserID, ls.ExpiresAt, ls.MFAAt != nil}
}

// errBadLogin is the one answer for a login that fails on its email,
// password, account or organization, so a caller learns nothing about
// which part was wrong.
func errBadLogin() error {
	return keyward.Errorf(keyward.CodeUnauthenticated, "Invalid email, password or organization.")
}

// parseSessionToken splits kws_<id>_<secret> into its session id and
// secret (see credential.Cut).
func parseSessionToken(token string) (keyward.LoginSessionID, string, bool) {
	id, secret, ok := credential.Cut(token, keyward.LoginSessionPrefix)
	return keyward.LoginSessionID(id), secret, ok
}

// Login checks an account's email and password and opens a login session
// in one organization (in.OrgID, or the account's first one where it is
// an active member), returning it with its token kws_<id>_<secret>, which
// authenticates like an API key until it expires or is ended.
//
// Every wrong email, password, organization or suspended membership is the
// same CodeUnauthenticated. Each check first reserves a token of the
// LoginLimits budgets (the account's from the source address, the
// account's own, the address's), and gives it back when the password was
// right: a check finding one spent gets CodeRateLimited, whose Detail is
// the time.Duration to wait, before anything is hashed. Failed and
// successful logins are audit events of the organization.
//
// An account with an active TOTP authenticator also presents in.MFA: the
// right password without it is CodeMFARequired (and spends nothing), with
// a wrong, replayed or spent one it is CodeUnauthenticated naming the
// field, a failed check that stays spent like a wrong password. The code
// is spent in the transaction that opens the session, whose MFAAt it
// sets. In an organization that requires MFA, a member without an
// active authenticator gets a session marked MFAEnrollOnly.
func (s *Service) Login(ctx context.Context, in LoginInput) (*keyward.LoginSession, string, error) {
	email := strings.TrimSpace(in.Email)
	if email == "" {
		return nil, "", keyward.FieldError("email", "email is required.")
	}
	if in.Password == "" {
		return nil, "", keyward.FieldError("password", "password is required.")
	}
	if in.OrgID != "" {
		if err := checkID("organization_id", string(in.OrgID)); err != nil {
			return nil, "", err
		}
	}
	factor, err := in.MFA.normal()
	if err != nil {
		return nil, "", err
	}
	_, ip := keyward.RequestFromContext(ctx)
	try, err := s.reservePasswordCheck(email, ip)
	if err != nil {
		return nil, "", err
	}
	var acct *keyward.Account
	var totp *keyward.TOTP
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		if acct, err = tx.GetAccountByEmail(ctx, email); err != nil {
			return err
		}
		totp, err = activeTOTP(ctx, tx, acct.ID)
		return err
	})
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		// Spend as long as a real check, so that timing does not tell
		// which emails have accounts.
		s.hasher.Verify(in.Password, dummyHash)
		return nil, "", errBadLogin()
	}
	if err != nil {
		try.Refund(s.now())
		return nil, "", err
	}
	if _, err := s.chargeAccount(ctx, acct.ID); err != nil {
		try.Refund(s.now())
		return nil, "", err
	}
	hash := acct.PasswordHash
	if acct.Service || hash == "" {
		// No password to match: hash against the dummy all the same, so
		// that timing does not tell an account without one from none.
		hash = dummyHash
	}
	if !s.hasher.Verify(in.Password, hash) || hash == dummyHash {
		if err := s.recordLoginFailure(ctx, acct, in.OrgID, "iam.user.LoginFailed"); err != nil {
			return nil, "", err
		}
		return nil, "", errBadLogin()
	}
	var mfa *loginFactor
	switch {
	case totp != nil && factor.empty():
		err = errMFARequired()
	case totp != nil:
		mfa = &loginFactor{factor: factor}
		mfa.key, err = s.mfaKey(ctx)
	}
	var ls *keyward.LoginSession
	var token string
	if err == nil {
		ls, token, err = s.openSession(ctx, acct, in.OrgID, ip, mfa)
	}
	if errors.Is(err, errWrongSecret) {
		// A wrong second factor is a failed check like a wrong password:
		// it keeps what it spent.
		if rerr := s.recordLoginFailure(ctx, acct, in.OrgID, "iam.user.MFAFailed"); rerr != nil {
			s.log.ErrorContext(ctx, "record a failed MFA check", "error", rerr.Error(), "account", acct.ID)
		}
		return nil, "", err
	}
	// The right password is no guess, whether or not the organization
	// admits the login.
	try.Refund(s.now())
	if err != nil {
		// openSession's transaction, which gives the account's stored
		// token back, did not commit.
		if rerr := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error { return s.refundAccount(ctx, tx, acct.ID) }); rerr != nil {
			s.log.ErrorContext(ctx, "refund a login check", "error", rerr.Error(), "account", acct.ID)
		}
		return nil, "", err
	}
	return ls, token, nil
}

// loginFactor is the second factor a login presents for an account with
// an active authenticator, with the key that opens its seed.
type loginFactor struct {
	factor SecondFactor
	key    cipher.AEAD
}

// errLoginThrottled is the answer to a password check refused by a
// spent budget: one message for every budget, so that it does not tell
// whether the account exists.
func errLoginThrottled(d time.Duration) error {
	return &keyward.Error{Code: keyward.CodeRateLimited, Detail: d,
		Message: "Too many failed password checks; try again in " + max(d.Round(time.Second), time.Second).String() + "."}
}

// reservePasswordCheck reserves, in this server's memory, one password
// check on the account of email from ip (logins.reservePassword), or
// returns errLoginThrottled.
func (s *Service) reservePasswordCheck(email, ip string) (*credential.Attempt, error) {
	try, d := s.logins.reservePassword(email, ip, s.now())
	if try == nil {
		return nil, errLoginThrottled(d)
	}
	return try, nil
}

// chargeAccount takes one token of the account's stored budget
// (LoginLimits.PerAccount an hour, shared by every replica) in its own
// write transaction, whose isolation makes the check and the charge one
// step across replicas. It returns the failures the budget now counts, or
// errLoginThrottled, taking nothing, when the budget is spent.
func (s *Service) chargeAccount(ctx context.Context, id keyward.UserID) (int, error) {
	var n int
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		f, err := tx.GetLoginFailures(ctx, id)
		if err != nil {
			return err
		}
		now := tx.Now()
		if d := s.logins.drain(f, now); d > 0 {
			return errLoginThrottled(d)
		}
		f.Failures++
		s.logins.mark(f, now)
		n = f.Failures
		return tx.PutLoginFailures(ctx, f)
	})
	return n, err
}

// refundAccount gives back, in tx, one token of the account's stored
// budget that chargeAccount took for a password that was right.
func (s *Service) refundAccount(ctx context.Context, tx keyward.Tx, id keyward.UserID) error {
	f, err := tx.GetLoginFailures(ctx, id)
	if err != nil {
		return err
	}
	now := tx.Now()
	s.logins.drain(f, now)
	if f.Failures <= 1 {
		return tx.ClearLoginFailures(ctx, id)
	}
	f.Failures--
	s.logins.mark(f, now)
	return tx.PutLoginFailures(ctx, f)
}

// dummyHash is a well-formed hash no password matches in practice, for
// Login to verify against when the email is unknown.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$7c1zJHmD4S1J0kZp1QmXKq6aVJ0VZk0m3uO2HGbQyZg"

// loginOrg returns the member of acct through which a login to org (or,
// if empty, to its first organization where it is active and that is not
// suspended) goes, or errBadLogin, or errOrgSuspended.
func loginOrg(ctx context.Context, tx keyward.Tx, acct *keyward.Account, org keyward.OrgID) (*keyward.User, error) {
	if org == "" {
		orgs, _, err := tx.ListOrganizationsOf(ctx, acct.ID, keyward.Page{Limit: keyward.MaxPerPage})
		if err != nil {
			return nil, err
		}
		refusal := errBadLogin()
		for _, o := range orgs {
			if o.SuspendedAt != nil {
				refusal = errOrgSuspended()
				continue
			}
			u, err := tx.GetUser(ctx, o.ID, acct.ID)
			if err != nil && keyward.ErrorCode(err) != keyward.CodeNotFound {
				return nil, err // the store's, not a refusal: PostgreSQL aborted the transaction
			}
			if err == nil && u.Status == keyward.StatusActive {
				return u, nil
			}
		}
		return nil, refusal
	}
	o, err := tx.GetOrganization(ctx, org)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, errBadLogin()
	}
	if err != nil {
		return nil, err
	}
	u, err := tx.GetUser(ctx, org, acct.ID)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && u.Status != keyward.StatusActive {
		return nil, errBadLogin()
	}
	if err != nil {
		return nil, err
	}
	// Only to its members is an organization said to be suspended: to
	// anyone else it is one that does not exist.
	if err := checkOrgOpen(o, errBadLogin()); err != nil {
		return nil, err
	}
	return u, nil
}

// recordLoginFailure records a failed login of acct as action (a wrong
// password, iam.user.LoginFailed, or a wrong second factor,
// iam.user.MFAFailed), with the failures its budget counts, in the audit
// trail of the organization the login was for (or the account's first
// one).
func (s *Service) recordLoginFailure(ctx context.Context, acct *keyward.Account, org keyward.OrgID, action string) error {
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		f, err := tx.GetLoginFailures(ctx, acct.ID)
		if err != nil {
			return err
		}
		u, err := loginOrg(ctx, tx, acct, org)
		if c := keyward.ErrorCode(err); err != nil && c != keyward.CodeUnauthenticated && c != keyward.CodePermissionDenied {
			// The store's error, not loginOrg's refusal: on PostgreSQL the
			// transaction is aborted, and write must see why (it runs a
			// serialization failure again).
			return err
		}
		if err != nil {
			// No organization of the account to record it in.
			s.log.WarnContext(ctx, "failed login", "account", acct.ID, "failures", f.Failures, "action", action)
			return nil
		}
		p := &keyward.Principal{OrgID: u.OrgID, UserID: acct.ID, Kind: u.Kind()}
		_, err = s.commit(ctx, tx, p, u.OrgID, change{
			Action: action, TargetType: "user", TargetID: string(acct.ID),
			After: map[string]any{"failures": f.Failures, "throttled": f.Failures >= s.logins.limits.PerAccount},
		})
		return err
	})
}

// openSession creates a login session for acct and gives back the token
// of its stored budget that the login's check took. With mfa, it first
// spends the second factor (spendFactor), in the same transaction, so a
// code opens one session at most.
func (s *Service) openSession(ctx context.Context, acct *keyward.Account, org keyward.OrgID, ip string, mfa *loginFactor) (*keyward.LoginSession, string, error) {
	var ls *keyward.LoginSession
	var token string
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := loginOrg(ctx, tx, acct, org)
		if err != nil {
			return err
		}
		if err := checkPasswordLogin(ctx, tx, u); err != nil {
			return err
		}
		var mfaAt *time.Time
		recovery := false
		if mfa != nil {
			if recovery, err = s.spendFactor(ctx, tx, mfa.key, acct.ID, mfa.factor); err != nil {
				return err
			}
			now := tx.Now()
			mfaAt = &now
		}
		if err := s.refundAccount(ctx, tx, acct.ID); err != nil {
			return err
		}
		ls, token, err = s.createLoginSession(ctx, tx, u, ip, "password", mfaAt)
		if err != nil || !recovery {
			return err
		}
		left, err := tx.ListRecoveryCodes(ctx, acct.ID)
		if err != nil {
			return err
		}
		p := &keyward.Principal{OrgID: u.OrgID, UserID: acct.ID, Kind: u.Kind(), LoginSession: ls.ID, MFAAt: mfaAt}
		err = s.record(ctx, tx, p, u.OrgID, change{Action: "iam.user.UseRecoveryCode", TargetType: "user", TargetID: string(acct.ID),
			After: map[string]any{"recovery_codes_left": len(left)}})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return ls, token, nil
}

// createLoginSession opens a login session of member u inside tx, signed
// in by method (password, sso, saml), and commits its audit event, done by u;
// an sso event names the identity the provider vouched for (issuer and
// subject). It returns the session with its token kws_<id>_<secret>; only
// the secret's SHA-256 is stored.
func (s *Service) createLoginSession(ctx context.Context, tx keyward.Tx, u *keyward.User, ip, method string, mfaAt *time.Time) (*keyward.LoginSession, string, error) {
	secret, hash := credential.NewSecret()
	ls := &keyward.LoginSession{
		ID: keyward.LoginSessionID(keyward.NewID(tx.Now())), OrgID: u.OrgID, UserID: u.Account.ID,
		SecretHash: hash, SourceIP: ip, CreatedAt: tx.Now(), ExpiresAt: tx.Now().Add(s.logins.sessionTTL), MFAAt: mfaAt,
	}
	if err := tx.CreateLoginSession(ctx, ls); err != nil {
		return nil, "", err
	}
	// An organization that requires MFA of its local users lets one without
	// a second factor in only to enroll one; people of an identity provider
	// prove a second factor there.
	if method == "password" && mfaAt == nil && !u.Account.Service {
		var err error
		if ls.MFAEnrollOnly, err = tx.RequireMFA(ctx, u.OrgID); err != nil {
			return nil, "", err
		}
	}
	p := &keyward.Principal{OrgID: u.OrgID, UserID: u.Account.ID, Kind: u.Kind(), LoginSession: ls.ID, MFAAt: mfaAt}
	_, err := s.commit(ctx, tx, p, u.OrgID, change{
		Action: "iam.user.Login", TargetType: "login_session", TargetID: string(ls.ID), After: struct {
			loginSessionView
			Method     string `json:"method"`
			ExternalID string `json:"external_id,omitempty"`
		}{viewSession(ls), method, externalIDOf(u, method)},
	})
	if err != nil {
		return nil, "", err
	}
	return ls, keyward.LoginSessionPrefix + string(ls.ID) + "_" + secret, nil
}

// externalIDOf is u's identity at its provider when it signed in through
// it (method sso, or saml), "" otherwise.
func externalIDOf(u *keyward.User, method string) string {
	if method != "sso" && method != "saml" {
		return ""
	}
	return u.ExternalID
}

// checkPasswordLogin refuses a password login of member u into an
// organization whose people sign in through its identity provider,
// unless u is its root owner, who keeps a password as the way in when
// the provider is down or misconfigured.
func checkPasswordLogin(ctx context.Context, tx keyward.Tx, u *keyward.User) error {
	if u.Owner {
		return nil
	}
	org, err := tx.GetOrganization(ctx, u.OrgID)
	if err != nil {
		return err
	}
	if org.IdentityMode == keyward.IdentityIdP {
		return &keyward.Error{Code: keyward.CodePermissionDenied, Field: "password",
			Message: "The organization's people sign in through its identity provider (GET /v2/auth/sso/" + string(u.OrgID) + "), not with a password."}
	}
	return nil
}

// authenticateSession resolves a login session token, with the same
// checks and the same one answer as an API key.
func (s *Service) authenticateSession(ctx context.Context, token string) (*keyward.Principal, error) {
	id, secret, ok := parseSessionToken(token)
	if !ok {
		return nil, errBadCredential()
	}
	sum := sha256.Sum256([]byte(secret))
	reqID, ip := keyward.RequestFromContext(ctx)
	var p *keyward.Principal
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		ls, err := tx.GetLoginSession(ctx, id)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return errBadCredential()
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(sum[:], ls.SecretHash) != 1 || !s.now().Before(ls.ExpiresAt) {
			return errBadCredential()
		}
		u, err := tx.GetUser(ctx, ls.OrgID, ls.UserID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && u.Status != keyward.StatusActive {
			return errBadCredential()
		}
		if err != nil {
			return err
		}
		org, err := tx.GetOrganization(ctx, ls.OrgID)
		if err != nil {
			return err
		}
		if err := checkOrgOpen(org, errBadCredential()); err != nil {
			return err
		}
		p = &keyward.Principal{OrgID: ls.OrgID, UserID: ls.UserID, Kind: u.Kind(), RequestID: reqID, SourceIP: ip,
			LoginSession: ls.ID, MFAAt: ls.MFAAt, ExpiresAt: &ls.ExpiresAt}
		if ls.MFAAt == nil {
			// Read at every request, so that turning the requirement on
			// reaches the sessions already open.
			if p.MFAEnrollOnly, err = tx.RequireMFA(ctx, org.ID); err != nil {
				return err
			}
		}
		s.engine().Notice(org.ID, org.Revision)
		return nil
	})
	return p, err
}

// Logout ends the login session whose token the caller authenticated with.
// A caller that used an API key gets CodeInvalid: there is no session to
// end.
func (s *Service) Logout(ctx context.Context, token string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, p, "iam.user.Logout", string(p.UserID)); err != nil {
		return err
	}
	id, _, ok := parseSessionToken(token)
	if !ok {
		return keyward.FieldError("Authorization", "Logout ends a login session; this request was made with an API key.")
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := tx.DeleteLoginSession(ctx, p.UserID, id); err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.user.Logout", TargetType: "login_session", TargetID: string(id),
		})
		return err
	})
}

// ListLoginSessions lists the caller's account's live login sessions, in
// every organization.
func (s *Service) ListLoginSessions(ctx context.Context, page keyward.Page) ([]*keyward.LoginSession, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.user.ListLoginSessions", string(p.UserID)); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.LoginSession, keyward.PageInfo, error) {
		return tx.ListLoginSessions(ctx, p.UserID, s.now(), page)
	})
}

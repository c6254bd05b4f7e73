package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// errBadCredential is the one answer for every credential that does not
// work, so a caller learns nothing about which part was wrong.
func errBadCredential() error {
	return keyward.Errorf(keyward.CodeUnauthenticated, "Invalid, expired or revoked API key.")
}

// parseToken splits kw_<id>_<secret> into its key id and secret (see
// credential.Cut).
func parseToken(token string) (keyward.APIKeyID, string, bool) {
	id, secret, ok := credential.Cut(token, keyward.APIKeyPrefix)
	return keyward.APIKeyID(id), secret, ok
}

// Authenticate resolves a bearer token, an API key, a login session
// token (see Login) or a role session token (see AssumeRole), to the
// principal it acts as. It returns
// CodeUnauthenticated for a malformed, unknown, revoked or expired
// credential, a key of a suspended or removed member or of a member whose API
// access is disabled, and a key of a deleted organization; and
// CodePermissionDenied for every credential of a suspended organization.
//
// A key that authenticated is trusted for up to a second without reading
// the database again (see keyCache); a change to its organization made
// through this Service, such as revoking it, ends that at once.
func (s *Service) Authenticate(ctx context.Context, token string) (*keyward.Principal, error) {
	s.refreshCatalog(ctx) // another replica may have changed it
	if strings.HasPrefix(token, keyward.LoginSessionPrefix) {
		return s.authenticateSession(ctx, token)
	}
	if strings.HasPrefix(token, keyward.SessionTokenPrefix) {
		return s.authenticateRoleSession(ctx, token)
	}
	id, secret, ok := parseToken(token)
	if !ok {
		return nil, errBadCredential()
	}
	sum := sha256.Sum256([]byte(secret))
	reqID, ip := keyward.RequestFromContext(ctx)
	if p, ok := s.keys.get(id, sum, s.now()); ok {
		p.RequestID, p.SourceIP = reqID, ip
		return &p, nil
	}
	// One read for all the requests that present this key and secret
	// at once: when a busy key's entry expires, they wait for it rather
	// than each reading the database. The secret's hash is part of the
	// flight's name, so a wrong secret never shares a right one's answer;
	// the read is not cancelled with the request that happened to start it.
	v, err, _ := s.keyFlight.Do(string(id)+"/"+hex.EncodeToString(sum[:]), func() (any, error) {
		return s.verifyKey(context.WithoutCancel(ctx), id, sum)
	})
	if err != nil {
		return nil, err
	}
	p := v.(keyward.Principal)
	p.RequestID, p.SourceIP = reqID, ip
	return &p, nil
}

// verifyKey reads key id from the store, checks that its secret hashes to
// sum and that it, its member and its organization are usable, caches it,
// and returns its principal (without a request id or address).
func (s *Service) verifyKey(ctx context.Context, id keyward.APIKeyID, sum [sha256.Size]byte) (keyward.Principal, error) {
	gen := s.keys.generation()
	var p keyward.Principal
	var k *keyward.APIKey
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		k, err = tx.GetAPIKey(ctx, id)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return errBadCredential()
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(sum[:], k.SecretHash) != 1 || !k.Usable(s.now()) {
			return errBadCredential()
		}
		u, err := tx.GetUser(ctx, k.OrgID, k.UserID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return errBadCredential()
		}
		if err != nil {
			return err
		}
		if u.Status != keyward.StatusActive || !u.APIEnabled {
			return errBadCredential()
		}
		org, err := tx.GetOrganization(ctx, k.OrgID)
		if err != nil {
			return err
		}
		if err := checkOrgOpen(org, errBadCredential()); err != nil {
			return err
		}
		p = keyward.Principal{OrgID: k.OrgID, UserID: k.UserID, Kind: u.Kind(), KeyID: k.ID, KeyPolicy: k.Policy, ExpiresAt: k.ExpiresAt}
		s.engine().Notice(org.ID, org.Revision)
		return nil
	})
	if err != nil {
		return keyward.Principal{}, err
	}
	s.keys.put(k, sum, p, gen)
	return p, nil
}

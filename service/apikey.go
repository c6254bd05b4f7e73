package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/credential"
	"github.com/keyward-iam/keyward/policy"
)

// APIKeyInput is the body of key creation.
type APIKeyInput struct {
	Name      string
	ExpiresAt *time.Time // nil: never expires
	// Policy or Grid, at most one, narrows the key: it then acts with the
	// intersection of its owner's current permissions and this (keyward's
	// extension). Neither: the key acts with all of its owner's.
	Policy json.RawMessage
	Grid   policy.Grid
}

type keyView struct {
	ID        keyward.APIKeyID `json:"id"`
	UserID    keyward.UserID   `json:"user_id"`
	Name      string           `json:"name"`
	ExpiresAt *time.Time       `json:"expires_at"`
	RevokedAt *time.Time       `json:"revoked_at"`
	Policy    json.RawMessage  `json:"policy,omitempty"`
	Grid      json.RawMessage  `json:"grid,omitempty"`
}

func viewKey(k *keyward.APIKey) keyView {
	return keyView{k.ID, k.UserID, k.Name, k.ExpiresAt, k.RevokedAt, k.Policy, k.Grid}
}

// issueKey creates an API key for u in u's organization inside tx, records
// it, and returns it with its full token kw_<id>_<secret>.
func (s *Service) issueKey(ctx context.Context, tx keyward.Tx, p *keyward.Principal, u *keyward.User, in APIKeyInput) (*keyward.APIKey, string, error) {
	name, err := cleanName("name", in.Name, false)
	if err != nil {
		return nil, "", err
	}
	if err := checkExpiry("expires_at", in.ExpiresAt, tx.Now()); err != nil {
		return nil, "", err
	}
	// A key minted by an expiring key expires with it at the latest: the
	// expiry bounds what its holder may do, and minting must not shed it.
	// A login session's end is no such bound: its member signs in again,
	// so a key minted by one belongs to the account, as AWS's access keys
	// made in its console do.
	if p != nil && p.LoginSession == "" {
		in.ExpiresAt = capExpiry(p, in.ExpiresAt)
	}
	narrowing, grid, err := s.keyNarrowing(in)
	if err != nil {
		return nil, "", err
	}
	secret, hash := credential.NewSecret()
	k := &keyward.APIKey{
		ID: keyward.APIKeyID(keyward.NewID(tx.Now())), OrgID: u.OrgID, UserID: u.Account.ID, Name: name,
		SecretHash: hash, CreatedAt: tx.Now(), ExpiresAt: in.ExpiresAt, Policy: narrowing, Grid: grid,
	}
	if p != nil {
		k.CreatedBy = p.UserID
	}
	if k.ExpiresAt != nil {
		t := k.ExpiresAt.UTC().Truncate(time.Microsecond)
		k.ExpiresAt = &t
	}
	if err := tx.CreateAPIKey(ctx, k); err != nil {
		return nil, "", err
	}
	if _, err := s.commit(ctx, tx, p, u.OrgID, change{
		Action: "iam.apikey.Create", TargetType: "api_key", TargetID: string(k.ID), After: viewKey(k),
	}); err != nil {
		return nil, "", err
	}
	return k, keyward.APIKeyPrefix + string(k.ID) + "_" + secret, nil
}

// CreateAPIKey issues a new API key for a user of the caller's organization.
// The token is returned once and never stored.
func (s *Service) CreateAPIKey(ctx context.Context, user keyward.UserID, in APIKeyInput) (*keyward.APIKey, string, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	var k *keyward.APIKey
	var token string
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := userOf(ctx, tx, p.OrgID, user)
		if err != nil {
			return err
		}
		if err := s.checkMint(ctx, p, u); err != nil {
			return err
		}
		if !u.APIEnabled {
			return keyward.Errorf(keyward.CodeConflict, "API access is disabled for this user; enable it first (api_enabled).")
		}
		k, token, err = s.issueKey(ctx, tx, p, u, in)
		return err
	})
	return k, token, err
}

// CreateOrgAPIKey issues an API key for the caller's own account in
// organization org, which the account must be an active member of. This is
// how an account gets a key for an organization it created or joined.
func (s *Service) CreateOrgAPIKey(ctx context.Context, org keyward.OrgID, in APIKeyInput) (*keyward.APIKey, string, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	if p.Kind == keyward.KindService && org != p.OrgID {
		return nil, "", notFound("Organization")
	}
	var k *keyward.APIKey
	var token string
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if _, err := visibleOrg(ctx, tx, p, org); err != nil {
			return err
		}
		actor, err := principalIn(ctx, tx, p, org)
		if err != nil {
			return err
		}
		u, err := userOf(ctx, tx, org, p.UserID)
		if err != nil {
			return err
		}
		if err := s.checkMint(ctx, actor, u); err != nil {
			return err
		}
		if !u.APIEnabled {
			return keyward.Errorf(keyward.CodeConflict, "API access is disabled for you in this organization.")
		}
		k, token, err = s.issueKey(ctx, tx, actor, u, in)
		return err
	})
	return k, token, err
}

// ListAPIKeys lists a user's keys, revoked and expired ones included.
func (s *Service) ListAPIKeys(ctx context.Context, user keyward.UserID, page keyward.Page) ([]*keyward.APIKey, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.APIKey, keyward.PageInfo, error) {
		if err := s.checkKeyOwner(ctx, tx, p, user, "iam.apikey.List"); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		return tx.ListAPIKeys(ctx, p.OrgID, user, page)
	})
}

// GetAPIKey returns one of a user's keys (never its secret).
func (s *Service) GetAPIKey(ctx context.Context, user keyward.UserID, id keyward.APIKeyID) (*keyward.APIKey, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var k *keyward.APIKey
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if k, err = keyOf(ctx, tx, p.OrgID, user, id); err != nil {
			return err
		}
		return s.checkKeyOwner(ctx, tx, p, user, "iam.apikey.Read")
	})
	return k, err
}

func keyOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, user keyward.UserID, id keyward.APIKeyID) (*keyward.APIKey, error) {
	if !keyward.ValidID(string(user)) || !keyward.ValidID(string(id)) {
		return nil, notFound("API key")
	}
	k, err := tx.GetAPIKeyOf(ctx, org, user, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("API key")
	}
	return k, err
}

// RevokeAPIKey revokes a key at once. Revoking a revoked key succeeds and
// changes nothing.
func (s *Service) RevokeAPIKey(ctx context.Context, user keyward.UserID, id keyward.APIKeyID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		k, err := keyOf(ctx, tx, p.OrgID, user, id)
		if err != nil {
			return err
		}
		if err := s.checkKeyOwner(ctx, tx, p, user, "iam.apikey.Delete"); err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return nil
		}
		before := viewKey(k)
		now := tx.Now()
		if err := tx.RevokeAPIKey(ctx, p.OrgID, id, now); err != nil {
			return err
		}
		k.RevokedAt = &now
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.apikey.Delete", TargetType: "api_key", TargetID: string(id), Before: before, After: viewKey(k),
		})
		return err
	})
}

// checkMint is the one place that decides whether p may mint an API key
// for u. A key is permanent and unnarrowed unless asked otherwise, so it
// must never reach beyond the credential that mints it:
//   - a role session mints none (the key would outlive the session), and
//     neither does a narrowed key (the new key would shed its narrowing):
//     mint with the unnarrowed key or login session of the member instead;
//   - the root owner's keys are the root owner's alone to mint;
//   - p must be allowed iam.apikey.Create on u, and, for a key of another
//     user, p must itself be able to do everything u may (checkCovers).
func (s *Service) checkMint(ctx context.Context, p *keyward.Principal, u *keyward.User) error {
	switch {
	case p.Session != nil:
		return refuse("iam.apikey.Create", authz.LayerSessionPolicy,
			"a role session cannot create API keys: a key would outlive the session and its limits; use the credential that assumed the role")
	case p.KeyPolicy != nil:
		return refuse("iam.apikey.Create", authz.LayerToken,
			"a narrowed API key cannot create API keys: the new key would not carry its narrowing; use an unnarrowed key or a login session")
	case u.Owner && (p.UserID != u.Account.ID || p.Kind != keyward.KindRootOwner):
		return errNotRootOwner("create the root owner's API keys")
	}
	if err := s.authorize(ctx, p, "iam.apikey.Create", string(u.Account.ID)); err != nil {
		return err
	}
	if u.Account.ID != p.UserID {
		return s.checkCovers(ctx, p, u.Account.ID)
	}
	return nil
}

// checkKeyOwner authorizes action on the keys of user, which must exist in
// p's organization: the root owner's keys are listed, read and revoked by
// the root owner alone.
func (s *Service) checkKeyOwner(ctx context.Context, tx keyward.Tx, p *keyward.Principal, user keyward.UserID, action string) error {
	u, err := userOf(ctx, tx, p.OrgID, user)
	if err != nil {
		return err
	}
	if u.Owner && p.UserID != user {
		return errNotRootOwner("see or revoke the root owner's API keys")
	}
	return s.authorize(ctx, p, action, string(user))
}

// keyNarrowing returns the narrowing document of a new key (nil for none)
// and, when it was given as a grid, the grid. A grid that grants nothing
// narrows the key to nothing: it is refused, since such a key could do
// nothing at all.
func (s *Service) keyNarrowing(in APIKeyInput) (doc, grid json.RawMessage, err error) {
	hasPolicy := len(in.Policy) > 0 && string(in.Policy) != "null"
	switch {
	case hasPolicy && in.Grid != nil:
		return nil, nil, keyward.FieldError("grid", "Give policy or grid, not both.")
	case hasPolicy:
		doc, err := s.parseDocument(in.Policy)
		var e *keyward.Error
		if errors.As(err, &e) && strings.HasPrefix(e.Field, "policy_document") {
			c := *e
			c.Field = "policy" + strings.TrimPrefix(e.Field, "policy_document")
			c.Message = strings.ReplaceAll(c.Message, "policy_document", "policy")
			return nil, nil, &c
		}
		return doc, nil, err
	case in.Grid != nil:
		grid, doc, err := s.parseGrid("grid", in.Grid)
		if err != nil {
			return nil, nil, err
		}
		if string(doc) == "null" {
			return nil, nil, keyward.FieldError("grid", "The grid grants nothing; a key narrowed to it could do nothing.")
		}
		return doc, grid, nil
	}
	return nil, nil, nil
}

package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

type scimTokenView struct {
	ID        keyward.SCIMTokenID `json:"id"`
	Name      string              `json:"name"`
	CreatedAt time.Time           `json:"date_created"`
}

func viewSCIMToken(t *keyward.SCIMToken) scimTokenView {
	return scimTokenView{t.ID, t.Name, t.CreatedAt}
}

// CreateSCIMToken creates a SCIM token of the caller's organization and
// returns it with its bearer token kwscim_<id>_<secret>, which is shown
// this once: only its SHA-256 is kept. The caller needs
// iam.scimtoken.Create, an admin action: whoever holds the token decides
// who the organization's people are and which groups they are in, so the
// caller must also hold what that hands out (checkSource). The token
// never ends, so a credential that does (a role session, a key that
// expires) may not make one (checkLasting).
func (s *Service) CreateSCIMToken(ctx context.Context, name string) (*keyward.SCIMToken, string, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorize(ctx, p, "iam.scimtoken.Create", ""); err != nil {
		return nil, "", err
	}
	if err := s.checkSource(ctx, p); err != nil {
		return nil, "", err
	}
	if err := checkLasting(p, "iam.scimtoken.Create"); err != nil {
		return nil, "", err
	}
	if name, err = cleanName("name", name, false); err != nil {
		return nil, "", err
	}
	secret, hash := credential.NewSecret()
	t := &keyward.SCIMToken{OrgID: p.OrgID, Name: name, SecretHash: hash, CreatedBy: p.UserID}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		t.ID = keyward.SCIMTokenID(keyward.NewID(tx.Now()))
		if err := tx.CreateSCIMToken(ctx, t); err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.scimtoken.Create", TargetType: "scim_token", TargetID: string(t.ID), After: viewSCIMToken(t)})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return t, keyward.SCIMTokenPrefix + string(t.ID) + "_" + secret, nil
}

// ListSCIMTokens lists the SCIM tokens of the caller's organization,
// without their secrets.
func (s *Service) ListSCIMTokens(ctx context.Context, page keyward.Page) ([]*keyward.SCIMToken, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.scimtoken.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.SCIMToken, keyward.PageInfo, error) {
		return tx.ListSCIMTokens(ctx, p.OrgID, page)
	})
}

// DeleteSCIMToken deletes a SCIM token of the caller's organization: the
// next SCIM call with it is refused.
func (s *Service) DeleteSCIMToken(ctx context.Context, id keyward.SCIMTokenID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, p, "iam.scimtoken.Delete", string(id)); err != nil {
		return err
	}
	if !keyward.ValidID(string(id)) {
		return notFound("SCIM token")
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := tx.DeleteSCIMToken(ctx, p.OrgID, id); keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("SCIM token")
		} else if err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.scimtoken.Delete", TargetType: "scim_token", TargetID: string(id)})
		return err
	})
}

// AuthenticateSCIM resolves the bearer token of a call to organization
// org's SCIM endpoint to the SCIM provisioner it acts as. A malformed,
// unknown or deleted token, or one whose creator is no longer an active
// member of org, is CodeUnauthenticated; a token of another
// organization, or an organization that does not exist, CodeNotFound (an
// organization's SCIM endpoint is invisible to other organizations'
// tokens); a suspended organization, or one not in the idp identity
// mode, CodePermissionDenied.
func (s *Service) AuthenticateSCIM(ctx context.Context, org keyward.OrgID, token string) (*SCIM, error) {
	bad := keyward.Errorf(keyward.CodeUnauthenticated, "Invalid or deleted SCIM token.")
	id, secret, ok := credential.Cut(token, keyward.SCIMTokenPrefix)
	if !ok {
		return nil, bad
	}
	sum := sha256.Sum256([]byte(secret))
	var t *keyward.SCIMToken
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		t, err = tx.GetSCIMToken(ctx, keyward.SCIMTokenID(id))
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return bad
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(sum[:], t.SecretHash) != 1 {
			return bad
		}
		if t.OrgID != org {
			return notFound("Organization")
		}
		// Whoever made the token answers for it: it works while they are
		// an active member, so removing or suspending them takes it away.
		if t.CreatedBy != "" {
			u, err := tx.GetUser(ctx, org, t.CreatedBy)
			if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && u.Status != keyward.StatusActive {
				return bad
			}
			if err != nil {
				return err
			}
		}
		o, err := liveOrg(ctx, tx, org)
		if err != nil {
			return err
		}
		if err := checkOrgOpen(o, notFound("Organization")); err != nil {
			return err
		}
		if o.IdentityMode != keyward.IdentityIdP {
			return keyward.Errorf(keyward.CodePermissionDenied,
				"The organization's identity mode is %s: SCIM provisioning needs the idp identity mode, which a fleet administrator sets.", o.IdentityMode)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SCIM{s: s, tok: t}, nil
}

package service

import (
	"context"
	"strings"

	"github.com/keyward-iam/keyward"
)

// SCIM is what one organization's identity provider does through its SCIM
// endpoint, authenticated by one of its SCIM tokens (AuthenticateSCIM):
// it provisions the organization's SCIM users and groups
// (keyward.SourceSCIM), and sees no other. Every change runs in one
// transaction with its audit events, whose actor is the token
// (keyward.ActorSCIM, chain "scim_token:<id>").
type SCIM struct {
	s   *Service
	tok *keyward.SCIMToken
}

// Org is the organization the provisioner provisions.
func (p *SCIM) Org() keyward.OrgID { return p.tok.OrgID }

func (p *SCIM) actor(ctx context.Context) context.Context {
	return withActor(ctx, keyward.ActorSCIM, []string{"scim_token:" + string(p.tok.ID)})
}

func (p *SCIM) write(ctx context.Context, fn func(ctx context.Context, tx keyward.Tx) error) error {
	return p.s.write(p.actor(ctx), fn)
}

func (p *SCIM) commit(ctx context.Context, tx keyward.Tx, c change) error {
	_, err := p.s.commit(ctx, tx, nil, p.tok.OrgID, c)
	return err
}

func scimUser(u *keyward.User) *keyward.SCIMUser {
	updated := u.Member.UpdatedAt
	if u.Account.UpdatedAt.After(updated) {
		updated = u.Account.UpdatedAt
	}
	return &keyward.SCIMUser{
		ID: u.Member.UserID, UserName: u.Email, ExternalID: u.ExternalID, Name: u.Name,
		Active: u.Status == keyward.StatusActive, CreatedAt: u.Member.CreatedAt, UpdatedAt: updated,
	}
}

// cleanSCIMUser checks what a provider sends of a user: its userName must
// be an email address, the key on which SCIM and sign-in meet.
func cleanSCIMUser(in *keyward.SCIMUser) error {
	email, err := cleanEmail("userName", in.UserName)
	if err != nil {
		return keyward.FieldError("userName", "userName must be the person's email address: keyward keys SCIM users and sign-ins on it.")
	}
	in.UserName = email
	if in.Name, err = cleanName("displayName", in.Name, false); err != nil {
		return err
	}
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if len(in.ExternalID) > 256 {
		return keyward.FieldError("externalId", "externalId is longer than 256 bytes.")
	}
	return nil
}

// scimUserOf returns the SCIM user id of the organization; any other
// member, and a user SCIM deleted, is CodeNotFound.
func (p *SCIM) scimUserOf(ctx context.Context, tx keyward.Tx, id keyward.UserID) (*keyward.User, error) {
	u, err := userOf(ctx, tx, p.tok.OrgID, id)
	if err == nil && u.Source != keyward.SourceSCIM {
		return nil, notFound("User")
	}
	return u, err
}

// CreateUser provisions a user. An account of that email that is already
// a member of the organization (invited, signed in through the identity
// provider, or deleted through SCIM before) becomes the SCIM user, with
// what it holds; one that is already a SCIM user is CodeConflict, as is
// an account of another organization (the provider may not claim it) and
// the root owner.
func (p *SCIM) CreateUser(ctx context.Context, in *keyward.SCIMUser) (*keyward.SCIMUser, error) {
	if err := cleanSCIMUser(in); err != nil {
		return nil, err
	}
	var out *keyward.SCIMUser
	err := p.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		org := p.tok.OrgID
		member := keyward.Member{Status: keyward.StatusActive, External: keyward.External{Source: keyward.SourceSCIM, ExternalID: in.ExternalID}}
		acct, err := tx.GetAccountByEmail(ctx, in.UserName)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			u, err := p.s.insertUser(ctx, tx, nil, org, &keyward.Account{Email: in.UserName, Name: in.Name}, &member, "iam.user.Create")
			if err != nil {
				return err
			}
			out = scimUser(u)
			if !in.Active {
				err = p.s.suspendMember(ctx, tx, nil, u, true)
				out = scimUser(u)
			}
			return err
		} else if err != nil {
			return err
		}
		u, err := tx.GetUser(ctx, org, acct.ID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return keyward.Errorf(keyward.CodeConflict, "The email %s belongs to a keyward account outside the organization; invite it to the organization first.", in.UserName)
		} else if err != nil {
			return err
		}
		if u.Source == keyward.SourceSCIM || u.Owner || u.Service {
			return keyward.Errorf(keyward.CodeConflict, "The organization already has a user with userName %s.", in.UserName)
		}
		return p.updateUser(ctx, tx, u, func(s *keyward.SCIMUser) error {
			*s = keyward.SCIMUser{ID: s.ID, UserName: in.UserName, ExternalID: in.ExternalID, Name: in.Name, Active: in.Active}
			if s.Name == "" {
				s.Name = u.Name
			}
			return nil
		}, &out)
	})
	return out, err
}

// GetUser returns the SCIM user id.
func (p *SCIM) GetUser(ctx context.Context, id keyward.UserID) (*keyward.SCIMUser, error) {
	var out *keyward.SCIMUser
	err := p.s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := p.scimUserOf(ctx, tx, id)
		if err == nil {
			out = scimUser(u)
		}
		return err
	})
	return out, err
}

// ListUsers lists the SCIM users, those whose userName is userName if it
// is not empty (case-insensitively), in creation order.
func (p *SCIM) ListUsers(ctx context.Context, userName string, page keyward.Page) ([]*keyward.SCIMUser, int, error) {
	var out []*keyward.SCIMUser
	var total int
	err := p.s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		us, info, err := tx.ListUsers(ctx, p.tok.OrgID, keyward.UserFilter{Source: keyward.SourceSCIM, Email: userName, Page: page})
		for _, u := range us {
			out = append(out, scimUser(u))
		}
		total = info.Total
		return err
	})
	return out, total, err
}

// UpdateUser changes the SCIM user id as edit changes its SCIM view
// (a PUT replaces the view, a PATCH applies its operations to it), in one
// transaction. Setting Active false suspends the user: its API keys and
// login sessions are refused from the next call on and its role sessions
// end (suspendMember); true lifts the suspension.
func (p *SCIM) UpdateUser(ctx context.Context, id keyward.UserID, edit func(*keyward.SCIMUser) error) (*keyward.SCIMUser, error) {
	var out *keyward.SCIMUser
	err := p.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := p.scimUserOf(ctx, tx, id)
		if err != nil {
			return err
		}
		return p.updateUser(ctx, tx, u, edit, &out)
	})
	return out, err
}

// updateUser applies edit to u's SCIM view and writes what changed: the
// account's email and name, the membership's source and external id, its
// suspension; each is an audit event.
func (p *SCIM) updateUser(ctx context.Context, tx keyward.Tx, u *keyward.User, edit func(*keyward.SCIMUser) error, out **keyward.SCIMUser) error {
	in := scimUser(u)
	if err := edit(in); err != nil {
		return err
	}
	if err := cleanSCIMUser(in); err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = u.Name
	}
	uid := string(u.Member.UserID)
	if !strings.EqualFold(in.UserName, u.Email) || in.Name != u.Name {
		if n, err := tx.CountMemberships(ctx, u.Member.UserID); err != nil {
			return err
		} else if n > 1 {
			return keyward.Errorf(keyward.CodeConflict, "The account of %s is a member of other organizations too; this organization's identity provider cannot change its email or name.", u.Email)
		}
		before := viewUser(u)
		u.Email, u.Name, u.Account.UpdatedAt = in.UserName, in.Name, tx.Now()
		if err := tx.UpdateAccount(ctx, &u.Account); keyward.ErrorCode(err) == keyward.CodeConflict {
			return keyward.Errorf(keyward.CodeConflict, "The email %s is another keyward account's.", in.UserName)
		} else if err != nil {
			return err
		}
		if err := p.commit(ctx, tx, change{Action: "iam.user.Update", TargetType: "user", TargetID: uid, Before: before, After: viewUser(u)}); err != nil {
			return err
		}
	}
	ext := keyward.External{Source: keyward.SourceSCIM, ExternalID: in.ExternalID}
	if u.External != ext {
		if err := p.setExternal(ctx, tx, u, ext); err != nil {
			return err
		}
	}
	if err := p.s.suspendMember(ctx, tx, nil, u, !in.Active); err != nil {
		return err
	}
	*out = scimUser(u)
	return nil
}

// setExternal makes ext the source of u's membership.
func (p *SCIM) setExternal(ctx context.Context, tx keyward.Tx, u *keyward.User, ext keyward.External) error {
	before := viewUser(u)
	u.External, u.Member.UpdatedAt = ext, tx.Now()
	if err := tx.UpdateMember(ctx, &u.Member); keyward.ErrorCode(err) == keyward.CodeConflict {
		return keyward.Errorf(keyward.CodeConflict, "Another user of the organization has externalId %s.", ext.ExternalID)
	} else if err != nil {
		return err
	}
	return p.commit(ctx, tx, change{Action: "iam.user.Update", TargetType: "user", TargetID: string(u.Member.UserID), Before: before, After: viewUser(u)})
}

// DeleteUser deprovisions the SCIM user id: it is suspended (see
// UpdateUser) and leaves SCIM's view, becoming a local member that the
// organization's administrators may remove or keep; the record stays.
// Creating a user of the same userName again takes it back.
func (p *SCIM) DeleteUser(ctx context.Context, id keyward.UserID) error {
	return p.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := p.scimUserOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := p.s.suspendMember(ctx, tx, nil, u, true); err != nil {
			return err
		}
		return p.setExternal(ctx, tx, u, keyward.External{})
	})
}

package service

import (
	"context"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// InvitationPreview is what the holder of a valid link may see before
// accepting: who invites whom to which organization, until when.
type InvitationPreview struct {
	ID           keyward.InvitationID
	OrgID        keyward.OrgID
	OrgName      string
	InviterName  string
	InviterEmail string
	Email        string
	ExpiresAt    time.Time
	// AccountExists tells the invitee whether to sign in (and accept with
	// a bearer) or to choose a name and password.
	AccountExists bool
}

// DescribeInvitation checks an invitation link and describes its
// invitation. It needs no credential: the link is the credential. A link
// that is altered, used, revoked, replaced or expired is refused with the
// reason (CodeInvalid or CodeGone). Refusals spend the source address's
// budget of invitationRefusalsPerMinute (throttleRefusals).
func (s *Service) DescribeInvitation(ctx context.Context, token string) (*InvitationPreview, error) {
	return throttleRefusals(ctx, s, "invitation", invitationRefusalsPerMinute, "refused invitation links",
		func(string) (*InvitationPreview, error) { return s.describeInvitation(ctx, token) })
}

func (s *Service) describeInvitation(ctx context.Context, token string) (*InvitationPreview, error) {
	key, err := s.invitationKey(ctx)
	if err != nil {
		return nil, err
	}
	var out *InvitationPreview
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		inv, err := openLink(ctx, tx, key, token, s.now())
		if err != nil {
			return err
		}
		out = &InvitationPreview{ID: inv.ID, OrgID: inv.OrgID, OrgName: inv.OrgName, InviterName: inv.InviterName,
			InviterEmail: inv.InviterEmail, Email: inv.Email, ExpiresAt: inv.ExpiresAt}
		if _, err := tx.GetAccountByEmail(ctx, inv.Email); err == nil {
			out.AccountExists = true
		} else if keyward.ErrorCode(err) != keyward.CodeNotFound {
			return err
		}
		return nil
	})
	return out, err
}

// AcceptInput is the body of invitation acceptance. Name and Password
// create a new account; with a principal in the context (an existing
// account's bearer) they must be empty.
type AcceptInput struct {
	Token    string
	Name     string
	Password string
}

// Acceptance is the result of accepting an invitation: the new membership
// and, if the invitation enabled API access, an API key for the invited
// organization, returned once.
type Acceptance struct {
	User   *keyward.User
	APIKey string
}

// AcceptInvitation accepts an invitation through its link, once. Without
// a principal in ctx it creates a new account (name, password) with the
// invited email; with one (the bearer of an existing account whose email
// is the invited one, through an unnarrowed credential that is not a role
// session: checkAcceptor) it adds the membership to that account, with a
// key that ends no later than that credential. Either way
// the invitation's roles are bound (built-in ones too, as a role
// assignment binds them) and groups joined (those deleted since are
// skipped), in the same transaction that marks the link used. An
// invitation whose inviter may no longer grant what it grants is
// CodeConflict, and nothing is written (see inviterGrants).
//
// Every refusal spends the source address's budget of
// invitationRefusalsPerMinute (throttleRefusals), which is reserved
// before anything is checked; and the link is checked before the new
// password is hashed, so that a forged link costs no hash.
func (s *Service) AcceptInvitation(ctx context.Context, in AcceptInput) (*Acceptance, error) {
	return throttleRefusals(ctx, s, "invitation", invitationRefusalsPerMinute, "refused invitation links",
		func(string) (*Acceptance, error) { return s.acceptInvitation(ctx, in) })
}

func (s *Service) acceptInvitation(ctx context.Context, in AcceptInput) (*Acceptance, error) {
	existing := keyward.PrincipalFromContext(ctx)
	var name string
	if existing == nil {
		var err error
		if name, err = cleanName("name", in.Name, true); err != nil {
			return nil, err
		}
		if err := credential.CheckPassword("password", in.Password); err != nil {
			return nil, err
		}
	} else if in.Name != "" || in.Password != "" {
		return nil, keyward.FieldError("password", "You are signed in: accept with the token alone, or without a bearer to create a new account.")
	} else if err := s.checkAcceptor(existing); err != nil {
		return nil, err
	}
	key, err := s.invitationKey(ctx)
	if err != nil {
		return nil, err
	}
	var hash string
	if existing == nil {
		// Hash before the transaction, which must stay short, but only for
		// a link that opens now: the transaction checks it again.
		if err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
			_, err := openLink(ctx, tx, key, in.Token, tx.Now())
			return err
		}); err != nil {
			return nil, err
		}
		if hash, err = s.hasher.Hash(in.Password); err != nil {
			return nil, err
		}
	}
	var out *Acceptance
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		inv, err := openLink(ctx, tx, key, in.Token, tx.Now())
		if err != nil {
			return err
		}
		grants, err := s.inviterGrants(ctx, tx, inv)
		if err != nil {
			return err
		}
		if err := s.checkUserLimit(ctx, tx, inv.OrgID); err != nil {
			return err
		}
		var acct *keyward.Account
		if existing != nil {
			acct, err = invitedAccount(ctx, tx, existing, inv)
		} else {
			acct, err = newInvitedAccount(ctx, tx, inv, name, hash)
		}
		if err != nil {
			return err
		}
		out, err = s.join(ctx, tx, inv, acct, grants, existing)
		return err
	})
	return out, err
}

// invitedAccount returns the signed-in account if it is the invited one
// and not yet a member of the organization.
func invitedAccount(ctx context.Context, tx keyward.Tx, p *keyward.Principal, inv *keyward.Invitation) (*keyward.Account, error) {
	acct, err := tx.GetAccount(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if acct.Service || !strings.EqualFold(acct.Email, inv.Email) {
		return nil, keyward.Errorf(keyward.CodePermissionDenied,
			"This invitation is for %s; you are signed in as another account.", inv.Email)
	}
	if _, err := tx.GetUser(ctx, inv.OrgID, acct.ID); err == nil {
		return nil, keyward.Errorf(keyward.CodeConflict, "You are already a member of %s.", inv.OrgName)
	} else if keyward.ErrorCode(err) != keyward.CodeNotFound {
		return nil, err
	}
	return acct, nil
}

// newInvitedAccount creates the invitee's account, unless the email
// belongs to one already: then its owner must sign in to accept.
func newInvitedAccount(ctx context.Context, tx keyward.Tx, inv *keyward.Invitation, name, hash string) (*keyward.Account, error) {
	if _, err := tx.GetAccountByEmail(ctx, inv.Email); err == nil {
		return nil, keyward.Errorf(keyward.CodeConflict,
			"An account with email %s already exists: accept with that account's API key as the bearer.", inv.Email)
	} else if keyward.ErrorCode(err) != keyward.CodeNotFound {
		return nil, err
	}
	now := tx.Now()
	acct := &keyward.Account{ID: keyward.UserID(keyward.NewID(now)), Email: inv.Email, Name: name, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	return acct, tx.CreateAccount(ctx, acct)
}

// inviterGrants returns the roles and groups of inv that still exist (one
// deleted since grants nothing, and is skipped), after checking that inv's
// inviter may still grant each of them, as if it invited now: it must be
// an active member, and checkInviteGrants must pass with it as the
// principal, on a snapshot at least as recent as tx. An invitation never
// hands out more than its author could at the time it is accepted;
// otherwise it is CodeConflict, and a new invitation is needed.
func (s *Service) inviterGrants(ctx context.Context, tx keyward.Tx, inv *keyward.Invitation) (InvitationInput, error) {
	var live InvitationInput
	for _, id := range inv.RoleIDs {
		// roleOf, not the store: it knows the built-in roles.
		if r, err := s.roleOf(ctx, tx, inv.OrgID, id); keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && r.DeletedAt != nil {
			continue
		} else if err != nil {
			return live, err
		}
		live.RoleIDs = append(live.RoleIDs, id)
	}
	for _, id := range inv.GroupIDs {
		if _, err := groupOf(ctx, tx, inv.OrgID, id); keyward.ErrorCode(err) == keyward.CodeNotFound {
			continue
		} else if err != nil {
			return live, err
		}
		live.GroupIDs = append(live.GroupIDs, id)
	}
	u, err := tx.GetUser(ctx, inv.OrgID, inv.InvitedBy)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && u.Status != keyward.StatusActive {
		return live, errStaleGrants("whoever sent it is no longer an active member of " + inv.OrgName)
	} else if err != nil {
		return live, err
	}
	org, err := tx.GetOrganization(ctx, inv.OrgID)
	if err != nil {
		return live, err
	}
	// The inviter as if it called now, with no address: it is not the one
	// making this request, so a condition on its address is not met.
	inviter := &keyward.Principal{OrgID: inv.OrgID, UserID: inv.InvitedBy, Kind: u.Kind(), Revision: org.Revision}
	switch err := s.checkInviteGrants(ctx, tx, inviter, live); keyward.ErrorCode(err) {
	case "":
		return live, nil
	case keyward.CodePermissionDenied, keyward.CodeInvalid, keyward.CodeNotFound:
		// The invitee is not told why in the inviter's terms: a denial's
		// explanation names the inviter's policies.
		return live, errStaleGrants("whoever sent it may no longer grant the roles and groups it grants")
	default:
		return live, err
	}
}

// errStaleGrants refuses an invitation whose grants its inviter may no
// longer give, saying why.
func errStaleGrants(why string) error {
	return keyward.Errorf(keyward.CodeConflict,
		"This invitation's grants are no longer valid: %s. Ask for a new invitation.", why)
}

// checkAcceptor refuses a bearer that may not accept for its account: a
// membership, and the unnarrowed key that comes with it, carry no role
// and no narrowing, so only the member whole accepts (checkWhole), and a
// login session that must first enroll MFA accepts nothing (mfaGate).
func (s *Service) checkAcceptor(p *keyward.Principal) error {
	const action = "iam.invitation.Accept"
	if err := mfaGate(p, action); err != nil {
		return err
	}
	return checkWhole(p, action, "accept an invitation: the membership would be the account's")
}

// join makes acct a member of inv's organization with grants (see
// inviterGrants), marks inv accepted and records it all, with the new
// member as the actor. The key a member with API access gets is minted
// with bearer's credential (nil for a new account).
func (s *Service) join(ctx context.Context, tx keyward.Tx, inv *keyward.Invitation, acct *keyward.Account, grants InvitationInput, bearer *keyward.Principal) (*Acceptance, error) {
	now := tx.Now()
	m := &keyward.Member{OrgID: inv.OrgID, UserID: acct.ID, Status: keyward.StatusActive, APIEnabled: inv.APIEnabled, CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateMember(ctx, m); err != nil {
		return nil, err
	}
	for _, id := range grants.RoleIDs {
		r, err := s.roleOf(ctx, tx, inv.OrgID, id)
		if err != nil {
			return nil, err
		}
		if _, err := bindRole(ctx, tx, r, keyward.PrincipalUser, string(acct.ID), inv.InvitedBy); err != nil {
			return nil, err
		}
	}
	for _, id := range grants.GroupIDs {
		gm := &keyward.GroupMember{OrgID: inv.OrgID, GroupID: id, UserID: acct.ID, AddedAt: now, AddedBy: inv.InvitedBy}
		if err := tx.AddGroupMember(ctx, gm); err != nil {
			return nil, err
		}
	}
	before := viewInvitation(inv)
	inv.Status, inv.UpdatedAt, inv.RespondedAt, inv.AcceptedBy = keyward.InvitationAccepted, now, &now, acct.ID
	if err := tx.UpdateInvitation(ctx, inv); err != nil {
		return nil, err
	}
	u := &keyward.User{Account: *acct, Member: *m}
	actor := &keyward.Principal{OrgID: inv.OrgID, UserID: acct.ID, Kind: keyward.KindNormal}
	actor.RequestID, actor.SourceIP = keyward.RequestFromContext(ctx)
	if _, err := s.commit(ctx, tx, actor, inv.OrgID, change{
		Action: "iam.invitation.Accept", TargetType: "invitation", TargetID: string(inv.ID), Before: before, After: viewInvitation(inv),
	}); err != nil {
		return nil, err
	}
	out := &Acceptance{User: u}
	if m.APIEnabled {
		// The new key is minted with the bearer's credential, if any, and
		// ends no later than it (issueKey).
		minter := *actor
		if bearer != nil {
			minter.ExpiresAt, minter.LoginSession = bearer.ExpiresAt, bearer.LoginSession
		}
		var err error
		if _, out.APIKey, err = s.issueKey(ctx, tx, &minter, u, APIKeyInput{Name: "invitation"}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

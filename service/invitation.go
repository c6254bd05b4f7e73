package service

import (
	"context"
	"slices"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// InvitationInput is the body of invitation create: Vultr's InvitationReq
// (email_invited, permissions.api_enabled) plus keyward's roles and groups,
// which the new member gets on acceptance.
type InvitationInput struct {
	Email      string
	APIEnabled bool
	RoleIDs    []keyward.RoleID
	GroupIDs   []keyward.GroupID
}

type invitationView struct {
	ID         keyward.InvitationID     `json:"id"`
	Email      string                   `json:"email"`
	Status     keyward.InvitationStatus `json:"status"`
	APIEnabled bool                     `json:"api_enabled"`
	RoleIDs    []keyward.RoleID         `json:"role_ids"`
	GroupIDs   []keyward.GroupID        `json:"group_ids"`
	ExpiresAt  time.Time                `json:"expires_at"`
}

// viewInvitation is what the audit trail records: never the nonce.
func viewInvitation(i *keyward.Invitation) invitationView {
	return invitationView{i.ID, i.Email, i.Status, i.APIEnabled, i.RoleIDs, i.GroupIDs, i.ExpiresAt}
}

// invitationOf returns invitation id of org, or CodeNotFound.
func invitationOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.InvitationID) (*keyward.Invitation, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Invitation")
	}
	i, err := tx.GetInvitation(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Invitation")
	}
	return i, err
}

// checkInviteGrants checks that the roles and groups an invitation grants
// exist in p's organization and that p may grant each of them itself
// (iam.role.AttachUser, iam.group.AddMember), so that an invitation never
// hands out more than its author could: when it is made, and again, with
// its inviter as p, when it is accepted (see inviterGrants).
func (s *Service) checkInviteGrants(ctx context.Context, tx keyward.Tx, p *keyward.Principal, in InvitationInput) error {
	for k, id := range in.RoleIDs {
		if err := checkID("role_ids", string(id)); err != nil {
			return err
		}
		r, err := s.roleOf(ctx, tx, p.OrgID, id)
		if err != nil || r.DeletedAt != nil {
			return keyward.FieldError("role_ids", "role_ids[%d]: role %s not found.", k, id)
		}
		if r.Type != keyward.RoleAssignable {
			return keyward.FieldError("role_ids", "role_ids[%d]: role %s is assumable; only assignable roles can be granted.", k, r.Name)
		}
		if err := s.checkGrant(ctx, p, grant{kind: grantRole, id: string(id), to: keyward.PrincipalUser}); err != nil {
			return err
		}
	}
	for k, id := range in.GroupIDs {
		if err := checkID("group_ids", string(id)); err != nil {
			return err
		}
		if _, err := groupOf(ctx, tx, p.OrgID, id); err != nil {
			return keyward.FieldError("group_ids", "group_ids[%d]: group %s not found.", k, id)
		}
		if err := s.checkGrant(ctx, p, grant{kind: grantGroup, id: string(id), to: keyward.PrincipalUser}); err != nil {
			return err
		}
	}
	return nil
}

// CreateInvitation invites an email address to the caller's organization
// and queues the invitation email in the same transaction, so the email is
// sent if and only if the invitation exists. The link expires after the
// configured TTL (default 72 h).
//
// Returns CodeConflict if the address already belongs to a member or has a
// pending, unexpired invitation (resend that instead).
func (s *Service) CreateInvitation(ctx context.Context, in InvitationInput) (*keyward.Invitation, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.invitation.Create", ""); err != nil {
		return nil, err
	}
	email, err := cleanEmail("email_invited", in.Email)
	if err != nil {
		return nil, err
	}
	in.RoleIDs, in.GroupIDs = slices.Compact(slices.Sorted(slices.Values(in.RoleIDs))), slices.Compact(slices.Sorted(slices.Values(in.GroupIDs)))
	key, err := s.invitationKey(ctx)
	if err != nil {
		return nil, err
	}
	mail, err := s.logins.reserveInvitationMail(p.OrgID, email, s.now())
	if err != nil {
		return nil, err
	}
	var inv *keyward.Invitation
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := s.checkInviteGrants(ctx, tx, p, in); err != nil {
			return err
		}
		if err := checkNotMember(ctx, tx, p.OrgID, email); err != nil {
			return err
		}
		pending, _, err := tx.ListInvitations(ctx, p.OrgID, keyward.InvitationFilter{Status: keyward.InvitationPending, Email: email})
		if err != nil {
			return err
		}
		for _, old := range pending {
			if old.State(tx.Now()) == keyward.InvitationPending {
				return &keyward.Error{Code: keyward.CodeConflict, Field: "email_invited",
					Message: "There is already a pending invitation for " + email + " (" + string(old.ID) + "); resend it instead."}
			}
		}
		now := tx.Now()
		inv = &keyward.Invitation{
			ID: keyward.InvitationID(keyward.NewID(now)), OrgID: p.OrgID, Email: email, InvitedBy: p.UserID,
			APIEnabled: in.APIEnabled, RoleIDs: in.RoleIDs, GroupIDs: in.GroupIDs, Status: keyward.InvitationPending,
			Nonce: credential.NewNonce(), CreatedAt: now, UpdatedAt: now, ExpiresAt: s.invites.expiry(now),
		}
		if err := tx.CreateInvitation(ctx, inv); err != nil {
			return err
		}
		if inv, err = tx.GetInvitation(ctx, p.OrgID, inv.ID); err != nil {
			return err
		}
		if err := s.enqueueInvitation(ctx, tx, key, inv); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.invitation.Create", TargetType: "invitation", TargetID: string(inv.ID), After: viewInvitation(inv),
		})
		return err
	})
	if err != nil {
		mail.Refund(s.now()) // nothing was queued
		return nil, err
	}
	s.wakeMail(ctx)
	return inv, nil
}

// checkNotMember refuses an invitation for an address that already
// belongs to a member of org.
func checkNotMember(ctx context.Context, tx keyward.Tx, org keyward.OrgID, email string) error {
	_, info, err := tx.ListUsers(ctx, org, keyward.UserFilter{Email: email, Page: keyward.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if info.Total > 0 {
		return &keyward.Error{Code: keyward.CodeConflict, Field: "email_invited", Message: email + " is already a member of this organization."}
	}
	return nil
}

// GetInvitation returns an invitation of the caller's organization.
func (s *Service) GetInvitation(ctx context.Context, id keyward.InvitationID) (*keyward.Invitation, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var inv *keyward.Invitation
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if inv, err = invitationOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorize(ctx, p, "iam.invitation.Read", string(id))
	})
	return inv, err
}

// ListInvitations lists the invitations of the caller's organization, in
// creation order.
func (s *Service) ListInvitations(ctx context.Context, f keyward.InvitationFilter) ([]*keyward.Invitation, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.invitation.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	switch f.Status {
	case "", keyward.InvitationPending, keyward.InvitationAccepted, keyward.InvitationRevoked:
	default:
		return nil, keyward.PageInfo{}, keyward.FieldError("status", "status %q is not one of pending, accepted, revoked.", f.Status)
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.Invitation, keyward.PageInfo, error) {
		return tx.ListInvitations(ctx, p.OrgID, f)
	})
}

// ResendInvitation gives a pending invitation (expired or not) a new link
// with a fresh expiry and emails it again. The old link stops working at
// once: its nonce is no longer the invitation's.
func (s *Service) ResendInvitation(ctx context.Context, id keyward.InvitationID) (*keyward.Invitation, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	key, err := s.invitationKey(ctx)
	if err != nil {
		return nil, err
	}
	// The email's budget is spent only by a caller who may resend, so it
	// is reserved after a first look, and the transaction looks again.
	var inv *keyward.Invitation
	if err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if inv, err = invitationOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorize(ctx, p, "iam.invitation.Resend", string(id))
	}); err != nil {
		return nil, err
	}
	mail, err := s.logins.reserveInvitationMail(p.OrgID, inv.Email, s.now())
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if inv, err = invitationOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.invitation.Resend", string(id)); err != nil {
			return err
		}
		if inv.Status != keyward.InvitationPending {
			return keyward.Errorf(keyward.CodeConflict, "The invitation is %s; only a pending invitation can be resent.", inv.Status)
		}
		before := viewInvitation(inv)
		now := tx.Now()
		inv.Nonce, inv.UpdatedAt, inv.ExpiresAt = credential.NewNonce(), now, s.invites.expiry(now)
		if err := tx.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		if err := s.enqueueInvitation(ctx, tx, key, inv); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.invitation.Resend", TargetType: "invitation", TargetID: string(id), Before: before, After: viewInvitation(inv),
		})
		return err
	})
	if err != nil {
		mail.Refund(s.now()) // nothing was queued
		return nil, err
	}
	s.wakeMail(ctx)
	return inv, nil
}

// RevokeInvitation withdraws a pending invitation: its link stops working.
// Revoking a revoked invitation succeeds and changes nothing; an accepted
// one is CodeConflict (remove the member instead).
func (s *Service) RevokeInvitation(ctx context.Context, id keyward.InvitationID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		inv, err := invitationOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.invitation.Revoke", string(id)); err != nil {
			return err
		}
		switch inv.Status {
		case keyward.InvitationRevoked:
			return nil
		case keyward.InvitationAccepted:
			return keyward.Errorf(keyward.CodeConflict, "The invitation was already accepted; remove the user from the organization instead.")
		}
		before := viewInvitation(inv)
		now := tx.Now()
		inv.Status, inv.UpdatedAt, inv.RespondedAt = keyward.InvitationRevoked, now, &now
		if err := tx.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.invitation.Revoke", TargetType: "invitation", TargetID: string(id), Before: before, After: viewInvitation(inv),
		})
		return err
	})
}

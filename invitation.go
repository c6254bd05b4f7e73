package keyward

import (
	"context"
	"time"
)

// InvitationID identifies an invitation.
type InvitationID string

// InvitationStatus is the state of an invitation. Only a pending one can be
// accepted, resent or revoked.
type InvitationStatus string

// The invitation states. An invitation past its expiry is still stored as
// pending; Invitation.State reports it as InvitationExpired.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationRevoked  InvitationStatus = "revoked"
	InvitationExpired  InvitationStatus = "expired"
)

// DefaultInvitationTTL is how long an invitation link works.
const DefaultInvitationTTL = 72 * time.Hour

// Invitation asks the owner of an email address to join an organization,
// optionally with roles and groups. Its link is signed over the ID, the
// organization, ExpiresAt and Nonce; a resend replaces Nonce and ExpiresAt,
// which kills the old link.
type Invitation struct {
	ID          InvitationID
	OrgID       OrgID
	Email       string
	InvitedBy   UserID
	APIEnabled  bool // the new member's api_enabled
	RoleIDs     []RoleID
	GroupIDs    []GroupID
	Status      InvitationStatus
	Nonce       string // hex; secret: never shown, only signed
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpiresAt   time.Time
	RespondedAt *time.Time // when it was accepted or revoked
	AcceptedBy  UserID     // the account that accepted it

	// Read with the invitation, never written through it.
	OrgName      string
	InviterName  string
	InviterEmail string
}

// State returns the invitation's status at time now: InvitationExpired for
// a pending invitation past ExpiresAt.
func (i *Invitation) State(now time.Time) InvitationStatus {
	if i.Status == InvitationPending && !now.Before(i.ExpiresAt) {
		return InvitationExpired
	}
	return i.Status
}

// InvitationFilter narrows an invitation listing. Zero fields do not
// filter.
type InvitationFilter struct {
	Status InvitationStatus // as stored: pending, accepted or revoked
	Email  string           // exact, case-insensitive
	Page   Page
}

// InvitationTx stores invitations, the server-wide secrets that sign their
// links, and (MailTx) the outbox their emails go through.
type InvitationTx interface {
	MailTx
	CreateInvitation(ctx context.Context, i *Invitation) error
	GetInvitation(ctx context.Context, org OrgID, id InvitationID) (*Invitation, error)
	// FindInvitation finds an invitation by ID in any organization. It
	// serves link acceptance only, whose signature names the organization.
	FindInvitation(ctx context.Context, id InvitationID) (*Invitation, error)
	// ListInvitations lists invitations in creation order.
	ListInvitations(ctx context.Context, org OrgID, f InvitationFilter) ([]*Invitation, PageInfo, error)
	// UpdateInvitation writes Status, Nonce, ExpiresAt, UpdatedAt,
	// RespondedAt and AcceptedBy.
	UpdateInvitation(ctx context.Context, i *Invitation) error
	// RevokeInvitationsBy revokes, at time at, the pending invitations
	// (expired or not) that inviter made in org, and returns how many.
	RevokeInvitationsBy(ctx context.Context, org OrgID, inviter UserID, at time.Time) (int, error)
	// Secret returns the server-wide secret named name, storing value
	// under that name first if there is none, so that every replica signs
	// with the same key.
	Secret(ctx context.Context, name string, value []byte) ([]byte, error)
}

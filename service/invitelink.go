package service

import (
	"context"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// invitationKeySecret names the stored key that signs invitation links
// when none is configured.
const invitationKeySecret = "invitation-link-key"

// invites holds what invitations need beyond the store: the signing key,
// how long links last, where they point, and whom to wake for new mail.
type invites struct {
	ttl       time.Duration
	publicURL string
	wake      func()
	key       *serverKey
}

// expiry is when a link made at now stops working: the TTL later, to the
// second, since the link carries it in Unix seconds.
func (iv *invites) expiry(now time.Time) time.Time { return now.Add(iv.ttl).Truncate(time.Second) }

func newInvites(opts Options) *invites {
	iv := &invites{ttl: opts.InvitationTTL, publicURL: strings.TrimRight(opts.PublicURL, "/"), wake: opts.MailWake,
		key: newServerKey(invitationKeySecret, opts.InvitationKey)}
	if iv.ttl <= 0 {
		iv.ttl = keyward.DefaultInvitationTTL
	}
	if iv.publicURL == "" {
		iv.publicURL = "http://localhost:8080"
	}
	return iv
}

// invitationKey returns the key that signs invitation links (see
// serverKey).
func (s *Service) invitationKey(ctx context.Context) ([]byte, error) {
	return s.invites.key.get(ctx, s)
}

// linkToken returns the token of i's current link:
// <id>.<nonce>.<expiry unix seconds>.<base64url HMAC>. Every part is
// URL-safe.
func linkToken(key []byte, i *keyward.Invitation) string {
	return credential.NewLink(key, i.ID, i.OrgID, i.ExpiresAt.Unix(), i.Nonce).String()
}

// linkURL is the link an invitation email carries: the web console's
// invitation page, where a person accepts it (programs accept the same
// token through POST /v2/invitations/accept).
func (s *Service) linkURL(token string) string {
	return s.invites.publicURL + "/invitation?token=" + token
}

// errBadLink is the one answer for a link that is malformed, altered or
// signed with another key: which of them it was is nobody's business.
func errBadLink() error {
	return &keyward.Error{Code: keyward.CodeInvalid, Field: "token",
		Message: "This invitation link is not valid: it is incomplete or was altered. Use the link from the email exactly as sent."}
}

// parseLink splits token into its parts (credential.ParseLink), or
// answers errBadLink.
func parseLink(token string) (credential.Link, error) {
	l, ok := credential.ParseLink(token)
	if !ok {
		return credential.Link{}, errBadLink()
	}
	return l, nil
}

// openLink verifies token inside tx and returns its invitation if the link
// may still be used at now: signed by key, the invitation's current link
// (not one a resend replaced), pending and unexpired. Each refusal says
// plainly why.
func openLink(ctx context.Context, tx keyward.Tx, key []byte, token string, now time.Time) (*keyward.Invitation, error) {
	l, err := parseLink(token)
	if err != nil {
		return nil, err
	}
	i, err := tx.FindInvitation(ctx, l.ID)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, errBadLink()
	}
	if err != nil {
		return nil, err
	}
	if !l.SignedBy(key, i.OrgID) {
		return nil, errBadLink()
	}
	switch {
	case i.Status == keyward.InvitationAccepted:
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation has already been accepted; each link works once.")
	case i.Status == keyward.InvitationRevoked:
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation was revoked by the organization.")
	case i.Status != keyward.InvitationPending:
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation can no longer be accepted.")
	case l.Nonce != i.Nonce || l.Expires != i.ExpiresAt.Unix():
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation link was replaced by a newer one; use the link in the latest invitation email.")
	case !now.Before(i.ExpiresAt):
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation link expired at %s; ask the organization to resend it.",
			i.ExpiresAt.UTC().Format(time.RFC3339))
	}
	org, err := tx.GetOrganization(ctx, i.OrgID)
	if err != nil {
		return nil, err
	}
	if org.DeletedAt != nil {
		return nil, keyward.Errorf(keyward.CodeGone, "The organization %s was deleted; its invitations no longer work.", org.Name)
	}
	if org.SuspendedAt != nil {
		return nil, errOrgSuspended()
	}
	return i, nil
}

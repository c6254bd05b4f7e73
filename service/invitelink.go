package service

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
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

// newNonce returns a fresh per-link nonce (128 bits, hex).
func newNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("service: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// linkMAC signs what a link stands for: the invitation, its organization,
// its expiry and its nonce. Changing any of them, or the key, breaks it.
func linkMAC(key []byte, id keyward.InvitationID, org keyward.OrgID, expires int64, nonce string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("keyward-invitation-v1\n" + string(id) + "\n" + string(org) + "\n" + strconv.FormatInt(expires, 10) + "\n" + nonce))
	return m.Sum(nil)
}

// linkToken returns the token of i's current link:
// <id>.<nonce>.<expiry unix seconds>.<base64url HMAC>. Every part is
// URL-safe.
func linkToken(key []byte, i *keyward.Invitation) string {
	exp := i.ExpiresAt.Unix()
	return parsedLink{i.ID, i.Nonce, exp, linkMAC(key, i.ID, i.OrgID, exp, i.Nonce)}.String()
}

// linkURL is the link an invitation email carries: the web console's
// invitation page, where a person accepts it (programs accept the same
// token through POST /v2/invitations/accept).
func (s *Service) linkURL(token string) string {
	return s.invites.publicURL + "/invitation?token=" + token
}

// parsedLink is a token split into its parts, not yet verified.
type parsedLink struct {
	id      keyward.InvitationID
	nonce   string
	expires int64
	mac     []byte
}

// errBadLink is the one answer for a link that is malformed, altered or
// signed with another key: which of them it was is nobody's business.
func errBadLink() error {
	return &keyward.Error{Code: keyward.CodeInvalid, Field: "token",
		Message: "This invitation link is not valid: it is incomplete or was altered. Use the link from the email exactly as sent."}
}

// String returns the token l was read from, in the one spelling linkToken
// writes.
func (l parsedLink) String() string {
	return string(l.id) + "." + l.nonce + "." + strconv.FormatInt(l.expires, 10) + "." + base64.RawURLEncoding.EncodeToString(l.mac)
}

// signedBy reports whether l was signed with key for an invitation of org.
func (l parsedLink) signedBy(key []byte, org keyward.OrgID) bool {
	return hmac.Equal(l.mac, linkMAC(key, l.id, org, l.expires, l.nonce))
}

// parseLink splits token, less surrounding white space (a link pasted from
// an email), into its parts. Each part must be written as linkToken writes
// it: the expiry and the MAC are decoded by lenient parsers ("+1", "01";
// base64's unused bits and line breaks), so a token is accepted only if it
// reads back the same. Otherwise one link would have many spellings, and
// an altered one would pass its MAC.
func parseLink(token string) (parsedLink, error) {
	token = strings.TrimSpace(token)
	parts := strings.Split(token, ".")
	if len(parts) != 4 || !keyward.ValidID(parts[0]) || len(parts[1]) != 32 || !lowerHex(parts[1]) {
		return parsedLink{}, errBadLink()
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return parsedLink{}, errBadLink()
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || len(mac) != sha256.Size {
		return parsedLink{}, errBadLink()
	}
	l := parsedLink{keyward.InvitationID(parts[0]), parts[1], exp, mac}
	if l.String() != token {
		return parsedLink{}, errBadLink()
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
	i, err := tx.FindInvitation(ctx, l.id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, errBadLink()
	}
	if err != nil {
		return nil, err
	}
	if !l.signedBy(key, i.OrgID) {
		return nil, errBadLink()
	}
	switch {
	case i.Status == keyward.InvitationAccepted:
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation has already been accepted; each link works once.")
	case i.Status == keyward.InvitationRevoked:
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation was revoked by the organization.")
	case i.Status != keyward.InvitationPending:
		return nil, keyward.Errorf(keyward.CodeGone, "This invitation can no longer be accepted.")
	case l.nonce != i.Nonce || l.expires != i.ExpiresAt.Unix():
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

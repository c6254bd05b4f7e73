package credential

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
)

// A Link is an invitation link's token split into its parts:
// <invitation id>.<nonce>.<expiry, Unix seconds>.<base64url HMAC-SHA256>.
// Every part is URL-safe. A Link from ParseLink is well formed, not yet
// verified: SignedBy says whether the key signed it.
type Link struct {
	ID      keyward.InvitationID
	Nonce   string // 32 lowercase hex digits (NewNonce), one per link
	Expires int64  // Unix seconds
	MAC     []byte
}

// NewNonce returns a fresh per-link nonce (128 bits, hex).
func NewNonce() string { return Random(16) }

// NewLink returns the link of invitation id of org that expires at
// expires (Unix seconds), signed with key.
func NewLink(key []byte, id keyward.InvitationID, org keyward.OrgID, expires int64, nonce string) Link {
	return Link{id, nonce, expires, linkMAC(key, id, org, expires, nonce)}
}

// linkMAC signs what a link stands for: the invitation, its organization,
// its expiry and its nonce. Changing any of them, or the key, breaks it.
func linkMAC(key []byte, id keyward.InvitationID, org keyward.OrgID, expires int64, nonce string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("keyward-invitation-v1\n" + string(id) + "\n" + string(org) + "\n" + strconv.FormatInt(expires, 10) + "\n" + nonce))
	return m.Sum(nil)
}

// String returns the token of l, in the one spelling ParseLink accepts.
func (l Link) String() string {
	return string(l.ID) + "." + l.Nonce + "." + strconv.FormatInt(l.Expires, 10) + "." + base64.RawURLEncoding.EncodeToString(l.MAC)
}

// SignedBy reports whether l was signed with key for an invitation of
// org, comparing in constant time.
func (l Link) SignedBy(key []byte, org keyward.OrgID) bool {
	return hmac.Equal(l.MAC, linkMAC(key, l.ID, org, l.Expires, l.Nonce))
}

// ParseLink splits token, less surrounding white space (a link pasted from
// an email), into its parts. Each part must be written as String writes
// it: the expiry and the MAC are decoded by lenient parsers ("+1", "01";
// base64's unused bits and line breaks), so a token is accepted only if it
// reads back the same. Otherwise one link would have many spellings, and
// an altered one would pass its MAC.
func ParseLink(token string) (Link, bool) {
	token = strings.TrimSpace(token)
	parts := strings.Split(token, ".")
	if len(parts) != 4 || !keyward.ValidID(parts[0]) || len(parts[1]) != 32 || !LowerHex(parts[1]) {
		return Link{}, false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Link{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || len(mac) != sha256.Size {
		return Link{}, false
	}
	l := Link{keyward.InvitationID(parts[0]), parts[1], exp, mac}
	if l.String() != token {
		return Link{}, false
	}
	return l, true
}

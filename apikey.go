package keyward

import (
	"encoding/json"
	"time"
)

// APIKeyPrefix starts every API key keyward issues: kw_<key id>_<secret>.
const APIKeyPrefix = "kw_"

// APIKey is a bearer credential of one user in one organization. Only the
// SHA-256 of its secret is stored.
type APIKey struct {
	ID         APIKeyID
	OrgID      OrgID
	UserID     UserID
	Name       string
	SecretHash []byte // SHA-256 of the secret part
	CreatedBy  UserID
	CreatedAt  time.Time
	ExpiresAt  *time.Time // nil: never expires
	RevokedAt  *time.Time // nil: not revoked
	// Policy narrows the key: a request through it is allowed only if both
	// the owner's current permissions and this document allow it. Nil: the
	// key acts with all of its owner's permissions. Grid is the grid Policy
	// was generated from, if it was given as one.
	Policy json.RawMessage
	Grid   json.RawMessage
}

// Usable reports whether the key may authenticate at time now.
func (k *APIKey) Usable(now time.Time) bool {
	if k.RevokedAt != nil {
		return false
	}
	return k.ExpiresAt == nil || now.Before(*k.ExpiresAt)
}

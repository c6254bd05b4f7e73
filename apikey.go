package keyward

import "time"

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
}

// Usable reports whether the key may authenticate at time now.
func (k *APIKey) Usable(now time.Time) bool {
	if k.RevokedAt != nil {
		return false
	}
	return k.ExpiresAt == nil || now.Before(*k.ExpiresAt)
}

package keyward

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// Typed identifiers. All are canonical lowercase UUID strings (version 7 for
// the ones keyward mints), which are URL-path safe as Vultr's client needs.
type (
	OrgID        string
	UserID       string
	APIKeyID     string
	AuditEventID string
	GroupID      string
	RoleID       string
	PolicyID     string
)

var idState struct {
	mu   sync.Mutex
	last int64  // unix ms of the last ID
	seq  uint16 // 12-bit counter within that millisecond; guarded by mu
}

// NewID returns a new UUIDv7 string for time t. IDs minted by one process
// sort in creation order even within one millisecond (a 12-bit counter fills
// rand_a), which is what keyset pagination relies on.
func NewID(t time.Time) string {
	ms := t.UnixMilli()
	idState.mu.Lock()
	if ms <= idState.last {
		ms = idState.last
		idState.seq++
		if idState.seq > 0x0fff {
			ms++
			idState.seq = 0
		}
	} else {
		idState.seq = 0
	}
	idState.last = ms
	seq := idState.seq
	idState.mu.Unlock()

	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	b[6] = 0x70 | byte(seq>>8)
	b[7] = byte(seq)
	if _, err := rand.Read(b[8:]); err != nil {
		panic("keyward: crypto/rand failed: " + err.Error())
	}
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// ValidID reports whether s is a canonical lowercase UUID
// (8-4-4-4-12 hex digits), the only form keyward accepts for IDs.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

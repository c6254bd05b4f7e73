package service

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
)

// TrustInput is the body of trust create and update. On update every nil
// field keeps its value (Vultr's RoleTrustUpdateReq is all-optional), and
// naming any trusted entity replaces the one there was.
type TrustInput struct {
	RoleID              keyward.RoleID // create only; on update it must be "" or the trust's role
	Type                *keyward.TrustType
	Mode                *keyward.AssumptionMode
	TrustedUserID       *keyward.UserID
	TrustedGroupID      *keyward.GroupID
	TrustedOIDCIssuerID *string
	ClaimConditions     map[string]string // nil: keep (update) or none (create)
	Conditions          *ConditionsInput
	// ValidUntil is an RFC 3339 time or a date (YYYY-MM-DD, midnight UTC);
	// "" means the trust never expires.
	ValidUntil *string
	// AcknowledgeUnpinned is the caller's explicit consent to a trust of a
	// well-known CI issuer that does not pin sub and aud.
	AcknowledgeUnpinned bool
}

// ConditionsInput is the conditions object of a trust, as Vultr sends it
// with keyward's days_of_week.
type ConditionsInput struct {
	TimeOfDay  *keyward.TimeOfDay
	DaysOfWeek []string // day names or their three-letter abbreviations
	IPAddress  []string // CIDR ranges or single addresses
}

// clean validates c into stored conditions.
func (c *ConditionsInput) clean() (keyward.TrustConditions, error) {
	var out keyward.TrustConditions
	if c == nil {
		return out, nil
	}
	if w := c.TimeOfDay; w != nil {
		for _, f := range []struct {
			name string
			v    int
		}{{"start", w.Start}, {"end", w.End}} {
			if f.v < 0 || f.v > 23 {
				return out, keyward.FieldError("conditions.time_of_day."+f.name, "time_of_day.%s is %d; it must be an hour from 0 to 23 (UTC).", f.name, f.v)
			}
		}
		out.TimeOfDay = &keyward.TimeOfDay{Start: w.Start, End: w.End}
	}
	for i, d := range c.DaysOfWeek {
		wd, ok := keyward.ParseWeekday(d)
		if !ok {
			return out, keyward.FieldError("conditions.days_of_week["+strconv.Itoa(i)+"]", "%q is not a day of the week (monday … sunday).", d)
		}
		out.DaysOfWeek = append(out.DaysOfWeek, wd)
	}
	for i, a := range c.IPAddress {
		a = strings.TrimSpace(a)
		p, err := netip.ParsePrefix(a)
		if err != nil {
			ip, ierr := netip.ParseAddr(a)
			if ierr != nil {
				return out, keyward.FieldError("conditions.ip_address["+strconv.Itoa(i)+"]", "%q is not a CIDR range or an IP address.", a)
			}
			p = netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen())
		}
		out.IPAddress = append(out.IPAddress, p.Masked())
	}
	return out, nil
}

// parseValidUntil reads a trust's valid_until: "" is never.
func parseValidUntil(s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC().Truncate(time.Microsecond)
			if !t.After(now) {
				return nil, keyward.FieldError("valid_until", "valid_until %s is not in the future.", s)
			}
			return &t, nil
		}
	}
	return nil, keyward.FieldError("valid_until", "valid_until %q is not an RFC 3339 time or a date (YYYY-MM-DD).", s)
}

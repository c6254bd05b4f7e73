package keyward

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// RoleTrustID identifies a role trust.
type RoleTrustID string

// TrustType is Vultr's trust_type: how the trusted entity takes on the role.
type TrustType string

// The trust types, as Vultr documents them.
const (
	// TrustTemporary: the entity calls assume and the session is the
	// principal.
	TrustTemporary TrustType = "TemporaryAssumption"
	// TrustIAM: assumed through OIDC validation; the real user stays the
	// principal.
	TrustIAM TrustType = "IAMAssumption"
	// TrustFederated: assumed through OIDC validation; the role itself is
	// the principal, with no platform user.
	TrustFederated TrustType = "FederatedAssumption"
)

// AssumptionMode says whether a trusted user or group member must call
// assume (manual) or holds the role's permissions as long as the trust
// holds (automatic).
type AssumptionMode string

// The assumption modes.
const (
	AssumeManual    AssumptionMode = "manual"
	AssumeAutomatic AssumptionMode = "automatic"
)

// RoleTrust says who may take on an assumable role, until when, how, and
// under which conditions. Exactly one of TrustedUserID, TrustedGroupID and
// TrustedOIDCIssuerID is set.
type RoleTrust struct {
	ID                  RoleTrustID
	OrgID               OrgID
	RoleID              RoleID
	Type                TrustType
	Mode                AssumptionMode
	TrustedUserID       UserID
	TrustedGroupID      GroupID
	TrustedOIDCIssuerID string
	// ClaimConditions pin claims of an OIDC token: claim name → value,
	// exact or a glob with *. Only for an OIDC issuer trust.
	ClaimConditions map[string]string
	Conditions      TrustConditions
	ValidUntil      *time.Time // nil: never expires
	CreatedBy       UserID
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// DeletedAt is set while the trust is deleted (soft): it allows
	// nothing and has ended its sessions; RestoreRoleTrust brings it back.
	DeletedAt *time.Time
}

// Live reports whether the trust grants at time at: not deleted and not
// past ValidUntil.
func (t *RoleTrust) Live(at time.Time) bool {
	return t.DeletedAt == nil && (t.ValidUntil == nil || at.Before(*t.ValidUntil))
}

// TimeOfDay is a daily window in whole UTC hours, Start and End included
// (0–23; {0, 23} is the whole day). A window whose Start is after its End
// wraps midnight: {22, 5} is 22:00 to 05:59.
type TimeOfDay struct {
	Start int
	End   int
}

// TrustConditions restrict when and from where a trust applies. Zero
// fields do not restrict.
type TrustConditions struct {
	TimeOfDay  *TimeOfDay
	DaysOfWeek []time.Weekday // UTC days on which the trust applies
	IPAddress  []netip.Prefix // the request's source must be in one of them
}

// Weekday names as keyward reads and writes them, lowercase.
var weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// WeekdayName returns the lowercase English name of d.
func WeekdayName(d time.Weekday) string { return weekdayNames[d%7] }

// ParseWeekday reads a day's English name or its first three letters, in
// any case.
func ParseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range weekdayNames {
		if s == n || len(s) == 3 && s == n[:3] {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// Check tells whether the conditions hold for a request at time at from
// source address ip (invalid when unknown). It returns the conditions met,
// as Vultr's conditions_met names them ("time_of_day", "days_of_week",
// "ip_address"), or an error saying which one failed. A condition on an
// unknown time or address is not met.
func (c TrustConditions) Check(at time.Time, ip netip.Addr) ([]string, error) {
	met := []string{}
	at = at.UTC()
	if c.TimeOfDay != nil {
		if !c.timeOfDayHolds(at) {
			return nil, fmt.Errorf("the trust applies from %02d:00 to %02d:59 UTC only", c.TimeOfDay.Start, c.TimeOfDay.End)
		}
		met = append(met, "time_of_day")
	}
	if len(c.DaysOfWeek) > 0 {
		if !c.dayHolds(at) {
			names := make([]string, len(c.DaysOfWeek))
			for i, d := range c.DaysOfWeek {
				names[i] = WeekdayName(d)
			}
			return nil, fmt.Errorf("the trust applies on %s (UTC) only", strings.Join(names, ", "))
		}
		met = append(met, "days_of_week")
	}
	if len(c.IPAddress) > 0 {
		if !c.addressHolds(ip) {
			names := make([]string, len(c.IPAddress))
			for i, p := range c.IPAddress {
				names[i] = p.String()
			}
			return nil, fmt.Errorf("the trust applies to requests from %s only", strings.Join(names, ", "))
		}
		met = append(met, "ip_address")
	}
	return met, nil
}

// Holds reports what Check does, whether the conditions hold, without
// saying why or allocating: for deciding requests.
func (c TrustConditions) Holds(at time.Time, ip netip.Addr) bool {
	at = at.UTC()
	return (c.TimeOfDay == nil || c.timeOfDayHolds(at)) &&
		(len(c.DaysOfWeek) == 0 || c.dayHolds(at)) &&
		(len(c.IPAddress) == 0 || c.addressHolds(ip))
}

func (c TrustConditions) timeOfDayHolds(at time.Time) bool {
	h, w := at.Hour(), c.TimeOfDay
	in := w.Start <= h && h <= w.End
	if w.Start > w.End {
		in = h >= w.Start || h <= w.End
	}
	return !at.IsZero() && in
}

func (c TrustConditions) dayHolds(at time.Time) bool {
	return !at.IsZero() && slices.Contains(c.DaysOfWeek, at.Weekday())
}

func (c TrustConditions) addressHolds(ip netip.Addr) bool {
	for _, p := range c.IPAddress {
		if ip.IsValid() && p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// TrustFilter narrows a trust listing. Zero fields do not filter.
type TrustFilter struct {
	RoleID RoleID
	// User lists the trusts of that user: to it directly or to a group
	// it is a member of.
	User    UserID
	Deleted bool // list the deleted trusts instead of the live ones
	Page    Page
}

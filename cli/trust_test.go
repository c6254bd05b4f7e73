package cli

import (
	"testing"
	"time"
)

func TestValidFor(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 30, 15, 500, time.UTC)
	for _, tt := range []struct{ preset, want string }{
		{"1m", "2026-12-23T12:30:15Z"},
		{"3m", "2027-02-23T12:30:15Z"},
		{"6m", "2027-05-23T12:30:15Z"},
		{"1y", "2027-11-23T12:30:15Z"},
		{"2y", "2028-11-23T12:30:15Z"},
	} {
		if got, err := validFor(tt.preset, now); err != nil || got != tt.want {
			t.Errorf("validFor(%q) = %q, %v; want %q", tt.preset, got, err, tt.want)
		}
	}
	if _, err := validFor("1w", now); err == nil {
		t.Error("validFor(1w) succeeded, want an error")
	}
}

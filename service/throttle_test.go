package service

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// TestReserveIsAtomic: concurrent reservations never take more than a
// budget holds, and one refused by any of its budgets takes from none.
func TestReserveIsAtomic(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	l := newLogins(Options{LoginLimits: LoginLimits{PerAccountAddress: 5, PerAccount: 7, PerAddress: 1000}})
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if a, _ := l.reservePassword("Erin@example.com ", "192.0.2.1", now); a != nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if got := ok.Load(); got != 5 {
		t.Errorf("200 concurrent reservations from one address: %d taken, want 5", got)
	}
	// The account's budget has 2 left; the refused ones above took none.
	var taken []*credential.Attempt
	for i, want := range []bool{true, true, false} {
		a, d := l.reservePassword("erin@example.com", "192.0.2.2", now)
		if got := a != nil; got != want || got == (d > 0) {
			t.Errorf("reservation %d from another address: %v (wait %v), want %v", i, got, d, want)
		}
		if a != nil {
			taken = append(taken, a)
		}
	}
	taken[0].Refund(now) // a right password
	for i, want := range []time.Duration{0, time.Hour / 7} {
		if a, d := l.reservePassword("erin@example.com", "192.0.2.3", now); (a != nil) != (want == 0) || d != want {
			t.Errorf("reservation %d after a refund: %v, wait %v; want wait %v", i, a != nil, d, want)
		}
	}
}

// TestDrain: the stored budget leaks one failure every window/n, counted
// from the last whole leak, and says how long until one more fits.
func TestDrain(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	l := newLogins(Options{LoginLimits: LoginLimits{PerAccount: 4}}) // one leaks every 15 minutes
	tests := []struct {
		name         string
		failures     int
		at           time.Time
		wantFailures int
		wantAt       time.Time
		wantWait     time.Duration
	}{
		{"none stored", 0, time.Time{}, 0, now, 0},
		{"full now", 4, now, 4, now, 15 * time.Minute},
		{"full, leaking", 4, now.Add(-10 * time.Minute), 4, now.Add(-10 * time.Minute), 5 * time.Minute},
		{"one leaked", 4, now.Add(-20 * time.Minute), 3, now.Add(-5 * time.Minute), 0},
		{"all leaked", 4, now.Add(-2 * time.Hour), 0, now, 0},
		{"not full", 2, now.Add(-time.Minute), 2, now.Add(-time.Minute), 0},
		{"a clock behind", 4, now.Add(time.Minute), 4, now.Add(time.Minute), 16 * time.Minute},
	}
	for _, tt := range tests {
		f := &keyward.LoginFailures{Failures: tt.failures, UpdatedAt: tt.at}
		wait := l.drain(f, now)
		if f.Failures != tt.wantFailures || !f.UpdatedAt.Equal(tt.wantAt) || wait != tt.wantWait {
			t.Errorf("%s: got %d as of %v, wait %v; want %d as of %v, wait %v",
				tt.name, f.Failures, f.UpdatedAt, wait, tt.wantFailures, tt.wantAt, tt.wantWait)
		}
	}
}

package credential

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestThrottle: a budget gives N tokens, refills one every Window/N, a
// refusal by any budget takes from none, a refund gives back, and Forget
// refills by key and by prefix.
func TestThrottle(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	th := NewThrottle()
	small := Budget{Key: "pair\x00a\x00x", N: 2, Window: time.Minute}
	big := Budget{Key: "account\x00a", N: 3, Window: time.Hour}
	var got []bool
	for range 3 {
		a, _ := th.Reserve(now, small, big)
		got = append(got, a != nil)
	}
	if want := []bool{true, true, false}; !slices.Equal(got, want) {
		t.Fatalf("three reservations: %v, want %v", got, want)
	}
	// The refusal took nothing from big: one token is left there.
	if a, d := th.Reserve(now, big); a == nil || d != 0 {
		t.Fatalf("big after the refusal: %v, wait %v; want a token", a, d)
	}
	if a, d := th.Reserve(now, big); a != nil || d != time.Hour/3 {
		t.Fatalf("big, empty: %v, wait %v; want a wait of %v", a, d, time.Hour/3)
	}
	if a, d := th.Reserve(now.Add(30*time.Second), small); a == nil || d != 0 {
		t.Fatalf("small 30 s later: %v, wait %v; want the token that came back", a, d)
	}
	th.Forget([]string{big.Key}, "pair\x00a\x00")
	for _, b := range []Budget{small, small, big, big, big} {
		if a, _ := th.Reserve(now.Add(30*time.Second), b); a == nil {
			t.Fatalf("after Forget, %q refused", b.Key)
		}
	}
	a, _ := th.Reserve(now.Add(30*time.Second), Budget{Key: "ip\x00z", N: 1, Window: time.Minute})
	a.Refund(now.Add(30 * time.Second))
	if a, _ := th.Reserve(now.Add(30*time.Second), Budget{Key: "ip\x00z", N: 1, Window: time.Minute}); a == nil {
		t.Fatal("after a refund the token is not back")
	}
}

// TestThrottleAtomic: 200 concurrent reservations of a budget of 5 take 5.
func TestThrottleAtomic(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	th := NewThrottle()
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if a, _ := th.Reserve(now, Budget{Key: "k", N: 5, Window: time.Minute}, Budget{Key: "l", N: 1000, Window: time.Minute}); a != nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if got := ok.Load(); got != 5 {
		t.Errorf("200 concurrent reservations: %d taken, want 5", got)
	}
}

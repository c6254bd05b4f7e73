package credential

import (
	"strconv"
	"testing"
	"time"
)

// TestThrottleSweepsSeldom: a Throttle full of budgets that are not full
// sweeps for full ones once, not at every new key, until sweepEvery has
// passed; and a sweep drops the budgets that have refilled.
func TestThrottleSweepsSeldom(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	th := NewThrottle()
	spend := func(at time.Time, key string) {
		if a, _ := th.Reserve(at, Budget{Key: key, N: 5, Window: time.Minute}); a == nil {
			t.Fatalf("%s refused", key)
		}
	}
	for i := range MaxBudgets {
		spend(now, strconv.Itoa(i))
	}
	for i := range 1000 {
		spend(now, "more "+strconv.Itoa(i))
	}
	if th.sweeps != 1 {
		t.Errorf("1000 new keys at once at MaxBudgets: %d sweeps, want 1", th.sweeps)
	}
	// 12 s later every budget has its token back (one every 12 s).
	later := now.Add(time.Minute / 5)
	spend(later, "after the refill")
	if th.sweeps != 2 || len(th.buckets) != 1 {
		t.Errorf("a new key once every budget refilled: %d sweeps, %d budgets; want 2 and 1", th.sweeps, len(th.buckets))
	}
}

package policytest

import (
	"slices"
	"time"
)

// ClockOverhead returns the median cost, in nanoseconds, of a time.Now /
// time.Since pair: what a benchmark that times single calls subtracts
// from each timing, so that a short call is not reported as the clock's
// cost.
func ClockOverhead() float64 {
	ds := make([]float64, 10001)
	for i := range ds {
		t0 := time.Now()
		ds[i] = float64(time.Since(t0))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

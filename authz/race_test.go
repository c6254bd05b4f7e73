//go:build race

package authz_test

// raceEnabled is set when the tests run with -race, which allocates where
// the code itself does not.
const raceEnabled = true

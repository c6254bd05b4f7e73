// Package policytest holds what the tests and benchmarks of package policy
// and of its users (authz, httpapi) share, in the manner of
// net/http/httptest: the generated "large" organization of the policy
// issue, as plain data; the clock's cost for benchmarks that time single
// calls; the reference for JSON objects with a key twice, which policy's
// parser and the API's strict bodies both refuse.
//
// It imports the standard library alone. Package policy's own tests are
// internal to it (package policy), so a helper they import must not import
// policy: the organization is drawn as ids, statements in plain Go types
// and who holds what by index, and each package's tests turn it into its
// own types. Only tests import it.
package policytest

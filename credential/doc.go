// Package credential holds the formats and checks of keyward's
// credentials, apart from the use cases that issue and revoke them
// (package service): the bearer tokens keyward mints (API keys, login
// sessions, role sessions, SCIM tokens: <prefix><id>_<secret>, stored as
// the SHA-256 of the secret), the signed links of invitations, and
// passwords (the rules a new one must meet, the common-password list,
// argon2id hashing), and the throttle (token-bucket budgets, reserved
// atomically before a password is hashed and refunded when it was right)
// that keeps guessing slow.
//
// It is pure: no store, no clock it reads itself, no network; the
// standard library, the root package's types and argon2 only. Every
// parser in it is fuzzed (token_test.go, link_test.go).
package credential

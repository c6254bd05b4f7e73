// Package authz answers keyward's authorization questions for one
// organization at a time: may this principal do this action on this
// resource, why, what may a principal do (effective access), who may do
// this (who-can), and which roles and policies reach a user or group, by
// which paths (Reach, which the API's user and group views list).
//
// It works on a Snapshot: the organization's access graph (members, groups,
// roles, bindings, policies, attachments) read from the store at one
// revision, with each principal's policies compiled on first use. An
// Authorizer keeps the latest snapshot of each organization and rebuilds it
// when a request has seen a newer revision, so a caller always sees its own
// writes, on any replica.
//
// The decision follows docs/policy.md: an unknown or suspended principal is
// denied; the root owner is allowed everything; otherwise an explicit Deny
// in any of the principal's policies wins, then an Allow, and the default
// is deny.
package authz

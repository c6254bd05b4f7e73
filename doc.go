// Package keyward holds keyward's domain: organizations, accounts and their
// memberships (users), API keys, audit events, typed IDs, the Error type with
// its Codes, and the storage contract (Store and Tx) that package sqlstore
// implements and package service consumes.
//
// It imports the standard library only. Adapters (sqlstore, httpapi, cli)
// are sibling packages that speak these types; wiring lives in cmd/keyward.
package keyward

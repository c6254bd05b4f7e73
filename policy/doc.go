// Package policy is keyward's policy language and evaluation engine: it parses and validates
// policy documents, holds the action catalog and the managed policies, compiles a principal's
// policies into a Set and answers authorization requests with a Decision or an Explanation.
//
// A document is Vultr's JSON format with keyward's optional Sid and Condition:
//
//	{"Version": "2026-03-20", "Statement": [
//	  {"Effect": "Allow", "Action": ["compute.instance.*"], "Resource": "*",
//	   "Condition": {"IpAddress": {"keyward:SourceIp": "10.0.0.0/8"}}}]}
//
// Parse is strict and reports every problem by path (ValidationErrors); Decode reads a stored
// document for evaluation even when Parse would now refuse it. Compile turns the policies a
// principal holds (with where each came from) into a Set; (*Set).Decide answers a Request
// without allocating: any matching Deny denies, else any matching Allow allows, else the
// request is denied. (*Set).Explain says why. DecideLayers and ExplainLayers combine sets
// that must all allow, such as a principal's policies and a token's inline policy. A policy
// that cannot be evaluated never turns into an allow. The full language is specified in
// docs/policy.md.
//
// The package is pure: it imports only the standard library, does no I/O and takes no
// context. Loading policies, collecting a principal's set and caching compiled sets is the
// job of package authz.
package policy

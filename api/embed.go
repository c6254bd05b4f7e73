// Package api holds keyward's HTTP contract: openapi.yaml, the OpenAPI 3.0.3
// document of the REST API. The server serves it at /v2/openapi.yaml, the
// typed client in package api/client is generated from it, and
// docs/api.md explains it. It imports the standard library only.
package api

import _ "embed"

// Spec is the OpenAPI document, openapi.yaml, as YAML.
//
//go:embed openapi.yaml
var Spec []byte

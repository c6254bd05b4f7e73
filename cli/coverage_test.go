package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/api"
)

// notInCLI are the API's operations no command calls, each with why: the
// endpoints of protocols whose clients are browsers, relying parties and
// SDKs rather than people at a terminal, the probes of operators' tools,
// and aliases kept for Vultr's clients of what a command already does.
var notInCLI = map[string]string{
	"attachRolePolicyByBody": "Vultr's body form of role attach-policy, which calls attachRolePolicy",
	"awsSTS":                 "the AWS STS protocol, for AWS SDKs",
	"describeInvitationLink": "what an invitation email's link shows a browser; keyward invite accept takes the link",
	"discoverOIDCProvider":   "OpenID discovery, for relying parties",
	"getEndpointActionMap":   "one of Vultr's endpoint action maps, which catalog endpoints lists whole",
	"getHealth":              "a liveness probe",
	"getMetrics":             "Prometheus's scrape",
	"getOIDCProviderKeys":    "the JWKS, for relying parties",
	"getOIDCToken":           "the record of a workload token, for the workload's tooling; keyward oidc token prints its expiry when it mints it",
	"getOpenAPISpec":         "the contract, for code generators",
	"getReadiness":           "a readiness probe",
	"getSAMLMetadata":        "SAML metadata, for identity providers",
	"listAvailableActions":   "Vultr's alias of the action catalog, which catalog list lists",
	"oidcRevoke":             "OAuth token revocation, for relying parties",
	"oidcTokenExchange":      "the OAuth token endpoint, for relying parties",
	"oidcUserinfo":           "OpenID userinfo, for relying parties",
	"oidcUserinfoPost":       "OpenID userinfo, for relying parties",
	"samlACS":                "the SAML assertion consumer, for browsers",
	"ssoCallback":            "the identity provider's callback, for browsers; keyward login --sso reads its result",
	"startSSO":               "the start of a browser's sign-in; keyward login --sso opens it",
}

// TestEveryOperationHasACommand fails when an operation of the API is
// called by no command of the CLI and is not in notInCLI: every
// capability of the API is one a person can use from the terminal.
func TestEveryOperationHasACommand(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	ops := regexp.MustCompile(`(?m)^\s+operationId: (\w+)$`).FindAllStringSubmatch(string(api.Spec), -1)
	if len(ops) < 100 {
		t.Fatalf("found %d operations in the spec: the pattern no longer reads it", len(ops))
	}
	seen := map[string]bool{}
	for _, m := range ops {
		op := m[1]
		seen[op] = true
		method := strings.ToUpper(op[:1]) + op[1:]
		// A call, or a method expression handed to an adapter (linkCall),
		// names the generated method as a whole identifier.
		called := regexp.MustCompile(`\.` + method + `(WithBody)?WithResponse\b`).MatchString(src.String())
		why, excused := notInCLI[op]
		switch {
		case !called && !excused:
			t.Errorf("operation %s: no command calls it (add one, or say in notInCLI why not)", op)
		case called && excused:
			t.Errorf("operation %s: a command calls it, yet notInCLI excuses it (%s)", op, why)
		}
	}
	for op := range notInCLI {
		if !seen[op] {
			t.Errorf("notInCLI names %s, which is no operation of the spec", op)
		}
	}
}

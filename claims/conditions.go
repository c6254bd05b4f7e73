package claims

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/keyward-iam/keyward"
)

// ClaimConditions are a trust's conditions on the claims of a web identity
// token: claim name → pattern. A pattern is matched exactly, except that
// each * in it matches any run of characters (slashes and colons
// included), so "repo:acme/api:ref:refs/heads/*" matches every branch of
// acme/api. A claim whose value is an array (such as aud) matches when any
// element does; a number or boolean is matched as its JSON text. A missing
// claim never matches. Every condition must hold.
type ClaimConditions map[string]string

// Check returns nil if claims meet every condition, or a
// CodePermissionDenied error naming the first one (by name) that fails.
func (c ClaimConditions) Check(claims map[string]any) error {
	names := make([]string, 0, len(c))
	for name := range c {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !claimMatches(claims[name], c[name]) {
			return &keyward.Error{
				Code:    keyward.CodePermissionDenied,
				Message: fmt.Sprintf("The token's %s claim (%s) does not match the trust's condition %q.", name, claimText(claims[name]), c[name]),
			}
		}
	}
	return nil
}

// Validate checks the conditions' shape: non-empty claim names and
// patterns of sane length. field prefixes the names in errors.
func (c ClaimConditions) Validate(field string) error {
	for name, pattern := range c {
		switch {
		case strings.TrimSpace(name) == "" || len(name) > 128:
			return keyward.FieldError(field, "%s has a claim name that is empty or longer than 128 characters.", field)
		case pattern == "" || len(pattern) > 1024:
			return keyward.FieldError(field+"."+name, "%s.%s must be a non-empty pattern of at most 1024 characters.", field, name)
		case strings.Trim(pattern, "*") == "":
			return keyward.FieldError(field+"."+name, "%s.%s is %q, which matches anything; pin the claim or drop the condition.", field, name, pattern)
		}
	}
	return nil
}

func claimMatches(v any, pattern string) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return Glob(pattern, v)
	case []any:
		return slices.ContainsFunc(v, func(e any) bool {
			_, isList := e.([]any)
			return !isList && claimMatches(e, pattern)
		})
	case []string:
		return slices.ContainsFunc(v, func(e string) bool { return Glob(pattern, e) })
	case map[string]any:
		return false
	default:
		b, err := json.Marshal(v)
		return err == nil && Glob(pattern, string(b))
	}
}

// claimText shows a claim's value in an error, shortened.
func claimText(v any) string {
	if v == nil {
		return "missing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "unreadable"
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// Glob reports whether s matches pattern, where * matches any run of
// characters and everything else matches itself, case-sensitively (claims
// are case-sensitive).
func Glob(pattern, s string) bool {
	// Greedy with one backtrack point: linear in practice, never
	// exponential.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// wellKnownCI are issuers whose tokens any of their many tenants can mint:
// GitHub Actions signs a token for every workflow run of every repository,
// GitLab.com for every job of every project. A trust in one of them that
// does not pin who (sub) and for whom (aud) trusts every tenant of that
// service.
var wellKnownCI = map[string]string{
	"https://token.actions.githubusercontent.com": "GitHub Actions",
	"https://gitlab.com":                          "GitLab.com",
}

// wellKnownName names the shared CI or cluster issuer url is, or "".
// Kubernetes service-account issuers are recognised by their usual hosts
// (EKS, GKE, AKS) and by the in-cluster default issuer: any pod's service
// account in such a cluster can get a token from them.
func wellKnownName(url string) string {
	u := strings.TrimRight(strings.ToLower(url), "/")
	if name := wellKnownCI[u]; name != "" {
		return name
	}
	host, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "/")
	switch {
	case strings.HasPrefix(host, "oidc.eks.") && strings.HasSuffix(host, ".amazonaws.com"),
		host == "container.googleapis.com",
		strings.HasSuffix(host, ".oic.prod-aks.azure.com"),
		host == "kubernetes.default.svc", host == "kubernetes.default.svc.cluster.local":
		return "a Kubernetes service-account issuer"
	}
	return ""
}

// CheckTrustConditions is the rule for a trust that names an OIDC issuer:
// if the issuer is a well-known shared CI or Kubernetes issuer, the trust
// must pin both sub and aud with conditions that are not bare wildcards,
// because otherwise every tenant of that service (every repository on
// GitHub, every pod of the cluster) could assume the role. acknowledge
// overrides the rule for callers who mean it. The error is CodeInvalid
// naming claim_conditions and says why.
func CheckTrustConditions(issuerURL string, conds ClaimConditions, acknowledge bool) error {
	if err := conds.Validate("claim_conditions"); err != nil {
		return err
	}
	name := wellKnownName(issuerURL)
	if name == "" || acknowledge {
		return nil
	}
	var missing []string
	for _, claim := range []string{"sub", "aud"} {
		if p := conds[claim]; p == "" || strings.Trim(p, "*") == "" {
			missing = append(missing, claim)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return keyward.FieldError("claim_conditions",
		"%s is %s, which mints tokens for all of its users: a trust that does not pin %s lets any of them assume this role. "+
			"Add claim conditions for %s (for GitHub Actions, sub like \"repo:OWNER/REPO:ref:refs/heads/main\"), "+
			"or set acknowledge_unpinned_claims to true if you really mean to trust them all.",
		issuerURL, name, strings.Join(missing, " and "), strings.Join(missing, " and "))
}

package claims_test

import (
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

func TestMeets(t *testing.T) {
	payload := map[string]any{
		"sub": "repo:acme/api:ref:refs/heads/main", "aud": []any{"keyward", "other"},
		"repository_owner": "acme", "run_attempt": float64(2), "enabled": true, "nested": map[string]any{"a": "b"},
	}
	tests := []struct {
		name    string
		checked bool
		conds   claims.ClaimConditions
		want    keyward.Code
	}{
		{"no conditions, audience checked", true, nil, ""},
		{"no conditions, audience unchecked", false, nil, keyward.CodePermissionDenied},
		{"aud pinned by the trust", false, claims.ClaimConditions{"aud": "keyward"}, ""},
		{"aud pin not held", false, claims.ClaimConditions{"aud": "nope"}, keyward.CodePermissionDenied},
		{"sub exact", true, claims.ClaimConditions{"sub": "repo:acme/api:ref:refs/heads/main"}, ""},
		{"sub glob", true, claims.ClaimConditions{"sub": "repo:acme/*:ref:refs/heads/*"}, ""},
		{"sub other repo", true, claims.ClaimConditions{"sub": "repo:acme/web:*"}, keyward.CodePermissionDenied},
		{"sub prefix only", true, claims.ClaimConditions{"sub": "repo:acme/api"}, keyward.CodePermissionDenied},
		{"other claim equal", true, claims.ClaimConditions{"repository_owner": "acme"}, ""},
		{"number claim", true, claims.ClaimConditions{"run_attempt": "2"}, ""},
		{"bool claim", true, claims.ClaimConditions{"enabled": "true"}, ""},
		{"object claim never matches", true, claims.ClaimConditions{"nested": "*b*"}, keyward.CodePermissionDenied},
		{"missing claim", true, claims.ClaimConditions{"environment": "prod"}, keyward.CodePermissionDenied},
		{"case matters", true, claims.ClaimConditions{"repository_owner": "ACME"}, keyward.CodePermissionDenied},
		{"all must hold", true, claims.ClaimConditions{"repository_owner": "acme", "sub": "x"}, keyward.CodePermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := &claims.Identity{Issuer: "https://i", AudienceChecked: tt.checked, Claims: payload}
			if got := keyward.ErrorCode(id.Meets(tt.conds)); got != tt.want {
				t.Errorf("Meets = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"*", "", true},
		{"a*", "a/b:c", true},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "ab", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*:ref:*", "repo:x:ref:refs/tags/v1", true},
		{"", "", true},
		{"", "a", false},
		{"a**", "abc", true},
	}
	for _, tt := range tests {
		if got := claims.Glob(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestCheckTrustConditions(t *testing.T) {
	gh := "https://token.actions.githubusercontent.com"
	pinned := claims.ClaimConditions{"sub": "repo:acme/api:ref:refs/heads/main", "aud": "keyward"}
	tests := []struct {
		name   string
		issuer string
		conds  claims.ClaimConditions
		ack    bool
		want   string // "" or a part of the message
	}{
		{"GitHub pinned", gh, pinned, false, ""},
		{"GitHub without conditions", gh, nil, false, "pin sub and aud"},
		{"GitHub without aud", gh, claims.ClaimConditions{"sub": "repo:acme/api:*"}, false, "pin aud"},
		{"GitHub with a wildcard sub", gh, claims.ClaimConditions{"sub": "**", "aud": "keyward"}, false, "matches anything"},
		{"GitHub acknowledged", gh, nil, true, ""},
		{"GitHub with trailing slash", gh + "/", claims.ClaimConditions{"aud": "keyward"}, false, "pin sub"},
		{"GitLab", "https://gitlab.com", claims.ClaimConditions{"sub": "project_path:acme/api:*"}, false, "GitLab.com"},
		{"EKS", "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", nil, false, "Kubernetes"},
		{"GKE", "https://container.googleapis.com/v1/projects/p/locations/l/clusters/c", nil, false, "Kubernetes"},
		{"private issuer", "https://idp.acme.example", nil, false, ""},
		{"empty pattern", "https://idp.acme.example", claims.ClaimConditions{"sub": ""}, false, "non-empty pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := claims.CheckTrustConditions(tt.issuer, tt.conds, tt.ack)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckTrustConditions = %v, want nil", err)
			case tt.want != "" && (keyward.ErrorCode(err) != keyward.CodeInvalid || !strings.Contains(keyward.ErrorMessage(err), tt.want)):
				t.Errorf("CheckTrustConditions = %v, want invalid with %q", err, tt.want)
			}
		})
	}
}

func TestCheckIssuerURL(t *testing.T) {
	tests := []struct {
		url       string
		allowHTTP bool
		ok        bool
	}{
		{"https://token.actions.githubusercontent.com", false, true},
		{"https://idp.example/realms/acme", false, true},
		{"http://127.0.0.1:8080", false, false},
		{"http://127.0.0.1:8080", true, true},
		{"", false, false},
		{"token.actions.githubusercontent.com", false, false},
		{"https://idp.example/?x=1", false, false},
		{"https://idp.example/#f", false, false},
		{"https://user:pw@idp.example", false, false},
		{"ftp://idp.example", true, false},
		{"https://" + strings.Repeat("a", 600), false, false},
	}
	for _, tt := range tests {
		err := claims.CheckIssuerURL("uri", tt.url, tt.allowHTTP)
		if (err == nil) != tt.ok {
			t.Errorf("CheckIssuerURL(%q, %v) = %v, want ok %v", tt.url, tt.allowHTTP, err, tt.ok)
		}
		if err != nil && keyward.AsError(err).Field != "uri" {
			t.Errorf("CheckIssuerURL(%q): field %q, want uri", tt.url, keyward.AsError(err).Field)
		}
	}
}

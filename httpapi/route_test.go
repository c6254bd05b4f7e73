package httpapi

import (
	"strings"
	"testing"
)

func TestMatchSegments(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/v2/invitations/{token}", "/v2/invitations/abc", true},
		{"/v2/invitations/{token}", "/v2/invitations/", false},           // a wildcard matches a non-empty segment
		{"/v2/invitations/{token}", "/v2/invitations", false},            // fewer segments
		{"/v2/invitations/{token}", "/v2/invitations/abc/accept", false}, // more segments
		{"/v2/invitations/{token}", "/v2/invitation/abc", false},
		{"/v2/oidc/{id}/jwks", "/v2/oidc/x/jwks", true},
		{"/v2/oidc/{id}/jwks", "/v2/oidc/x/jwk", false},
		{"/v2/oidc/{id}/jwks", "/v2/oidc//jwks", false},
		{"/v2/oidc/{id}/jwks", "v2/oidc/x/jwks", false},
	}
	for _, tt := range tests {
		if got := matchSegments(strings.Split(tt.pattern, "/"), tt.path); got != tt.want {
			t.Errorf("matchSegments(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

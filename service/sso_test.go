package service

import "testing"

// TestLocalPath: a sign-in comes back only to a path of this server.
func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/team", "/team"},
		{"/oidc/authorize/resume?id=abc", "/oidc/authorize/resume?id=abc"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"team", "/"},
		{"/team\r\nSet-Cookie: x=y", "/"},
		{"/a\tb", "/"},
	} {
		if got := LocalPath(tc.in); got != tc.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

package policy

import (
	"strings"
	"testing"
)

func TestCheckTag(t *testing.T) {
	tests := []struct {
		name, key, value string
		wantKey, wantVal string // "" for valid
	}{
		{"plain", "team", "payments", "", ""},
		{"empty value", "cost-center", "", "", ""},
		{"every punctuation allowed", "a_b.c:d/e=f+g-h@i", "x y", "", ""},
		{"other scripts and spaces", "équipe ü", "北京 ٣", "", ""},
		{"empty key", "", "v", "a tag key cannot be empty", ""},
		{"key of 128 characters", strings.Repeat("é", 128), strings.Repeat("v", 256), "", ""},
		{"key of 129 characters", strings.Repeat("k", 129), strings.Repeat("ü", 257),
			"tag key is 129 characters long; the most is 128", "tag value is 257 characters long; the most is 256"},
		{"star", "a*b", "c,d", "invalid character '*' in tag key; allowed are letters, numbers, spaces and _ . : / = + - @",
			"invalid character ',' in tag value; allowed are letters, numbers, spaces and _ . : / = + - @"},
		{"control character", "a\tb", "a\nb", "invalid character '\\t' in tag key; allowed are letters, numbers, spaces and _ . : / = + - @",
			"invalid character '\\n' in tag value; allowed are letters, numbers, spaces and _ . : / = + - @"},
		{"bad UTF-8", "a\xffb", "\xff", "tag key is not valid UTF-8", "tag value is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckTagKey(tt.key); got != tt.wantKey {
				t.Errorf("CheckTagKey(%q) = %q, want %q", tt.key, got, tt.wantKey)
			}
			if got := CheckTagValue(tt.value); got != tt.wantVal {
				t.Errorf("CheckTagValue(%q) = %q, want %q", tt.value, got, tt.wantVal)
			}
		})
	}
}

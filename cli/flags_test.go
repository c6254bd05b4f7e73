package cli

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestServerURL(t *testing.T) {
	tests := []struct {
		flag, env string
		want      string
		wantErr   bool
	}{
		{"", "", DefaultURL, false},
		{"", "http://env:1", "http://env:1", false},
		{"https://flag", "http://env:1", "https://flag", false},
		{"ftp://x", "", "", true},
		{"", "localhost:8080", "", true},
	}
	for _, tt := range tests {
		a := &app{url: tt.flag, getenv: func(k string) string {
			if k == "KEYWARD_URL" {
				return tt.env
			}
			return ""
		}}
		got, err := a.serverURL()
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("serverURL() with --url %q, KEYWARD_URL %q = %q, %v; want %q, error %v",
				tt.flag, tt.env, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestReadPassword(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"secret password\n", "secret password", ""},
		{"secret password\r\n", "secret password", ""},
		{"secret password", "secret password", ""},
		{"two\nlines\n", "two\nlines", ""},
		{" spaces kept \n", " spaces kept ", ""},
		{"", "", "empty"},
		{"\n", "", "empty"},
		{strings.Repeat("x", maxPasswordBytes+1), "", "over"},
	}
	for _, tt := range tests {
		got, err := readPassword(strings.NewReader(tt.in))
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("readPassword(%q) = %q, %v; want %q, error containing %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := readPassword(iotest.ErrReader(errors.New("boom"))); err == nil {
		t.Error("readPassword(failing reader) = nil error")
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"", "", false},
		{"2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", false},
		{"2026-11-01T02:00:00+02:00", "2026-11-01T00:00:00Z", false},
		{"24h", "2026-11-21T12:00:00Z", false},
		{"-1h", "", true},
		{"yesterday", "", true},
	}
	for _, tt := range tests {
		got, err := parseSince("since", tt.in, now)
		var s string
		if got != nil {
			s = got.UTC().Format(time.RFC3339)
		}
		if s != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseSince(%q) = %q, %v; want %q, error %v", tt.in, s, err, tt.want, tt.wantErr)
		}
	}
}

func TestExpiresAt(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 500, time.UTC)
	tests := []struct {
		f       expiryFlags
		want    string
		wantErr bool
	}{
		{expiryFlags{}, "", false},
		{expiryFlags{in: 720 * time.Hour}, "2026-12-22T12:00:00Z", false},
		{expiryFlags{at: "2027-01-01T00:00:00Z"}, "2027-01-01T00:00:00Z", false},
		{expiryFlags{at: "2027-01-01"}, "", true},
		{expiryFlags{in: -time.Hour}, "", true},
	}
	for _, tt := range tests {
		got, err := tt.f.expiresAt(now)
		var s string
		if got != nil {
			s = got.UTC().Format(time.RFC3339Nano)
		}
		if s != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%+v.expiresAt() = %q, %v; want %q, error %v", tt.f, s, err, tt.want, tt.wantErr)
		}
	}
}

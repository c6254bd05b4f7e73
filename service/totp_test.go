package service

import (
	"bytes"
	"crypto/cipher"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// TestMatchTOTP: a code matches its own step and the steps either side,
// never one beyond them, nor a step at or before the last one accepted.
// The expected codes come from pquerna/otp's TOTP, not the HOTP the check
// uses.
func TestMatchTOTP(t *testing.T) {
	const seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 12, 6, 12, 0, 10, 0, time.UTC)
	cur := totpStepAt(now)
	tests := []struct {
		name     string
		at       time.Time // when the app showed the code
		after    int64
		wantStep int64
		wantOK   bool
	}{
		{"current step", now, 0, cur, true},
		{"previous step", now.Add(-30 * time.Second), 0, cur - 1, true},
		{"next step", now.Add(30 * time.Second), 0, cur + 1, true},
		{"two steps old", now.Add(-60 * time.Second), 0, 0, false},
		{"two steps ahead", now.Add(60 * time.Second), 0, 0, false},
		{"current step, already used", now, cur, 0, false},
		{"previous step, a later one used", now.Add(-30 * time.Second), cur, 0, false},
		{"next step, the current one used", now.Add(30 * time.Second), cur, cur + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, ok := matchTOTP(seed, keywardtest.TOTPCode(t, seed, tt.at), now, tt.after)
			if step != tt.wantStep || ok != tt.wantOK {
				t.Errorf("matchTOTP = %d, %v, want %d, %v", step, ok, tt.wantStep, tt.wantOK)
			}
		})
	}
}

// TestSealSeed: a sealed seed opens with its key for its account only, and
// never holds the seed in clear.
func TestSealSeed(t *testing.T) {
	key, err := aeadOf(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := aeadOf(bytes.Repeat([]byte{2}, 32))
	const seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	sealed := sealSeed(key, "u-1", seed)
	if bytes.Contains(sealed, []byte(seed)) {
		t.Fatal("the sealed seed holds the seed in clear")
	}
	tests := []struct {
		name   string
		key    cipher.AEAD
		uid    keyward.UserID
		sealed []byte
		want   string // "" for an error
	}{
		{"its key and account", key, "u-1", sealed, seed},
		{"another account", key, "u-2", sealed, ""},
		{"another key", other, "u-1", sealed, ""},
		{"truncated", key, "u-1", sealed[:5], ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := openSeed(tt.key, tt.uid, tt.sealed)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Errorf("openSeed = %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

// TestRecoveryCodes: fresh codes are distinct, match their hashes however
// they are typed, and a code matches nothing once it is not listed.
func TestRecoveryCodes(t *testing.T) {
	codes, hashes := newRecoveryCodes()
	if len(codes) != keyward.RecoveryCodeCount {
		t.Fatalf("%d codes, want %d", len(codes), keyward.RecoveryCodeCount)
	}
	stored := make([]*keyward.RecoveryCode, len(hashes))
	for i, h := range hashes {
		stored[i] = &keyward.RecoveryCode{ID: codes[i], Hash: h}
	}
	tests := []struct {
		name   string
		typed  string
		codes  []*keyward.RecoveryCode
		wantID string
	}{
		{"as shown", codes[3], stored, codes[3]},
		{"upper case, no dashes", upperNoDash(codes[4]), stored, codes[4]},
		{"with spaces", " " + codes[5] + " ", stored, codes[5]},
		{"spent (no longer listed)", codes[6], append(stored[:6:6], stored[7:]...), ""},
		{"made up", "aaaa-bbbb-cccc-dddd", stored, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := matchRecoveryCode(tt.codes, tt.typed)
			if id != tt.wantID || ok != (tt.wantID != "") {
				t.Errorf("matchRecoveryCode(%q) = %q, %v, want %q", tt.typed, id, ok, tt.wantID)
			}
		})
	}
}

func upperNoDash(s string) string {
	return string(bytes.ToUpper(bytes.ReplaceAll([]byte(s), []byte("-"), nil)))
}

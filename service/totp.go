package service

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/keyward-iam/keyward"
)

// TOTP parameters: what every authenticator app assumes (RFC 6238's
// defaults, Google Authenticator's only choice).
const (
	totpPeriod = 30 // seconds a code lasts
	// totpSkew is how many steps before or after the server's a code may
	// be of: a phone's clock may be off by up to one step.
	totpSkew   = 1
	totpDigits = otp.DigitsSix
	totpIssuer = "keyward"
)

// mfaKeySecret names the stored server key that seals TOTP seeds.
const mfaKeySecret = "mfa-totp-key"

// newTOTPKey returns a fresh 160-bit seed for the account of email, with
// its otpauth:// URI.
func newTOTPKey(email string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{
		Issuer: totpIssuer, AccountName: email, Period: totpPeriod, SecretSize: 20,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
}

// totpStepAt is the step now falls in.
func totpStepAt(now time.Time) int64 { return now.Unix() / totpPeriod }

// matchTOTP returns the step, within totpSkew of now's and later than
// after (the last step a code was accepted for), whose code is code; ok
// is false when there is none. It computes every candidate and compares
// each in constant time, so timing tells nothing about which one matched.
func matchTOTP(seed, code string, now time.Time, after int64) (step int64, ok bool) {
	cur := totpStepAt(now)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want, err := hotp.GenerateCodeCustom(seed, uint64(s), hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > after && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// checkTOTPCode refuses a code that is not 6 ASCII digits (spaces, which
// apps show in the middle, are dropped) and returns it without them.
func checkTOTPCode(field, code string) (string, error) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != int(totpDigits) || strings.Trim(code, "0123456789") != "" {
		return "", keyward.FieldError(field, "%s must be the 6 digits your authenticator app shows.", field)
	}
	return code, nil
}

// sealSeed encrypts an account's TOTP seed (sealWith), bound to the
// account: a sealed seed copied to another account's row does not open.
func sealSeed(aead cipher.AEAD, uid keyward.UserID, seed string) []byte {
	return sealWith(aead, seedAAD(uid), []byte(seed))
}

// openSeed decrypts what sealSeed sealed for uid.
func openSeed(aead cipher.AEAD, uid keyward.UserID, sealed []byte) (string, error) {
	seed, err := openWith(aead, seedAAD(uid), sealed)
	if err != nil {
		return "", &keyward.Error{Code: keyward.CodeInternal, Message: "A stored TOTP seed does not open with the server's key.", Err: err}
	}
	return string(seed), nil
}

func seedAAD(uid keyward.UserID) []byte { return []byte("keyward-totp-v1\n" + string(uid)) }

// recoveryAlphabet spells recovery codes: lowercase base32, no padding.
var recoveryAlphabet = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRecoveryCodes returns keyward.RecoveryCodeCount fresh recovery codes
// (80 random bits each, written xxxx-xxxx-xxxx-xxxx) and their hashes.
func newRecoveryCodes() (codes []string, hashes [][]byte) {
	for range keyward.RecoveryCodeCount {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			panic("service: crypto/rand failed: " + err.Error())
		}
		s := recoveryAlphabet.EncodeToString(b)
		code := s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
		codes = append(codes, code)
		hashes = append(hashes, hashRecoveryCode(code))
	}
	return codes, hashes
}

// hashRecoveryCode is the stored form of a recovery code: the SHA-256 of
// its letters and digits, lowercased, so that dashes, spaces and case as
// typed do not matter. The codes are high-entropy: no slow hash needed.
func hashRecoveryCode(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, code)
	sum := sha256.Sum256([]byte(norm))
	return sum[:]
}

// matchRecoveryCode returns the id of the unspent code among codes that
// code is, comparing with every one in constant time.
func matchRecoveryCode(codes []*keyward.RecoveryCode, code string) (id string, ok bool) {
	h := hashRecoveryCode(code)
	for _, c := range codes {
		if subtle.ConstantTimeCompare(h, c.Hash) == 1 && !ok {
			id, ok = c.ID, true
		}
	}
	return id, ok
}

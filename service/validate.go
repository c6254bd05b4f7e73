package service

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/keyward-iam/keyward"
)

// cleanName trims s and checks it is a printable name of at most
// keyward.MaxNameLen characters. An empty result is an error only if
// required.
func cleanName(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", keyward.FieldError(field, "%s is required.", field)
		}
		return "", nil
	}
	if !utf8.ValidString(s) {
		return "", keyward.FieldError(field, "%s must be valid UTF-8.", field)
	}
	if n := utf8.RuneCountInString(s); n > keyward.MaxNameLen {
		return "", keyward.FieldError(field, "%s is %d characters long; the limit is %d.", field, n, keyward.MaxNameLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", keyward.FieldError(field, "%s must not contain control characters.", field)
		}
	}
	return s, nil
}

// cleanEmail trims s and checks it is a bare email address.
func cleanEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", keyward.FieldError(field, "%s is required.", field)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s, "@") {
		return "", keyward.FieldError(field, "%q is not a valid email address.", s)
	}
	return s, nil
}

// checkID checks that id is a canonical UUID, naming field if not.
func checkID(field, id string) error {
	if !keyward.ValidID(id) {
		return keyward.FieldError(field, "%q is not a valid id (a lowercase UUID).", id)
	}
	return nil
}

// checkExpiry checks an optional expiry time lies in the future of now.
func checkExpiry(field string, t *time.Time, now time.Time) error {
	if t != nil && !t.After(now) {
		return keyward.FieldError(field, "%s must be in the future.", field)
	}
	return nil
}

// notFound is the one answer for "missing" and "not visible to you", so that
// existence is never revealed across organizations.
func notFound(what string) error {
	return keyward.Errorf(keyward.CodeNotFound, "%s not found.", what)
}

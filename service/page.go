package service

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
)

// readPage returns the page that list reads in one read transaction of
// s (Service.read).
func readPage[T any](ctx context.Context, s *Service, list func(ctx context.Context, tx keyward.Tx) ([]T, keyward.PageInfo, error)) ([]T, keyward.PageInfo, error) {
	var out []T
	var info keyward.PageInfo
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		out, info, err = list(ctx, tx)
		return err
	})
	return out, info, err
}

// The cursors of in-memory listings are base64url text, like the store's:
// "o:<offset>" (offsetCursor) or "n:<key>" and "p:<key>" (keyCursor).
// Their parsers accept only the spelling their writers produce, since
// base64's decoder also takes unused bits set and line breaks, and
// strconv.Atoi "+1" and "01": a cursor has one spelling.

// offsetCursor is the cursor of the page of an in-memory listing that
// starts at offset n. Store cursors never have this form.
func offsetCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

// parseOffsetCursor reads a cursor offsetCursor made; ok is false for any
// other string.
func parseOffsetCursor(s string) (n int, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	digits, found := strings.CutPrefix(string(b), "o:")
	if err != nil || !found {
		return 0, false
	}
	n, err = strconv.Atoi(digits)
	if err != nil || n < 0 || offsetCursor(n) != s {
		return 0, false
	}
	return n, true
}

// keyCursor is the cursor of the page after the item with key (or, if
// back, the page before it) in an in-memory listing.
func keyCursor(back bool, key string) string {
	dir := "n:"
	if back {
		dir = "p:"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(dir + key))
}

// parseKeyCursor reads a cursor keyCursor made; ok is false for any other
// string.
func parseKeyCursor(s string) (back bool, key string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	dir, key, _ := strings.Cut(string(b), ":")
	back = dir == "p"
	if err != nil || dir != "n" && dir != "p" || keyCursor(back, key) != s {
		return false, "", false
	}
	return back, key, true
}

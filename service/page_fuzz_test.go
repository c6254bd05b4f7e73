package service

import (
	"encoding/base64"
	"testing"

	"github.com/keyward-iam/keyward"
)

// b64 writes s as the cursors of this package and of the store are
// written, for seeds.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// FuzzParseOffsetCursor checks that parseOffsetCursor takes exactly the
// cursors offsetCursor writes: one it takes is a non-negative offset that
// offsetCursor spells the same, and every offsetCursor reads back. A page
// cut at any cursor stays inside its listing.
func FuzzParseOffsetCursor(f *testing.F) {
	for _, s := range []string{offsetCursor(0), offsetCursor(100), b64("o:+5"), b64("o:05"), b64("o:-1"), b64("o:"), b64("o:1e3"),
		b64("o:99999999999999999999"), b64("n:0193a000-0000-7000-8000-000000000011"), offsetCursor(7) + "\n", offsetCursor(7)[:3] + "=", ""} {
		f.Add(s, 3, uint8(2))
	}
	cursor := offsetCursor(5)
	f.Add(cursor[:len(cursor)-1]+"x", 0, uint8(0))
	f.Add("", -1, uint8(0))
	f.Fuzz(func(t *testing.T, s string, n int, limit uint8) {
		if off, ok := parseOffsetCursor(s); ok && (off < 0 || offsetCursor(off) != s) {
			t.Fatalf("parseOffsetCursor(%q) = %d, which offsetCursor writes as %q", s, off, offsetCursor(off))
		} else if !ok && off != 0 {
			t.Fatalf("parseOffsetCursor(%q) refused it but returned %d", s, off)
		}
		if n >= 0 {
			if got, ok := parseOffsetCursor(offsetCursor(n)); !ok || got != n {
				t.Fatalf("parseOffsetCursor(offsetCursor(%d)) = %d, %v", n, got, ok)
			}
		}
		all := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		page, info, err := pageSlice(all, keyward.Page{Limit: int(limit), Cursor: s})
		if err != nil {
			if keyward.ErrorCode(err) != keyward.CodeInvalid {
				t.Fatalf("pageSlice(cursor %q): %v, want CodeInvalid", s, err)
			}
			return
		}
		if info.Total != len(all) || len(page) > perPage(keyward.Page{Limit: int(limit)}) {
			t.Fatalf("pageSlice(cursor %q, limit %d) = %v, %+v", s, limit, page, info)
		}
	})
}

// FuzzParseKeyCursor checks that parseKeyCursor takes exactly the cursors
// keyCursor writes, and that pageOf, whose cursors they are, cuts a page
// of its listing at any cursor or refuses it as invalid.
func FuzzParseKeyCursor(f *testing.F) {
	for _, s := range []string{keyCursor(false, "compute.instance.Create"), keyCursor(true, "b"), keyCursor(false, ""), keyCursor(false, "a:b"),
		b64("x:compute.instance.Create"), b64("n"), b64(":"), keyCursor(true, "c") + "\r\n", keyCursor(true, "c") + "=", "!!", ""} {
		f.Add(s, false, "b", uint8(1))
	}
	cursor := keyCursor(false, "b")
	f.Add(cursor[:len(cursor)-1]+"j", true, "a:b", uint8(0))
	f.Fuzz(func(t *testing.T, s string, back bool, key string, limit uint8) {
		if b, k, ok := parseKeyCursor(s); ok && keyCursor(b, k) != s {
			t.Fatalf("parseKeyCursor(%q) = %v, %q, which keyCursor writes as %q", s, b, k, keyCursor(b, k))
		} else if !ok && (b || k != "") {
			t.Fatalf("parseKeyCursor(%q) refused it but returned %v, %q", s, b, k)
		}
		if b, k, ok := parseKeyCursor(keyCursor(back, key)); !ok || b != back || k != key {
			t.Fatalf("parseKeyCursor(keyCursor(%v, %q)) = %v, %q, %v", back, key, b, k, ok)
		}
		items := []string{"a", "a:b", "b", "c", "d", "e"}
		page, info, err := pageOf(items, func(s string) string { return s }, keyward.Page{Limit: int(limit), Cursor: s})
		if err != nil {
			if e := keyward.AsError(err); e == nil || e.Code != keyward.CodeInvalid || e.Field != "cursor" {
				t.Fatalf("pageOf(cursor %q): %v, want CodeInvalid for cursor", s, err)
			}
			return
		}
		if info.Total != len(items) || len(page) > perPage(keyward.Page{Limit: int(limit)}) {
			t.Fatalf("pageOf(cursor %q, limit %d) = %v, %+v", s, limit, page, info)
		}
	})
}

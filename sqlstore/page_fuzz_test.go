package sqlstore

import (
	"encoding/base64"
	"testing"

	"github.com/keyward-iam/keyward"
)

// FuzzParseCursor checks that parseCursor takes exactly the cursors
// cursor.String writes: one it takes names a canonical id and is spelled
// as String spells it, every other non-empty string is CodeInvalid for
// "cursor", and every cursor of a valid id reads back.
func FuzzParseCursor(f *testing.F) {
	const id = "0193a000-0000-7000-8000-000000000011"
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	next, prev := cursor{id: id}.String(), cursor{back: true, id: id}.String()
	for _, s := range []string{next, prev, "", b64("n:" + id + "x"), b64("x:" + id), b64("n:0193A000-0000-7000-8000-000000000011"),
		b64("n" + id), b64("n:"), next + "\n", next[:20] + "\r\n" + next[20:], next + "=", next[:len(next)-1] + "F",
		base64.URLEncoding.EncodeToString([]byte("p:" + id)), base64.StdEncoding.EncodeToString([]byte("p:" + id)), "bm90LWEtY3Vyc29y"} {
		f.Add(s, false, id)
	}
	f.Fuzz(func(t *testing.T, s string, back bool, id string) {
		c, err := parseCursor("op", s)
		switch {
		case s == "" && (err != nil || c != cursor{}):
			t.Fatalf("parseCursor(\"\") = %+v, %v, want the first page", c, err)
		case s != "" && err == nil && (!keyward.ValidID(c.id) || c.String() != s):
			t.Fatalf("parseCursor(%q) = %+v, which String writes as %q", s, c, c.String())
		case err != nil:
			if e := keyward.AsError(err); e == nil || e.Code != keyward.CodeInvalid || e.Field != "cursor" || c != (cursor{}) {
				t.Fatalf("parseCursor(%q) = %+v, %v, want CodeInvalid for cursor", s, c, err)
			}
		}
		if keyward.ValidID(id) {
			want := cursor{back: back, id: id}
			if got, err := parseCursor("op", want.String()); err != nil || got != want {
				t.Fatalf("parseCursor(%q) = %+v, %v, want %+v", want.String(), got, err, want)
			}
		}
	})
}

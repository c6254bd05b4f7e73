package service

import (
	"context"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// FuzzDescribeInvitation alters the link of a stored invitation and checks
// that the service describes the invitation exactly when the link is
// unchanged, refusing every other one as invalid (never with a server
// error).
func FuzzDescribeInvitation(f *testing.F) {
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	svc := New(keywardtest.OpenStore(f), Options{InvitationKey: key})
	_, asRoot := bootstrapRoot(f, ctx, svc)
	inv, err := svc.CreateInvitation(asRoot, InvitationInput{Email: "ada@example.com"})
	if err != nil {
		f.Fatal(err)
	}
	token := linkToken(key, inv)
	for _, s := range [][2]uint16{{0, 0}, {0, 36}, {37, 1}, {70, 1}, {80, 0}, {90, 3}, {200, 1}} {
		f.Add(s[0], s[1], "")
		f.Add(s[0], s[1], "0")
		f.Add(s[0], s[1], "a.")
	}
	f.Fuzz(func(t *testing.T, from, to uint16, with string) {
		altered := splice(token, from, to, with)
		d, err := svc.DescribeInvitation(ctx, altered)
		switch want := strings.TrimSpace(altered) == token; {
		case want && (err != nil || d.ID != inv.ID):
			t.Fatalf("DescribeInvitation(%q), the issued link: %+v, %v", altered, d, err)
		case !want && err == nil:
			t.Fatalf("DescribeInvitation(%q), %q altered, took it: %+v", altered, token, d)
		case !want && keyward.ErrorCode(err) != keyward.CodeInvalid:
			t.Fatalf("DescribeInvitation(%q): %v, want CodeInvalid", altered, err)
		}
	})
}

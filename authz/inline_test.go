package authz

import (
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

// TestInline checks that an inline policy is compiled once per credential
// and content, and that a stale document still narrows.
func TestInline(t *testing.T) {
	a := New(nil, Options{})
	compiles := 0
	compile := func(doc *policy.Document) *policy.Set {
		compiles++
		return policy.Compile(a.cat, []policy.Input{{ID: "k", Name: "k", Doc: doc}})
	}
	read := []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`)
	first := a.Inline("key-1", read, compile)
	if again := a.Inline("key-1", read, compile); again != first || compiles != 1 {
		t.Errorf("second call: same set %v, compiles %d; want the cached set and 1 compile", again == first, compiles)
	}
	other := []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.List","Resource":"*"}]}`)
	if a.Inline("key-1", other, compile) == first || compiles != 2 {
		t.Errorf("other bytes under the same id reused the set (compiles %d)", compiles)
	}
	stale := []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.instance.Read","gone.thing.Read"],"Resource":"*"},{"Effect":"Allow","Action":"compute.instance.List","Resource":"*"}]}`)
	set := a.Inline("key-2", stale, compile)
	r := policy.Request{Action: "compute.instance.List"}
	if !set.Decide(&r).Allowed() {
		t.Errorf("a stale document's valid statement no longer allows")
	}
}

package authz

import (
	"slices"
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

// TestInlineLayer checks that a layer of several documents is their union,
// compiled once per id and content, and that an unreadable document
// makes the layer deny.
func TestInlineLayer(t *testing.T) {
	a := New(nil, Options{})
	read := []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`)
	list := []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.List","Resource":"*"}]}`)
	docs := []InlineDoc{{Name: "inline", Raw: read}, {PolicyID: "p1", Name: "lister", Raw: list}}
	set := a.InlineLayer("session-1/carried/0", "carried:api_key:k", docs)
	if again := a.InlineLayer("session-1/carried/0", "carried:api_key:k", slices.Clone(docs)); again != set {
		t.Errorf("second call with the same documents compiled again")
	}
	if a.InlineLayer("session-1/carried/0", "carried:api_key:k", docs[:1]) == set {
		t.Errorf("other documents under the same id reused the set")
	}
	unreadable := append(slices.Clone(docs), InlineDoc{Name: "broken", Raw: []byte(`{"Version":`)})
	broken := a.InlineLayer("session-2", "carried:api_key:k", unreadable)
	for _, tc := range []struct {
		set    *policy.Set
		action string
		want   policy.Decision
	}{
		{set, "compute.instance.Read", policy.Allow},
		{set, "compute.instance.List", policy.Allow},
		{set, "compute.instance.Create", policy.ImplicitDeny},
		{broken, "compute.instance.Read", policy.ExplicitDeny},
		{a.InlineLayer("session-3", "carried:api_key:k", nil), "compute.instance.Read", policy.ImplicitDeny},
	} {
		r := policy.Request{Action: tc.action}
		if got := tc.set.Decide(&r); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.action, got, tc.want)
		}
	}
	r := policy.Request{Action: "compute.instance.List"}
	for _, st := range set.Explain(&r).Statements {
		if st.Applied && (st.PolicyName != "lister" || st.Via != "carried:api_key:k") {
			t.Errorf("statement %+v, want it of lister through carried:api_key:k", st)
		}
	}
}

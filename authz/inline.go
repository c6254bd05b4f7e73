package authz

import (
	"sync"
	"sync/atomic"

	"github.com/keyward-iam/keyward/policy"
)

// maxInline bounds the inline-policy cache; past it the cache starts over.
const maxInline = 50_000

// inlineCache keeps compiled inline policies (of API keys and role
// sessions) by credential id, so a request through a narrowed credential
// does not decode and compile its policy again. An entry is used only for
// the very bytes it was compiled from.
type inlineCache struct {
	m sync.Map // credential id → *inlineEntry
	n atomic.Int64
}

type inlineEntry struct {
	raw string
	set *policy.Set
}

// Inline returns the compiled inline policy raw of the credential id (an
// API key's or a role session's), compiled with compile on first use. The
// document is read with Decode: stale content still narrows, and a
// document that cannot be read at all (nil) allows nothing.
func (a *Authorizer) Inline(id string, raw []byte, compile func(*policy.Document) *policy.Set) *policy.Set {
	if e, ok := a.inline.m.Load(id); ok && e.(*inlineEntry).raw == string(raw) {
		return e.(*inlineEntry).set
	}
	doc, _ := policy.Decode(a.cat, raw)
	e := &inlineEntry{raw: string(raw), set: compile(doc)}
	if a.inline.n.Add(1) > maxInline {
		a.inline.m.Clear()
		a.inline.n.Store(1)
	}
	a.inline.m.Store(id, e)
	return e.set
}

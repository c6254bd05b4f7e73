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
	raw []string // the bytes of the documents it was compiled from
	set *policy.Set
}

// Inline returns the compiled inline policy raw of the credential id (an
// API key's or a role session's), compiled with compile on first use. The
// document is read with Decode: stale content still narrows, and a
// document that cannot be read at all (nil) allows nothing.
func (a *Authorizer) Inline(id string, raw []byte, compile func(*policy.Document) *policy.Set) *policy.Set {
	if e, ok := a.inline.m.Load(id); ok && len(e.(*inlineEntry).raw) == 1 && e.(*inlineEntry).raw[0] == string(raw) {
		return e.(*inlineEntry).set
	}
	doc, _ := policy.Decode(a.cat, raw)
	return a.keepInline(id, &inlineEntry{raw: []string{string(raw)}, set: compile(doc)})
}

// InlineDoc is one document of an inline layer: the id and name its
// statements carry in explanations, and its JSON.
type InlineDoc struct {
	PolicyID, Name string
	Raw            []byte
}

// InlineLayer returns docs compiled as one layer, through via: a request
// passes it when a statement of any of them allows it and none denies it.
// It is the layer of a role session made of several documents (a session
// policy with named session policies, or a narrowing the session
// carries), compiled on first use and kept under id, which names the
// credential and the layer, for as long as the documents are the same
// bytes. Each document is read as Inline reads one; a layer of no
// documents allows nothing.
func (a *Authorizer) InlineLayer(id, via string, docs []InlineDoc) *policy.Set {
	if e, ok := a.inline.m.Load(id); ok && sameDocs(e.(*inlineEntry).raw, docs) {
		return e.(*inlineEntry).set
	}
	in := make([]policy.Input, len(docs))
	raw := make([]string, len(docs))
	for i, d := range docs {
		doc, _ := policy.Decode(a.cat, d.Raw)
		in[i] = policy.Input{ID: d.PolicyID, Name: d.Name, Via: via, Doc: doc}
		raw[i] = string(d.Raw)
	}
	return a.keepInline(id, &inlineEntry{raw: raw, set: policy.Compile(a.cat, in)})
}

func sameDocs(raw []string, docs []InlineDoc) bool {
	if len(raw) != len(docs) {
		return false
	}
	for i, d := range docs {
		if raw[i] != string(d.Raw) {
			return false
		}
	}
	return true
}

// keepInline caches e under id and returns its set.
func (a *Authorizer) keepInline(id string, e *inlineEntry) *policy.Set {
	if a.inline.n.Add(1) > maxInline {
		a.inline.m.Clear()
		a.inline.n.Store(1)
	}
	a.inline.m.Store(id, e)
	return e.set
}

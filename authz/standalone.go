package authz

import "github.com/keyward-iam/keyward"

// NewSnapshot builds the snapshot of an organization's graph held in
// memory, with no store: the way to embed the engine as a library, with
// the catalog and options of opts (a provider's own catalog:
// policy.Compose). The snapshot decides and explains like the ones an
// Authorizer keeps; it never changes, so build another for another graph.
// g.Org must be set.
func NewSnapshot(g *keyward.Graph, opts Options) *Snapshot {
	return New(nil, opts).build(g, docCache{})
}

package authz

import "maps"

// shardCount is the number of maps a shardedMap is spread over.
const shardCount = 64

// shardedMap is a map spread over shardCount maps by the last bytes of its
// keys (random in the ids keyward makes), so that a patch copies only the
// shards holding the keys it changes (shardWriter) rather than a map of
// every key. Copying a shardedMap copies the shards' references, not
// their entries.
type shardedMap[K ~string, V any] [shardCount]map[K]V

func newShardedMap[K ~string, V any](n int) shardedMap[K, V] {
	var m shardedMap[K, V]
	for i := range m {
		m[i] = make(map[K]V, n/shardCount+1)
	}
	return m
}

func shardOf[K ~string](k K) int {
	h := uint(0)
	if n := len(k); n > 0 {
		h = uint(k[n-1])
		if n > 1 {
			h = h*31 + uint(k[n-2])
		}
	}
	return int(h % shardCount)
}

func (m *shardedMap[K, V]) lookup(k K) (V, bool) {
	v, ok := m[shardOf(k)][k]
	return v, ok
}

// len returns the number of keys.
func (m *shardedMap[K, V]) len() int {
	n := 0
	for _, sh := range m {
		n += len(sh)
	}
	return n
}

// shardWriter is a patch's right to change a shardedMap whose shards it
// shares with the snapshot before: a shard is copied on its first change.
type shardWriter[K ~string, V any] struct {
	m     *shardedMap[K, V]
	owned [shardCount]bool
}

// shard returns k's shard, the patch's own.
func (w *shardWriter[K, V]) shard(k K) map[K]V {
	i := shardOf(k)
	if !w.owned[i] {
		w.m[i] = maps.Clone(w.m[i])
		if w.m[i] == nil {
			w.m[i] = map[K]V{}
		}
		w.owned[i] = true
	}
	return w.m[i]
}

func (w *shardWriter[K, V]) set(k K, v V) { w.shard(k)[k] = v }

func (w *shardWriter[K, V]) remove(k K) { delete(w.shard(k), k) }

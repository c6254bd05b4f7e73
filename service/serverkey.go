package service

import (
	"context"
	"crypto/rand"
	"sync"

	"github.com/keyward-iam/keyward"
)

// serverKeys caches the server-wide keys kept in the store, once read.
type serverKeys struct {
	mu   sync.Mutex
	keys map[string][]byte // guarded by mu; by name
}

// serverKey returns the 32-byte server-wide key named name: generated on
// first use and stored in the database (Tx.Secret), so that every replica
// of a deployment signs, checks, seals and opens with the same key. Two
// servers that race both get the one key that was stored first.
func (s *Service) serverKey(ctx context.Context, name string) ([]byte, error) {
	sk := &s.serverKeys
	sk.mu.Lock()
	key := sk.keys[name]
	sk.mu.Unlock()
	if key != nil {
		return key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		panic("service: crypto/rand failed: " + err.Error())
	}
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		key, err = tx.Secret(ctx, name, fresh)
		return err
	})
	if err != nil {
		return nil, err
	}
	sk.mu.Lock()
	defer sk.mu.Unlock()
	if sk.keys == nil {
		sk.keys = map[string][]byte{}
	}
	sk.keys[name] = key
	return key, nil
}

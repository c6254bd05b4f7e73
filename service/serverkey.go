package service

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"sync"

	"github.com/keyward-iam/keyward"
)

// serverKey is a 256-bit key of the deployment: the configured one, or
// one generated on first use and stored in the database under name (the
// secrets table), so that every replica uses the same key.
type serverKey struct {
	name string

	mu  sync.Mutex
	key []byte // nil until configured or loaded from the store
}

func newServerKey(name string, configured []byte) *serverKey {
	k := &serverKey{name: name}
	if len(configured) > 0 {
		k.key = append([]byte(nil), configured...)
	}
	return k
}

// get returns the key, loading or storing it on first use.
func (k *serverKey) get(ctx context.Context, s *Service) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		panic("service: crypto/rand failed: " + err.Error())
	}
	var key []byte
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		key, err = tx.Secret(ctx, k.name, fresh)
		return err
	})
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

// aead returns the AES-256-GCM cipher keyed with the key, for sealing
// secrets at rest.
func (k *serverKey) aead(ctx context.Context, s *Service) (cipher.AEAD, error) {
	key, err := k.get(ctx, s)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

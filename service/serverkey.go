package service

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
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
	return aeadOf(key)
}

// aeadOf is AES-GCM under key (32 bytes: AES-256).
func aeadOf(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sealWith encrypts plain with aead (a serverKey's AES-256-GCM), a random
// nonce first, bound to aad: a sealed value copied into another row (whose
// aad differs) does not open. It is the one way the service seals a secret
// at rest.
func sealWith(aead cipher.AEAD, aad, plain []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("service: crypto/rand failed: " + err.Error())
	}
	return aead.Seal(nonce, nonce, plain, aad)
}

// openWith decrypts what sealWith sealed for aad. It fails on a value that
// is damaged, was sealed for another aad, or under another key.
func openWith(aead cipher.AEAD, aad, sealed []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed value too short")
	}
	return aead.Open(nil, sealed[:n], sealed[n:], aad)
}

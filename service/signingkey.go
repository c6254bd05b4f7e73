package service

import (
	"context"
	"crypto"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
)

// signingKeySecret names the stored secret that seals the signing keys.
const signingKeySecret = "oidc-signing-key-encryption"

// MaxTokenTTL is the longest any token keyward signs as an OpenID provider
// lives (ID, access and workload tokens). A retired signing key stays
// published this long, plus the clock skew verifiers allow, so that every
// token it signed verifies until it expires.
const MaxTokenTTL = time.Hour

// publishRetired is how long after its retirement a key stays in the JWKS.
const publishRetired = MaxTokenTTL + 5*time.Minute

// defaultKeyLifetime is how long a signing key signs before the next
// token signed makes a new one, unless Options.SigningKeyLifetime says.
const defaultKeyLifetime = 30 * 24 * time.Hour

// SigningKey is a usable signing key: its kid, JOSE algorithm and key.
type SigningKey struct {
	ID        string
	Algorithm string
	Key       crypto.Signer
}

// PublicKey is a published verification key.
type PublicKey struct {
	ID        string
	Algorithm string
	Key       crypto.PublicKey
}

// signing holds the deployment's key-encryption key and the keys
// decrypted so far (a key's row never changes, so they never go stale).
type signing struct {
	lifetime time.Duration
	key      *serverKey // seals the private keys
	// pairwise keys the pairwise subjects, tokenKey the opaque access
	// tokens of the code flow (oidcgrant.go).
	pairwise, tokenKey *serverKey

	mu        sync.Mutex
	kek       cipher.AEAD
	decrypted map[string]crypto.Signer
}

func newSigning(opts Options) *signing {
	lt := opts.SigningKeyLifetime
	if lt <= 0 {
		lt = defaultKeyLifetime
	}
	return &signing{lifetime: lt, key: newServerKey(signingKeySecret, nil),
		pairwise: newServerKey(pairwiseSecret, nil), tokenKey: newServerKey(tokenCryptoName, nil), decrypted: map[string]crypto.Signer{}}
}

// aead returns the cipher that seals private keys at rest (serverKey).
func (s *Service) aead(ctx context.Context) (cipher.AEAD, error) {
	sg := s.signing
	sg.mu.Lock()
	defer sg.mu.Unlock()
	if sg.kek != nil {
		return sg.kek, nil
	}
	kek, err := sg.key.aead(ctx, s)
	if err != nil {
		return nil, err
	}
	sg.kek = kek
	return kek, nil
}

// newSigningKey makes a fresh ES256 key, its private half sealed with
// aead and bound to its kid.
func newSigningKey(aead cipher.AEAD, now time.Time) (*keyward.SigningKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	id := keyward.NewID(now)
	return &keyward.SigningKey{ID: id, Algorithm: "ES256", Private: sealWith(aead, []byte(id), der), Public: pub, CreatedAt: now}, nil
}

// open decrypts k's private key.
func (s *Service) open(ctx context.Context, k *keyward.SigningKey) (crypto.Signer, error) {
	sg := s.signing
	sg.mu.Lock()
	key, ok := sg.decrypted[k.ID]
	sg.mu.Unlock()
	if ok {
		return key, nil
	}
	aead, err := s.aead(ctx)
	if err != nil {
		return nil, err
	}
	der, err := openWith(aead, []byte(k.ID), k.Private)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	signer, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not a signing key", k.ID)
	}
	sg.mu.Lock()
	sg.decrypted[k.ID] = signer
	sg.mu.Unlock()
	return signer, nil
}

// addSigningKey makes a new active key, retiring the active one, drops
// the keys retired too long ago to have a token left, and records the
// rotation, by p (nil: the scheduled one), in the fleet audit trail.
func (s *Service) addSigningKey(ctx context.Context, p *keyward.Principal) (*keyward.SigningKey, error) {
	aead, err := s.aead(ctx)
	if err != nil {
		return nil, err
	}
	var k *keyward.SigningKey
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if k, err = newSigningKey(aead, tx.Now()); err != nil {
			return err
		}
		if err := tx.DeleteSigningKeys(ctx, tx.Now().Add(-publishRetired)); err != nil {
			return err
		}
		if err := tx.AddSigningKey(ctx, k); err != nil {
			return err
		}
		return s.recordFleet(ctx, tx, p, "", change{
			Action: "fleet.oidckey.Rotate", TargetType: "oidc_signing_key", TargetID: k.ID,
			After: map[string]string{"kid": k.ID, "algorithm": k.Algorithm},
		})
	})
	return k, err
}

// listSigningKeys reads the deployment's keys, newest first. The keys are
// read on every call, never cached, so that a rotation on one replica is
// seen by all at once.
func (s *Service) listSigningKeys(ctx context.Context) ([]*keyward.SigningKey, error) {
	var keys []*keyward.SigningKey
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		keys, err = tx.ListSigningKeys(ctx)
		return err
	})
	return keys, err
}

// ActiveSigningKey returns the key that signs now: the active one, or a
// new one when there is none yet or the active one has signed for the
// key lifetime (the scheduled rotation).
func (s *Service) ActiveSigningKey(ctx context.Context) (*SigningKey, error) {
	keys, err := s.listSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	var active *keyward.SigningKey
	if len(keys) > 0 && keys[0].RetiredAt.IsZero() && s.now().Sub(keys[0].CreatedAt) < s.signing.lifetime {
		active = keys[0]
	} else if active, err = s.addSigningKey(ctx, nil); err != nil {
		return nil, err
	}
	signer, err := s.open(ctx, active)
	if err != nil {
		return nil, err
	}
	return &SigningKey{ID: active.ID, Algorithm: active.Algorithm, Key: signer}, nil
}

// PublicSigningKeys returns the keys a verifier must know: the active one
// and those retired less than publishRetired ago.
func (s *Service) PublicSigningKeys(ctx context.Context) ([]PublicKey, error) {
	keys, err := s.listSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := []PublicKey{}
	for _, k := range keys {
		if !k.RetiredAt.IsZero() && s.now().Sub(k.RetiredAt) >= publishRetired {
			continue
		}
		pub, err := x509.ParsePKIXPublicKey(k.Public)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
		}
		out = append(out, PublicKey{ID: k.ID, Algorithm: k.Algorithm, Key: pub})
	}
	return out, nil
}

// RotateSigningKey makes a new signing key now, for fleet administrators;
// the old one stays published until its tokens have expired. The change
// goes to the fleet audit trail.
func (s *Service) RotateSigningKey(ctx context.Context) (string, error) {
	p, err := caller(ctx)
	if err != nil {
		return "", err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.oidckey.Rotate", ""); err != nil {
		return "", err
	}
	k, err := s.addSigningKey(ctx, p)
	if err != nil {
		return "", err
	}
	return k.ID, nil
}

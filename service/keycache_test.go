package service

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// countingStore is a real store that counts its read transactions, to
// tell a cached authentication from one that read the database.
type countingStore struct {
	keyward.Store
	reads atomic.Int64
}

func (s *countingStore) ReadTx(ctx context.Context, fn func(keyward.Tx) error) error {
	s.reads.Add(1)
	return s.Store.ReadTx(ctx, fn)
}

// TestAuthenticate_keyCache checks that a key that authenticated is served
// from memory, and that whatever this Service changes in its organization
// (revoking it, disabling the member's API access, the key's expiry) is
// refused from the next request on, while a bad secret never is served.
func TestAuthenticate_keyCache(t *testing.T) {
	ctx := context.Background()
	store := &countingStore{Store: keywardtest.OpenStore(t)}
	clock := keywardtest.NewClock(time.Now())
	svc := New(store, Options{Now: clock.Now})
	_, asRoot := bootstrapRoot(t, ctx, svc)
	on, off := true, false
	alice, aliceToken, err := svc.CreateUser(asRoot, UserInput{Email: "alice@example.com", Name: "Alice", APIEnabled: &on})
	if err != nil {
		t.Fatal(err)
	}
	aliceKey, _, _ := parseToken(aliceToken)

	// auth authenticates token and reports whether it read the database.
	auth := func(token string) (*keyward.Principal, bool, error) {
		before := store.reads.Load()
		p, err := svc.Authenticate(keyward.NewContextWithRequest(ctx, "req-1", "10.0.0.1"), token)
		return p, store.reads.Load() != before, err
	}
	type want struct {
		ok, read bool
	}
	check := func(step, token string, w want) {
		t.Helper()
		p, read, err := auth(token)
		if got := (want{ok: err == nil, read: read}); got != w {
			t.Fatalf("%s: authenticated %v, read the database %v (err %v); want %v, %v", step, got.ok, got.read, err, w.ok, w.read)
		}
		if err == nil && (p.UserID != alice.Account.ID || p.KeyID != aliceKey || p.RequestID != "req-1" || p.SourceIP != "10.0.0.1") {
			t.Fatalf("%s: principal %+v, want alice's with this request's id and address", step, p)
		}
		if err != nil && keyward.ErrorCode(err) != keyward.CodeUnauthenticated {
			t.Fatalf("%s: %v, want CodeUnauthenticated", step, err)
		}
	}
	flip := "a"
	if strings.HasSuffix(aliceToken, flip) {
		flip = "b"
	}
	wrongSecret := aliceToken[:len(aliceToken)-1] + flip

	check("first use", aliceToken, want{ok: true, read: true})
	check("second use", aliceToken, want{ok: true, read: false})
	check("wrong secret of a cached key", wrongSecret, want{ok: false, read: true})
	check("after a wrong secret", aliceToken, want{ok: true, read: false})

	// Any change to the organization drops its keys.
	if _, _, err := svc.CreateUser(asRoot, UserInput{Email: "bob@example.com", Name: "Bob"}); err != nil {
		t.Fatal(err)
	}
	check("after another user's creation", aliceToken, want{ok: true, read: true})
	check("cached again", aliceToken, want{ok: true, read: false})

	if err := svc.RevokeAPIKey(asRoot, alice.Account.ID, aliceKey); err != nil {
		t.Fatal(err)
	}
	check("revoked", aliceToken, want{ok: false, read: true})

	// A key that expires while cached is refused when it expires.
	var second, third string
	k, second, err := svc.CreateAPIKey(asRoot, alice.Account.ID, APIKeyInput{Name: "short", ExpiresAt: new(clock.Now().Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	aliceKey = k.ID
	check("new key", second, want{ok: true, read: true})
	check("new key cached", second, want{ok: true, read: false})
	clock.Advance(2 * time.Hour)
	check("expired while cached", second, want{ok: false, read: true})

	if k, third, err = svc.CreateAPIKey(asRoot, alice.Account.ID, APIKeyInput{Name: "third"}); err != nil {
		t.Fatal(err)
	}
	aliceKey = k.ID
	check("third key", third, want{ok: true, read: true})
	check("third key cached", third, want{ok: true, read: false})
	if err := svc.UpdateUser(asRoot, alice.Account.ID, UserInput{APIEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	check("API access disabled", third, want{ok: false, read: true})
}

// TestKeyCache checks the cache's own rules: an entry read before its
// organization changed is never used, another organization's change
// leaves it alone, an invalidation of all drops it, and entries end with
// their ttl.
func TestKeyCache(t *testing.T) {
	now := time.Now()
	sum := sha256.Sum256([]byte("secret"))
	key := func(id string) *keyward.APIKey { return &keyward.APIKey{ID: keyward.APIKeyID(id)} }
	p := keyward.Principal{OrgID: "org-a", UserID: "u"}
	for _, tt := range []struct {
		name string
		run  func(c *keyCache) // puts key "k" and changes things
		want bool              // whether "k" is still served
	}{
		{"put", func(c *keyCache) { c.put(key("k"), sum, p, c.generation()) }, true},
		{"read before its org changed", func(c *keyCache) {
			gen := c.generation()
			c.invalidate([]keyward.OrgID{"org-a"})
			c.put(key("k"), sum, p, gen)
		}, false},
		{"read before another org changed", func(c *keyCache) {
			gen := c.generation()
			c.invalidate([]keyward.OrgID{"org-b"})
			c.put(key("k"), sum, p, gen)
		}, true},
		{"read after its org changed", func(c *keyCache) {
			c.invalidate([]keyward.OrgID{"org-a"})
			c.put(key("k"), sum, p, c.generation())
		}, true},
		{"its org changed", func(c *keyCache) {
			c.put(key("k"), sum, p, c.generation())
			c.invalidate([]keyward.OrgID{"org-a"})
		}, false},
		{"every org changed", func(c *keyCache) {
			c.put(key("k"), sum, p, c.generation())
			c.invalidate(nil)
		}, false},
		{"read before every org changed", func(c *keyCache) {
			gen := c.generation()
			c.invalidate(nil)
			c.put(key("k"), sum, p, gen)
		}, false},
		{"another key's secret", func(c *keyCache) {
			c.put(key("k"), sha256.Sum256([]byte("other")), p, c.generation())
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newKeyCache(time.Hour)
			tt.run(c)
			if _, got := c.get("k", sum, now); got != tt.want {
				t.Errorf("served = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("ttl", func(t *testing.T) {
		c := newKeyCache(time.Millisecond)
		c.put(key("k"), sum, p, c.generation())
		deadline := time.Now().Add(time.Minute)
		for {
			if _, ok := c.get("k", sum, now); !ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("an entry with a 1 ms ttl is still served after a minute")
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// gatedStore is a real store whose read transactions wait at gate until
// it is closed, counting them as they start.
type gatedStore struct {
	keyward.Store
	gate    chan struct{}
	started chan struct{} // receives once per read transaction
	reads   atomic.Int64
}

func (s *gatedStore) ReadTx(ctx context.Context, fn func(keyward.Tx) error) error {
	s.reads.Add(1)
	s.started <- struct{}{}
	<-s.gate
	return s.Store.ReadTx(ctx, fn)
}

// TestAuthenticate_oneReadPerKey checks that requests presenting one key
// while its verification is under way wait for that one database read
// instead of each making their own, that each gets its own request id,
// and that a wrong secret does not share the right one's answer.
func TestAuthenticate_oneReadPerKey(t *testing.T) {
	ctx := context.Background()
	base := keywardtest.OpenStore(t)
	svc := New(base, Options{})
	token, _, err := svc.Bootstrap(ctx, BootstrapInput{})
	if err != nil {
		t.Fatal(err)
	}
	store := &gatedStore{Store: base, gate: make(chan struct{}), started: make(chan struct{}, 100)}
	svc = New(store, Options{}) // an empty key cache
	flip := "a"
	if strings.HasSuffix(token, flip) {
		flip = "b"
	}
	type result struct {
		reqID string
		p     *keyward.Principal
		err   error
	}
	results := make(chan result, 12)
	auth := func(reqID, token string) {
		p, err := svc.Authenticate(keyward.NewContextWithRequest(ctx, reqID, "10.0.0.1"), token)
		results <- result{reqID, p, err}
	}
	go auth("req-0", token)
	<-store.started // the first request's read has begun
	for i := 1; i <= 10; i++ {
		go auth(fmt.Sprint("req-", i), token)
	}
	go auth("wrong", token[:len(token)-1]+flip)
	<-store.started // the wrong secret's own read
	// Without the shared read the ten would start theirs now.
	time.Sleep(100 * time.Millisecond)
	close(store.gate)
	for range 12 {
		r := <-results
		switch {
		case r.reqID == "wrong" && keyward.ErrorCode(r.err) != keyward.CodeUnauthenticated:
			t.Errorf("the wrong secret: %v, want CodeUnauthenticated", r.err)
		case r.reqID != "wrong" && r.err != nil:
			t.Errorf("%s: %v", r.reqID, r.err)
		case r.reqID != "wrong" && r.p.RequestID != r.reqID:
			t.Errorf("%s got the principal of request %q", r.reqID, r.p.RequestID)
		}
	}
	if got := store.reads.Load(); got != 2 {
		t.Errorf("%d read transactions, want 2: one for the key, one for the wrong secret", got)
	}
}

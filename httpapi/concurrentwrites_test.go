package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSixtyFourWritersToOneOrg: 64 concurrent writes to one organization
// through the real server, each by an admin whose key was just minted
// (so each request needs a snapshot newer than the cached one), all
// answer 2xx within the deadline: none hangs, none is refused as busy. On
// PostgreSQL (KEYWARD_TEST_DATABASE_URL) this is the pool-at-default-size
// case that deadlocked when decisions loaded snapshots inside write
// transactions.
func TestSixtyFourWritersToOneOrg(t *testing.T) {
	a := newAPI(t)
	admin, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.do("POST", "/v2/policies/"+managedID(t, a, "AdministratorAccess")+"/users/"+admin, a.root, "", http.StatusNoContent, nil)
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = a.mintKeyAs(a.root, admin, `{}`, http.StatusCreated)
	}
	client := &http.Client{Timeout: 60 * time.Second}
	var wg sync.WaitGroup
	codes := make([]int, len(keys))
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", a.srv.URL+"/v2/groups", strings.NewReader(fmt.Sprintf(`{"display_name":"g%d","description":""}`, i)))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusCreated {
			t.Errorf("writer %d: %d, want 201", i, c)
		}
	}
}

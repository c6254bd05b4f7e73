package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServerLimits checks that the limit flags and their environment
// variables reach the service: the second group of an organization limited
// to one is refused with a 409 naming the limit.
func TestServerLimits(t *testing.T) {
	for _, tt := range []struct {
		name  string
		env   map[string]string
		extra []string
	}{
		{"flag", nil, []string{"--limit-groups", "1"}},
		{"env", map[string]string{"KEYWARD_LIMIT_GROUPS": "1"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.env, tt.extra...)
			c := httpClient(ts.Token)
			post := func(name string) (int, map[string]any) {
				res, err := c.Post(ts.URL+"/v2/groups", "application/json", strings.NewReader(`{"display_name":"`+name+`","description":""}`))
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				var body map[string]any
				json.Unmarshal(b, &body)
				return res.StatusCode, body
			}
			if code, body := post("one"); code != http.StatusCreated {
				t.Fatalf("first group: %d %v", code, body)
			}
			code, body := post("two")
			if code != http.StatusConflict || body["field"] == nil || !strings.Contains(body["error"].(string), "1") {
				t.Errorf("second group: %d %v, want 409 naming the limit of 1", code, body)
			}
		})
	}
	getenv := func(k string) string { return map[string]string{"KEYWARD_LIMIT_ROLES": "many"}[k] }
	err := run(context.Background(), []string{"keyward", "server", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db")},
		getenv, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "KEYWARD_LIMIT_ROLES") {
		t.Errorf("bad KEYWARD_LIMIT_ROLES: err = %v, want it named", err)
	}
}

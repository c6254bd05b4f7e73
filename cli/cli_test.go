package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward/cli"
)

// reply is a canned answer of the fake API.
type reply struct {
	status int
	body   string
}

// call is a request the fake API received.
type call struct {
	Method, Path, Query, Auth, Body string
}

// fakeAPI is an HTTP server that answers canned replies by "METHOD /path"
// (plus "?cursor=C" when the request has a cursor) and records requests.
type fakeAPI struct {
	URL     string
	replies map[string]reply

	mu    sync.Mutex
	calls []call
}

func newFakeAPI(tb testing.TB, replies map[string]reply) *fakeAPI {
	tb.Helper()
	f := &fakeAPI{replies: replies}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls = append(f.calls, call{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(body)})
	f.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	if c := r.URL.Query().Get("cursor"); c != "" {
		key += "?cursor=" + c
	}
	rep, ok := f.replies[key]
	if !ok {
		rep = reply{http.StatusNotFound, `{"error":"No route ` + key + `.","status":404,"code":"not_found"}`}
	}
	if strings.HasPrefix(rep.body, "{") {
		w.Header().Set("Content-Type", "application/json")
	} else if rep.body != "" {
		w.Header().Set("Content-Type", "text/html")
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (f *fakeAPI) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// run runs the keyward command line args with the given environment and
// standard input.
func run(getenv func(string) string, stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	root := cli.NewRoot(getenv, strings.NewReader(stdin), &out, &errOut)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

const (
	userID = "0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81"
	keyID  = "0192f4a1-2b3c-7d4e-8f50-617283940a1b"
	ada    = `{"id":"` + userID + `","name":"Ada Lovelace","email":"ada@example.com","api_enabled":true,` +
		`"acls":["manage_users","billing"],"service_user":false,"kind":"normal","status":"active","has_password":true,` +
		`"date_created":"2026-11-22T10:05:00Z","date_updated":"2026-11-22T11:00:00Z","date_suspended":""}`
	bob = `{"id":"0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a82","name":"Bob","email":"","api_enabled":false,` +
		`"acls":[],"service_user":true,"kind":"service","status":"suspended","has_password":false,` +
		`"date_created":"2026-11-23T08:00:00Z","date_updated":"2026-11-23T08:00:00Z","date_suspended":"2026-11-23T09:00:00Z"}`
	newKey = `{"api_key":{"id":"` + keyID + `","name":"ci","user_id":"` + userID + `",` +
		`"org_id":"0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a80","key":"kw_` + keyID + `_s3cret",` +
		`"date_created":"2026-11-22T10:10:00Z","date_expire":"","date_revoked":"","status":"active"}}`
)

func TestNoToken(t *testing.T) {
	api := newFakeAPI(t, nil)
	_, stderr, err := run(env(map[string]string{"KEYWARD_URL": api.URL}), "", "whoami")
	if err == nil || !strings.Contains(err.Error(), "KEYWARD_TOKEN") {
		t.Fatalf("whoami without a key: error = %v, want one naming KEYWARD_TOKEN", err)
	}
	if want := "Error: no API key: set KEYWARD_TOKEN, pass --token, or choose a profile with a token (--profile; docs/cli.md)\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	if n := len(api.Calls()); n != 0 {
		t.Errorf("made %d requests, want 0", n)
	}
}

func TestURLAndToken(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"GET /v2/users/me": {200, `{"user":` + ada + `}`}})
	dead := "http://127.0.0.1:1" // nothing listens there
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantAuth string
	}{
		{"env", map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_env"}, nil, "Bearer kw_env"},
		{"flags", nil, []string{"--url", api.URL, "--token", "kw_flag"}, "Bearer kw_flag"},
		{"flags over env", map[string]string{"KEYWARD_URL": dead, "KEYWARD_TOKEN": "kw_env"},
			[]string{"--url", api.URL, "--token", "kw_flag"}, "Bearer kw_flag"},
		{"token flag, url env", map[string]string{"KEYWARD_URL": api.URL}, []string{"--token", "kw_flag"}, "Bearer kw_flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(api.Calls())
			args := append(append([]string{}, tt.args...), "whoami")
			if _, stderr, err := run(env(tt.env), "", args...); err != nil {
				t.Fatalf("keyward %v: %v (stderr %q)", args, err, stderr)
			}
			calls := api.Calls()[before:]
			if len(calls) != 1 || calls[0].Auth != tt.wantAuth || calls[0].Path != "/v2/users/me" {
				t.Errorf("requests = %+v, want one GET /v2/users/me with %q", calls, tt.wantAuth)
			}
		})
	}
}

func TestBadGlobalFlags(t *testing.T) {
	getenv := env(map[string]string{"KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-o", "xml", "whoami"}, `invalid --output "xml"`},
		{[]string{"--url", "127.0.0.1:8080", "whoami"}, `invalid server URL "127.0.0.1:8080"`},
		{[]string{"org", "get", "nope"}, `invalid organization ID "nope"`},
		{[]string{"user", "create", "--name", "a", "--password", "x"}, "unknown flag: --password"},
		{[]string{"token", "create", "--user", userID, "--expires-at", "2027-01-01T00:00:00Z", "--expires-in", "1h"}, "none of the others can be"},
		{[]string{"token", "list"}, `required flag(s) "user" not set`},
		{[]string{"user", "update", userID}, "nothing to change"},
		{[]string{"user", "lst"}, `unknown command "lst" for "keyward user"`},
		{[]string{"user", "get"}, "Run 'keyward user get --help' for usage."},
	}
	for _, tt := range tests {
		_, _, err := run(getenv, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("keyward %v: error = %v, want it to contain %q", tt.args, err, tt.want)
		}
	}
}

func TestWhoami_Output(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"GET /v2/users/me": {200, `{"user":` + ada + `}`}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	stdout, _, err := run(getenv, "", "whoami")
	if err != nil {
		t.Fatal(err)
	}
	want := `id              0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81
name            Ada Lovelace
email           ada@example.com
kind            normal
status          active
api_enabled     yes
acls            manage_users,billing
service_user    no
has_password    yes
date_created    2026-11-22T10:05:00Z
date_updated    2026-11-22T11:00:00Z
date_suspended  -
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("whoami (table) mismatch (-want +got):\n%s", diff)
	}

	stdout, _, err = run(getenv, "", "user", "me", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var indented bytes.Buffer
	json.Indent(&indented, []byte(ada), "", "  ")
	if diff := cmp.Diff(indented.String()+"\n", stdout); diff != "" {
		t.Errorf("user me -o json mismatch (-want +got):\n%s", diff)
	}
}

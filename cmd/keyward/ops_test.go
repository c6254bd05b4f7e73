package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestHealthAndMetrics checks /healthz, /readyz and /metrics of the real
// server: request counts and latencies by route pattern (never a raw path)
// and status.
func TestHealthAndMetrics(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	anon := newClient(t, ts, "")
	h, err := anon.GetHealthWithResponse(ctx)
	expect(t, "GET /healthz", h, err, http.StatusOK)
	if h.JSON200 == nil || !h.JSON200.OK || h.HTTPResponse.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /healthz = %s (%s), want {\"ok\":true} as application/json", h.Body, h.HTTPResponse.Header.Get("Content-Type"))
	}
	r, err := anon.GetReadinessWithResponse(ctx)
	expect(t, "GET /readyz", r, err, http.StatusOK)
	if r.JSON200 == nil || !r.JSON200.OK {
		t.Errorf("GET /readyz = %s, want {\"ok\":true}", r.Body)
	}

	root := newClient(t, ts, ts.Token)
	for range 3 {
		me, err := root.GetCurrentUserWithResponse(ctx)
		expect(t, "GET /v2/users/me", me, err, http.StatusOK)
	}
	missing := uuid.Must(uuid.NewV7())
	for range 2 {
		u, err := root.GetUserWithResponse(ctx, missing)
		expect(t, "GET /v2/users/{missing}", u, err, http.StatusNotFound)
	}
	res, err := httpClient(ts.Token).Get(ts.URL + "/v2/no-such-thing/" + missing.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// Answered before routing, still counted under their route.
	for _, token := range []string{"", "kw_nope_nope"} {
		res, err := httpClient(token).Get(ts.URL + "/v2/users/" + missing.String())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}

	// The console's pages are counted, and logged, as the API's requests.
	for range 2 {
		res, err := http.Get(ts.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	waitFor(t, "the console's request in the request log", func() bool {
		return strings.Contains(ts.logs.String(), `"route":"GET /login","status":200`)
	})

	m, err := anon.GetMetricsWithResponse(ctx)
	expect(t, "GET /metrics", m, err, http.StatusOK)
	if ct := m.HTTPResponse.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET /metrics Content-Type %q, want the Prometheus text format", ct)
	}
	samples := parseMetrics(t, string(m.Body))
	tests := []struct {
		sample string
		want   float64
	}{
		{`keyward_http_requests_total{method="GET",route="GET /healthz",status="200"}`, 1},
		{`keyward_http_requests_total{method="GET",route="GET /readyz",status="200"}`, 1},
		{`keyward_http_requests_total{method="GET",route="GET /v2/users/me",status="200"}`, 3},
		{`keyward_http_requests_total{method="GET",route="GET /v2/users/{user_id}",status="404"}`, 2},
		{`keyward_http_requests_total{method="GET",route="unmatched",status="404"}`, 1},
		{`keyward_http_requests_total{method="GET",route="GET /login",status="200"}`, 2},
		{`keyward_http_requests_total{method="GET",route="GET /v2/users/{user_id}",status="401"}`, 2},
		{`keyward_http_request_duration_seconds_count{route="GET /v2/users/me"}`, 3},
		{`keyward_http_request_duration_seconds_count{route="GET /v2/users/{user_id}"}`, 4}, // two 404s, two 401s
		{`keyward_http_request_duration_seconds_bucket{route="GET /v2/users/me",le="+Inf"}`, 3},
	}
	for _, tt := range tests {
		if got, ok := samples[tt.sample]; !ok || got != tt.want {
			t.Errorf("%s = %v (present %v), want %v", tt.sample, got, ok, tt.want)
		}
	}
	if s := samples[`keyward_http_request_duration_seconds_sum{route="GET /v2/users/me"}`]; s <= 0 {
		t.Errorf("latency sum of GET /v2/users/me = %v, want > 0", s)
	}
	if strings.Contains(string(m.Body), missing.String()) {
		t.Errorf("/metrics shows a raw path with an id:\n%s", m.Body)
	}
	if _, ok := samples["go_goroutines"]; !ok {
		t.Error("/metrics has no Go collector (go_goroutines)")
	}
}

// parseMetrics reads Prometheus text exposition into sample → value, with
// each sample's labels as the server wrote them.
func parseMetrics(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("bad metrics line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// TestGracefulShutdown cancels run's context, as SIGTERM does, while a
// request is in flight: the server stops taking connections, the request
// completes, and run returns nil.
func TestGracefulShutdown(t *testing.T) {
	ts := startServer(t, nil)
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))

	// With Expect: 100-continue the server answers "100 Continue" when the
	// handler first reads the body: then the request is in flight, past
	// authentication, and stays so until the body arrives.
	body := `{"name":"late","service_user":true}`
	fmt.Fprintf(conn, "POST /v2/users HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", u.Host, ts.Token, len(body))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
		t.Fatalf("read 100 Continue: %q, %v", status, err)
	}
	if blank, err := br.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q, %v", blank, err)
	}

	ts.cancel()
	waitFor(t, "the server to start shutting down", func() bool { return strings.Contains(ts.logs.String(), `"shutting down"`) })
	waitFor(t, "the server to refuse new connections", func() bool {
		c, err := net.Dial("tcp", u.Host)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case err := <-ts.done:
		t.Fatalf("run returned %v while a request was in flight", err)
	default:
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatalf("send the body: %v", err)
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read the response: %v", err)
	}
	defer res.Body.Close()
	var got struct {
		User struct{ Name string } `json:"user"`
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != http.StatusCreated || got.User.Name != "late" {
		t.Fatalf("in-flight request = %d %+v, %v; want 201 with the user", res.StatusCode, got, err)
	}
	if !res.Close {
		t.Error("the last response does not close its connection")
	}
	if err := ts.stop(t); err != nil {
		t.Fatalf("run returned %v, want nil; logs:\n%s", err, ts.logs.String())
	}
}

// waitFor polls cond until it holds, failing t after 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

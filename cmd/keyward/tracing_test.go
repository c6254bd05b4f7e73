package main

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	collector "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an in-process OTLP/HTTP trace collector: it keeps every
// span it is sent.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req collector.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			o.spans = append(o.spans, ss.Spans...)
		}
	}
	o.mu.Unlock()
	out, _ := proto.Marshal(&collector.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// TestTracing: with --otlp-endpoint, a request that carries a W3C
// traceparent yields, in that trace, the server span named by its route
// and the spans of its decision and its store transaction, exported to a
// real OTLP/HTTP endpoint when the server stops; the request's log line
// carries the trace id.
func TestTracing(t *testing.T) {
	var rcv otlpReceiver
	collectorSrv := httptest.NewServer(&rcv)
	defer collectorSrv.Close()
	ts := startServer(t, map[string]string{"KEYWARD_OTLP_ENDPOINT": collectorSrv.URL})

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest("GET", ts.URL+"/v2/users", nil)
	req.Header.Set("Authorization", "Bearer "+ts.Token)
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /v2/users = %d", res.StatusCode)
	}
	if err := ts.stop(t); err != nil { // flushes the batch
		t.Fatal(err)
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	names := map[string]bool{}
	for _, s := range rcv.spans {
		if hex.EncodeToString(s.TraceId) == traceID {
			names[s.Name] = true
		}
	}
	for _, want := range []string{"GET /v2/users", "keyward.authorize", "keyward.store.tx"} {
		if !names[want] {
			t.Errorf("spans of trace %s: %v; want %q among them (%d spans exported in all)", traceID, names, want, len(rcv.spans))
		}
	}
	var logged bool
	for _, line := range strings.Split(ts.logs.String(), "\n") {
		if strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"route":"GET /v2/users"`) {
			logged = strings.Contains(line, `"trace_id":"`+traceID+`"`)
			if !logged {
				t.Errorf("the request's log line has no trace_id %s: %s", traceID, line)
			}
		}
	}
	if !logged {
		t.Errorf("no request log line for GET /v2/users in:\n%s", ts.logs.String())
	}
}

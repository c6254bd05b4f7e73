//go:build linux

package authz_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkHTTPAuthorizeRate offers POST /v2/authorize at fixed rates,
// b.N requests each, with the open-model driver of openload_test.go, to
// three servers on loopback: server=inproc is the handler of the other
// HTTP benchmarks, in this process; server=process is the keyward binary
// in its own process (`keyward server` on the large org's SQLite file,
// logging every request as in production); server=canned answers every
// request with the same verdict without reading it, the ceiling this
// machine and driver allow. All share this machine's two cores with the
// driver.
//
// p50-ms and p99-ms count from when each request was due; sent-p99-ms
// from when it was written, which leaves out time spent queued in the
// driver. server-cpu-us/call is the server process's CPU per request,
// read from /proc (so only for server=process); cpu-us/call is this
// process's. Every answer must be a 200 carrying the engine's verdict.
//
// Run: go test ./authz -run '^$' -bench HTTPAuthorizeRate -benchtime 100000x
func BenchmarkHTTPAuthorizeRate(b *testing.B) {
	for _, server := range []struct {
		name  string
		get   func() (*httpBench, error)
		brief bool
	}{
		{"inproc", httpBenchOnce, false}, {"inproc-brief", httpBenchOnce, true},
		{"process", keywardProcessOnce, false}, {"process-brief", keywardProcessOnce, true},
		{"canned", cannedBench, false},
	} {
		for _, rate := range []int{10000, 20000} {
			b.Run(fmt.Sprintf("server=%s/rate=%d", server.name, rate), func(b *testing.B) {
				h, err := server.get()
				if err != nil {
					b.Fatal(err)
				}
				load, err := h.openLoad(server.brief)
				if err != nil {
					b.Fatal(err)
				}
				var server0 time.Duration
				if h.pid != 0 {
					server0 = processCPU(h.pid)
				}
				self0 := cpuTime()
				b.ResetTimer()
				res, err := load.run(b.N, rate)
				b.StopTimer()
				self := cpuTime() - self0
				if err != nil {
					b.Fatal(err)
				}
				ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
				b.ReportMetric(float64(res.n)/res.elapsed.Seconds(), "decisions/s")
				b.ReportMetric(ms(res.latency[res.n/2]), "p50-ms")
				b.ReportMetric(ms(res.latency[res.n*99/100]), "p99-ms")
				b.ReportMetric(ms(res.service[res.n*99/100]), "sent-p99-ms")
				b.ReportMetric(float64(self.Microseconds())/float64(res.n), "cpu-us/call")
				if h.pid != 0 {
					b.ReportMetric(float64((processCPU(h.pid)-server0).Microseconds())/float64(res.n), "server-cpu-us/call")
				}
			})
		}
	}
}

// openLoad returns a driver of h's sample to h's server, over 32
// connections, that checks every verdict against the engine's; brief
// sends the sample with "explain": false.
func (h *httpBench) openLoad(brief bool) (*openLoad, error) {
	host, err := hostOf(h.url)
	if err != nil {
		return nil, err
	}
	l := &openLoad{addr: host, conns: 32}
	bodies := h.single
	if brief {
		bodies = h.brief
	}
	for _, body := range bodies {
		l.reqs = append(l.reqs, httpRequest(host, "/v2/authorize", body,
			"Authorization", "Bearer "+h.o.token, "Content-Type", "application/json"))
	}
	l.check = func(k, status int, body []byte) error {
		if h.url == h.loopback {
			return nil // the canned server gives the same verdict to all
		}
		i := k % len(h.single)
		want := `{"decision":"deny"`
		if h.allow[i] {
			want = `{"decision":"allow"`
		}
		if status != http.StatusOK || !bytes.HasPrefix(body, []byte(want)) {
			return fmt.Errorf("sample %d: got %d %.80s, want 200 %s...", i, status, body, want)
		}
		return nil
	}
	return l, nil
}

// cannedBench returns the sample aimed at the canned server of
// newHTTPBench.
func cannedBench() (*httpBench, error) {
	h, err := httpBenchOnce()
	if err != nil {
		return nil, err
	}
	c := h.clone()
	c.url, c.loopback = h.loopback, h.loopback
	return c, nil
}

// keywardProcessOnce builds the keyward binary, starts `keyward server` on
// the large org's database, and warms it up with the whole sample (every
// verdict checked against the engine's). It returns the sample aimed at
// that server, with the server's process id; the server is stopped when
// the test binary ends.
var keywardProcessOnce = sync.OnceValues(func() (*httpBench, error) {
	sample, err := httpSampleOnce()
	if err != nil {
		return nil, err
	}
	h := sample.clone()
	if err := h.serve(); err != nil {
		return nil, err
	}
	return h, nil
})

// serve starts `keyward server` on h's org (startKeyward), aims h at it
// and warms it up with the whole sample, every verdict checked.
func (h *httpBench) serve() error {
	var err error
	if h.url, h.pid, err = startKeyward(h.o.path); err != nil {
		return err
	}
	if _, err := h.run(4, len(h.single), h.authorize); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	return nil
}

// copySample returns the HTTP sample and a clone of it on a copy of its
// org (copyOrg), removed when the test binary ends, for a benchmark that
// writes to the org or hands it to a server of its own.
func copySample() (sample, onCopy *httpBench, err error) {
	if sample, err = httpSampleOnce(); err != nil {
		return nil, nil, err
	}
	c, done, err := copyOrg(sample.o)
	if err != nil {
		return nil, nil, err
	}
	benchCleanups = append(benchCleanups, done)
	onCopy = sample.clone()
	onCopy.o = c
	return sample, onCopy, nil
}

// startKeyward builds the keyward binary and starts `keyward server` on
// the SQLite file at db, configured by its command line alone. It returns
// the server's base URL and process id; the server is stopped when the
// test binary ends.
func startKeyward(db string) (string, int, error) {
	dir, err := os.MkdirTemp("", "keyward-server-")
	if err != nil {
		return "", 0, err
	}
	benchCleanups = append(benchCleanups, func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "keyward")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/keyward-iam/keyward/cmd/keyward").CombinedOutput(); err != nil {
		return "", 0, fmt.Errorf("go build: %v\n%s", err, out)
	}
	log, err := os.Create(filepath.Join(dir, "keyward.log"))
	if err != nil {
		return "", 0, err
	}
	cmd := exec.Command(bin, "server", "--db", db, "--addr", "127.0.0.1:0",
		"--bootstrap-token-file", filepath.Join(dir, "root-token"))
	// Only this command line configures the server.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KEYWARD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stderr = log
	return startServer(cmd, func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		log.Close()
	}, errors.New("keyward server ended before listening; its log is "+log.Name()))
}

// startServer starts cmd, a server that says on its stdout "listening on "
// and its base URL, and returns that URL and its process id; stop ends it
// when the test binary ends. What it prints after is drained, so that it
// never blocks on the pipe. If it ends before it listens, the error is
// notListening.
func startServer(cmd *exec.Cmd, stop func(), notListening error) (string, int, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	benchCleanups = append(benchCleanups, stop)
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if url, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			go func() { // keep the pipe drained
				for lines.Scan() {
				}
			}()
			return url, cmd.Process.Pid, nil
		}
	}
	return "", 0, notListening
}

// processCPU returns the CPU time, user and system, that process pid has
// used so far, to the kernel's clock tick (10 ms), or 0 if /proc cannot
// tell.
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces; the fields
	// after it are numbered from 3 (state), so utime and stime, fields
	// 14 and 15, are the 12th and 13th after it.
	_, rest, _ := bytes.Cut(raw, []byte(") "))
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick
}

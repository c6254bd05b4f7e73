package authz_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// openLoad is a load driver of the open model: request k is due at
// start + k/rate whatever became of the earlier ones, as a provider's
// services call keyward. A pacer hands due requests to a pool of
// keep-alive connections; a request that finds every connection busy
// waits, and its latency counts from when it was due, so a slow answer
// cannot hide the requests queued behind it (wrk2's correction of
// "coordinated omission").
//
// It speaks HTTP/1.1 itself, with each request's bytes prepared in
// advance, because on a 2-vCPU machine net/http's client (or vegeta's
// library, built on it) costs the driver about as much CPU as the server
// spends answering, and the driver's share is not the server's speed.
type openLoad struct {
	addr  string   // host:port
	reqs  [][]byte // whole HTTP requests; request k sends reqs[k%len(reqs)]
	conns int      // connections, each with one request in flight at most
	// check, if set, judges each answer by its status and body.
	check func(k, status int, body []byte) error
}

// loadResult is what one openLoad run measured.
type loadResult struct {
	n       int
	elapsed time.Duration   // from the first due time to the last answer
	latency []time.Duration // per request, from due to answered; sorted
	service []time.Duration // per request, from sent to answered; sorted
}

// httpRequest returns the bytes of a POST of body to path on host, with
// the given headers (name, value, name, value...).
func httpRequest(host, path string, body []byte, headers ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\n", path, host)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.Bytes()
}

// hostOf returns the host:port of an http:// base URL.
func hostOf(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	return u.Host, nil
}

// run offers n requests at rate per second and waits for every answer.
func (l *openLoad) run(n, rate int) (loadResult, error) {
	res := loadResult{n: n, latency: make([]time.Duration, n), service: make([]time.Duration, n)}
	conns := make([]net.Conn, l.conns)
	for i := range conns {
		c, err := net.Dial("tcp", l.addr)
		if err != nil {
			return res, err
		}
		defer c.Close()
		conns[i] = c
	}
	due := make(chan int, n)
	start := time.Now().Add(time.Millisecond)
	at := func(k int) time.Time { return start.Add(time.Duration(int64(k) * int64(time.Second) / int64(rate))) }
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		last     time.Time
	)
	stop := make(chan struct{})
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			close(stop)
		}
	}
	for _, c := range conns {
		wg.Go(func() {
			r := bufio.NewReaderSize(c, 16<<10)
			var body []byte
			for k := range due {
				sent := time.Now()
				if _, err := c.Write(l.reqs[k%len(l.reqs)]); err != nil {
					fail(err)
					return
				}
				status, b, err := readResponse(r, body[:0])
				body = b
				done := time.Now()
				if err == nil && l.check != nil {
					err = l.check(k, status, body)
				}
				if err != nil {
					fail(fmt.Errorf("request %d: %w", k, err))
					return
				}
				res.latency[k], res.service[k] = done.Sub(at(k)), done.Sub(sent)
				mu.Lock()
				if done.After(last) {
					last = done
				}
				mu.Unlock()
			}
		})
	}
	// The pacer wakes about every 50 µs and releases what has come due;
	// its lateness shows in the latency, as the server's would.
	for k := 0; k < n; {
		now := time.Now()
		for ; k < n && !at(k).After(now); k++ {
			due <- k
		}
		if k < n {
			select {
			case <-stop:
				k = n
			default:
				time.Sleep(min(at(k).Sub(now), 50*time.Microsecond))
			}
		}
	}
	close(due)
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	res.elapsed = last.Sub(start)
	slices.Sort(res.latency)
	slices.Sort(res.service)
	return res, nil
}

// readResponse reads one HTTP/1.1 response with a Content-Length, as
// keyward sends its JSON answers, appending the body to buf.
func readResponse(r *bufio.Reader, buf []byte) (int, []byte, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, buf, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, buf, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, buf, fmt.Errorf("bad status line %q", line)
	}
	length := -1
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return status, buf, err
		}
		if len(line) <= 2 { // the blank line ending the header
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(name, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
				return status, buf, fmt.Errorf("bad Content-Length %q", value)
			}
		}
	}
	if length < 0 {
		return status, buf, errors.New("an answer without Content-Length")
	}
	buf = slices.Grow(buf, length)[:length]
	_, err = io.ReadFull(r, buf)
	return status, buf, err
}

package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestLogWriterKeepsEveryLineInOrder writes lines from several goroutines
// and checks that, once closed, the writer has written each exactly once,
// each goroutine's in the order it wrote them, and that a write after
// Close still arrives.
func TestLogWriterKeepsEveryLineInOrder(t *testing.T) {
	const writers, lines = 8, 2000
	var out keywardtest.SyncBuffer
	l := newLogWriter(&out)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(l, "w%d %d\n", w, i)
			}
		})
	}
	wg.Wait()
	l.Close()
	fmt.Fprintf(l, "after close\n")
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines+1 || got[len(got)-1] != "after close" {
		t.Fatalf("got %d lines ending %q, want %d ending %q", len(got), got[len(got)-1], writers*lines+1, "after close")
	}
	next := make([]int, writers)
	for _, line := range got[:len(got)-1] {
		var w, i int
		if _, err := fmt.Sscanf(line, "w%d %d", &w, &i); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if i != next[w] {
			t.Fatalf("writer %d: got line %d, want %d", w, i, next[w])
		}
		next[w]++
	}
}

// TestLogWriterBlocksWhenBehind checks that a writer stalled on its output
// holds back the server's writes past maxPendingLog instead of queueing
// without bound, and lets them through once it writes again.
func TestLogWriterBlocksWhenBehind(t *testing.T) {
	gate := &gatedWriter{open: make(chan struct{})}
	l := newLogWriter(gate)
	line := bytes.Repeat([]byte("x"), 64<<10)
	l.Write(line)
	// At most two batches wait: one the goroutine took and cannot write,
	// one queued behind it, each of up to maxPendingLog and a line.
	lines := 4 * maxPendingLog / len(line)
	wrote := make(chan int, 1)
	go func() {
		n := 0
		for range lines {
			l.Write(line)
			n++
		}
		wrote <- n
	}()
	// Wait until the queue is past its bound, then give the writes time
	// to finish if nothing held them back.
	for full := false; !full; time.Sleep(time.Millisecond) {
		l.mu.Lock()
		full = len(l.pending) > maxPendingLog
		l.mu.Unlock()
	}
	select {
	case n := <-wrote:
		t.Fatalf("%d lines of %d bytes queued behind a stalled output", n, len(line))
	case <-time.After(50 * time.Millisecond):
	}
	close(gate.open)
	<-wrote
	l.Close()
	if want := (1 + lines) * len(line); gate.n != want {
		t.Errorf("wrote %d bytes, want %d", gate.n, want)
	}
}

// gatedWriter counts what it is given, once open is closed.
type gatedWriter struct {
	open chan struct{}
	n    int
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	<-g.open
	g.n += len(p)
	return len(p), nil
}

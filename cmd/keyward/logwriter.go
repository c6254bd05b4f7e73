package main

import (
	"io"
	"sync"
)

// maxPendingLog is how many bytes of log lines may wait for the writer
// before a Write blocks until they are written: a slow log slows the
// server rather than growing without bound or dropping lines.
const maxPendingLog = 1 << 20

// logWriter passes the server's log lines to w from one goroutine, in the
// order they came, joining into one write the lines that arrive while the
// previous write is under way. Every request logs a line, and writing
// each with its own system call cost about a twentieth of a request's
// CPU; a line is never held back waiting for others, so an idle server
// writes each at once and a crash loses only what was being written.
type logWriter struct {
	w       io.Writer
	mu      sync.Mutex
	written sync.Cond // signalled when pending has been taken
	pending []byte
	closed  bool
	wake    chan struct{} // holds a token while pending has lines
	done    chan struct{} // closed when the goroutine has written everything
}

// newLogWriter starts the goroutine that writes to w; Close ends it.
func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.written.L = &l.mu
	go l.run()
	return l
}

// Write queues a copy of p, a whole line (slog writes one per call); it
// reports no error: the writer's errors have nowhere to go but the log.
// After Close it writes p itself.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	for len(l.pending) > maxPendingLog && !l.closed {
		l.written.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		return l.w.Write(p)
	}
	l.pending = append(l.pending, p...)
	select {
	case l.wake <- struct{}{}:
	default: // the goroutine is woken already and will take p too
	}
	l.mu.Unlock()
	return len(p), nil
}

func (l *logWriter) run() {
	defer close(l.done)
	var spare []byte
	for {
		_, open := <-l.wake
		l.mu.Lock()
		out := l.pending
		l.pending = spare[:0]
		l.written.Broadcast()
		l.mu.Unlock()
		if len(out) > 0 {
			_, _ = l.w.Write(out)
		}
		spare = out
		if !open {
			return
		}
	}
}

// Close writes what is queued and stops the goroutine; later writes go
// straight to w.
func (l *logWriter) Close() {
	l.mu.Lock()
	l.closed = true
	l.written.Broadcast()
	close(l.wake) // under mu: no Write is sending
	l.mu.Unlock()
	<-l.done
}

package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// certReloader serves the certificate of a certificate file and a key
// file, and reads them again when either changes, so a renewed
// certificate (certbot, cert-manager) is served without a restart: on
// SIGHUP, and on a handshake at most once a second when a file's
// modification time or size differs from what was loaded. A reload that
// fails keeps the certificate being served and is logged.
type certReloader struct {
	certFile, keyFile string
	log               *slog.Logger

	mu      sync.Mutex // held while reading the files: handshakes wait for a reload
	cert    *tls.Certificate
	stamp   string    // the files' modification times and sizes when cert was read
	checked time.Time // when the stamps were last compared
}

// newCertReloader reads the pair once; an error names the file that is
// wrong.
func newCertReloader(certFile, keyFile string, log *slog.Logger) (*certReloader, error) {
	c := &certReloader{certFile: certFile, keyFile: keyFile, log: log}
	if err := c.load(); err != nil {
		return nil, err
	}
	return c, nil
}

// stampOf describes the files' versions; "" when one cannot be read.
func (c *certReloader) stampOf() string {
	var s string
	for _, f := range []string{c.certFile, c.keyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			return ""
		}
		s += fmt.Sprintf("%d/%d;", fi.ModTime().UnixNano(), fi.Size())
	}
	return s
}

// load reads the pair. The caller holds c.mu, or c is not yet shared.
func (c *certReloader) load() error {
	stamp := c.stampOf()
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-cert %s, --tls-key %s: %w", c.certFile, c.keyFile, err)
	}
	c.cert, c.stamp = &cert, stamp
	return nil
}

// reload reads the pair again if force or the files changed, logging a
// failure and keeping the certificate served.
func (c *certReloader) reload(force bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked = time.Now()
	if !force && c.stampOf() == c.stamp {
		return
	}
	if err := c.load(); err != nil {
		c.log.Error("TLS certificate not reloaded; serving the previous one", "err", err)
		return
	}
	c.log.Info("TLS certificate loaded", "cert", c.certFile)
}

// GetCertificate is tls.Config's hook: the current certificate.
func (c *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	stale := time.Since(c.checked) >= time.Second
	c.mu.Unlock()
	if stale {
		c.reload(false)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert, nil
}

// onSIGHUP reloads the pair on every SIGHUP until ctx ends or the returned
// stop is called.
func (c *certReloader) onSIGHUP(ctx context.Context) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				c.reload(true)
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
	}
}

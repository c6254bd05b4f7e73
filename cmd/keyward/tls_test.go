package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate for 127.0.0.1 with the given
// serial number, and its key, as PEM files, and returns the certificate.
func writeCert(t *testing.T, certFile, keyFile string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "keyward test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	// The key first: a reload that sees the new certificate sees its key.
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// TestServerTLS: with --tls-cert and --tls-key the server answers HTTPS
// only, and serves a renewed certificate without a restart, after SIGHUP
// and after the files change.
func TestServerTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := writeCert(t, certFile, keyFile, 1)
	ts := startServer(t, nil, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(ts.URL, "https://") {
		t.Fatalf("the server listens on %s, want https://", ts.URL)
	}
	roots := x509.NewCertPool()
	roots.AddCert(first)
	// served returns the serial number of the certificate a new
	// connection is given.
	served := func() int64 {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{RootCAs: roots}}}
		res, err := c.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz over TLS = %d", res.StatusCode)
		}
		return res.TLS.PeerCertificates[0].SerialNumber.Int64()
	}
	if got := served(); got != 1 {
		t.Fatalf("served certificate %d, want 1", got)
	}
	if res, err := http.Get(strings.Replace(ts.URL, "https://", "http://", 1) + "/healthz"); err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Error("plain HTTP answered 200 on the TLS port")
		}
	}

	// waitFor polls until the server serves serial; a reload is not
	// instantaneous, but it must happen.
	waitFor := func(serial int64, how string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if served() == serial {
				return
			}
		}
		t.Fatalf("%s: still serving certificate %d, want %d", how, served(), serial)
	}
	roots.AddCert(writeCert(t, certFile, keyFile, 2))
	waitFor(2, "after the files changed")

	// A broken file keeps the served certificate.
	if err := os.WriteFile(certFile, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // past the once-a-second check, so the broken file is read
	if got := served(); got != 2 {
		t.Errorf("after a broken renewal: served %d, want 2 (the previous one)", got)
	}
	roots.AddCert(writeCert(t, certFile, keyFile, 3))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(3, "after SIGHUP")
}

func TestServerTLSFlags(t *testing.T) {
	for _, args := range [][]string{{"--tls-cert", "x.pem"}, {"--tls-key", "x.pem"}, {"--trusted-proxies", "10.0.0.0/33"}} {
		args := append([]string{"keyward", "server", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db")}, args...)
		var out, errOut strings.Builder
		if err := run(t.Context(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut); err == nil || out.Len() > 0 {
			t.Errorf("%v: %v, stdout %q; want an error before listening", args, err, out.String())
		}
	}
}

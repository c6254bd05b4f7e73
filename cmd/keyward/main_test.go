package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestMain stops the shared browser after the tests, and holds every response these end-to-end tests receive — the
// CLI's, Vultr's client's, the tests' own requests, all through
// http.DefaultTransport — to api/openapi.yaml, and fails the run on a
// response that breaks it.
func TestMain(m *testing.M) {
	c, err := keywardtest.NewContractChecker()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Registered for http:// on the default transport itself, which other
	// code clones and so must stay an *http.Transport.
	def := http.DefaultTransport.(*http.Transport)
	def.RegisterProtocol("http", c.Transport(def.Clone()))
	flag.Parse()
	code := m.Run()
	stopBrowser()
	for _, v := range c.Violations() {
		fmt.Fprintf(os.Stderr, "response breaks api/openapi.yaml: %s\n", v)
		code = 1
	}
	os.Exit(code)
}

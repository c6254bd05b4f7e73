package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleProgress: while a real request of a form is in flight, the
// "Working…" status shows and the form is marked aria-busy; both are gone
// once the answer is in. The test records what it saw with a
// MutationObserver installed before the click, since a request to a local
// server ends too soon to be polled.
func TestConsoleProgress(t *testing.T) {
	owner := newTab(t)
	ts, _, _ := consoleServer(t)
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "open the OIDC issuers", chromedp.Click(chromedp.CSS(`nav a[href="/oidc-issuers"]`)), chromedp.WaitVisible(chromedp.ID("issuer-create")))
	waitJS(t, owner, "the page has settled", `document.getElementById("issuer-create") !== null`)
	// The status is hidden, so it has no innerText: its textContent is
	// what a screen reader announces once it shows.
	hidden := `getComputedStyle(document.getElementById("working")).visibility === "hidden"`
	waitJS(t, owner, "the status is there, hidden, before any request",
		hidden+` && document.getElementById("working").textContent === "Working…"`)
	// The observer keeps what it saw on window, which outlives htmx's swap
	// of the body.
	if _, err := chromedp.Run(owner, chromedp.Evaluate[bool](`window.seen = {status: false, busy: ""};
			new MutationObserver(() => {
				const w = document.getElementById("working");
				if (w && getComputedStyle(w).visibility === "visible" && w.getAttribute("role") === "status") { window.seen.status = true; }
				const f = document.querySelector('form[aria-busy="true"]');
				if (f) { window.seen.busy = f.querySelector("button[type=submit]").id; }
			}).observe(document.body, {subtree: true, childList: true, attributes: true});
			true`)); err != nil {
		t.Fatalf("watch the page: %v", err)
	}
	do(t, owner, "add an issuer", chromedp.SendKeys(chromedp.ID("issuer-name"), "ci"), chromedp.SendKeys(chromedp.ID("issuer-uri"), "https://ci.example.com"),
		chromedp.Click(chromedp.ID("issuer-create")), chromedp.WaitVisible(chromedp.ID("issuers")))
	waitJS(t, owner, "the answer is in", `document.getElementById("issuers") !== null`)
	seen, err := chromedp.Run(owner, chromedp.Evaluate[struct {
		Status bool   `json:"status"`
		Busy   string `json:"busy"`
	}](`window.seen`))
	if err != nil {
		t.Fatal(err)
	}
	if !seen.Status {
		t.Error("the Working… status never showed while the request was in flight")
	}
	if seen.Busy != "issuer-create" {
		t.Errorf("the form marked aria-busy during the request was the one of %q, want issuer-create's", seen.Busy)
	}
	waitJS(t, owner, "the status is hidden after the request", hidden+` && !document.querySelector("[aria-busy]")`)
}

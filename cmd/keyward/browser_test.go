package main

import (
	"context"
	_ "embed"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium is Debian's browser, which .ci/run installs.
const chromium = "/usr/bin/chromium"

var screenshots = flag.Bool("screenshots", false, "write the console's screenshots to docs/console/")

// axeSource is axe-core (testdata/axe-core/README), injected into pages
// to check their accessibility.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// browser is the one headless Chromium of the test binary, started by the
// first test that needs it and stopped by TestMain.
var browser struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

// stopBrowser stops the shared browser, if a test started it; TestMain
// calls it once every test has run.
func stopBrowser() {
	if browser.stop != nil {
		browser.stop()
	}
}

// startBrowser starts the shared browser with the flags that keep it off
// the network (research/dependencies.md).
func startBrowser() {
	dir, err := os.MkdirTemp("", "keyward-chromium")
	if err != nil {
		browser.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 800))
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, stopBrowser := chromedp.NewContext(alloc)
	browser.ctx = ctx
	browser.stop = func() {
		stopBrowser()
		stopAlloc()
		// Chromium's helpers may still write for a moment after it stops.
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// Started without a timeout: the first action allocates the browser.
	browser.err = chromedp.Do(ctx)
}

// newTab returns a tab of the shared browser in a browser context of its
// own (its own cookies: one person), closed when t ends. Browser tests
// skip when Chromium is missing, except in CI, where it must be there.
func newTab(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no %s: install chromium to run the browser tests", chromium)
		}
		t.Fatalf("CI is set and %s is missing: %v", chromium, err)
	}
	browser.once.Do(startBrowser)
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	ctx, cancel := context.WithTimeout(browser.ctx, 60*time.Second)
	t.Cleanup(cancel)
	ctx, closeTab := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	// Every document of the tab records what its Content-Security-Policy
	// blocked, for checkPage: the console must need no inline script or
	// style, htmx included.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.cspViolations = []; document.addEventListener("securitypolicyviolation",
			e => window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")))`,
	}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// do runs steps in tab, failing t with what for context.
func do(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the element sel selects.
func text(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// checkPage checks the page open in tab: its Content-Security-Policy
// blocked nothing, axe-core finds no serious or critical violation; with
// -screenshots, it saves it as docs/console/NAME.png.
func checkPage(t *testing.T, tab context.Context, name string) {
	t.Helper()
	blocked, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`window.cspViolations || ["no recorder"]`))
	if err != nil {
		t.Fatalf("%s: read CSP violations: %v", name, err)
	}
	for _, b := range blocked {
		t.Errorf("page %s: the Content-Security-Policy blocked %s", name, b)
	}
	// htmx swaps pages in place, so axe-core is often still loaded.
	loaded, err := chromedp.Run(tab, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err == nil && !loaded {
		_, err = chromedp.Run(tab, chromedp.Evaluate[bool](axeSource+";true"))
	}
	if err != nil {
		t.Fatalf("%s: inject axe-core: %v", name, err)
	}
	bad, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", name, err)
	}
	for _, v := range bad {
		t.Errorf("page %s: accessibility: %s", name, v)
	}
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "console", name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

package cli

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"time"
)

// openBrowser opens url in the person's browser, best effort: with
// $BROWSER set it runs that command with the URL as its one argument
// (as git and gh do); otherwise, only when standard input is a terminal
// (a person is there to see it), the platform's opener. It reports
// whether a browser was started; a failure leaves the printed URL to copy.
func (a *app) openBrowser(ctx context.Context, url string) bool {
	name := a.getenv("BROWSER")
	if name == "" {
		if !isTerminal(a.stdin) {
			return false
		}
		switch runtime.GOOS {
		case "darwin":
			name = "open"
		case "windows":
			name = "explorer.exe"
		default:
			name = "xdg-open"
		}
	}
	// The opener returns once it has handed the URL over; a browser that
	// hangs must not hold the login.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, name, url).Run() == nil
}

// isTerminal reports whether r is a character device such as a terminal.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

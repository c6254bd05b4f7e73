package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// maxPerPage is the largest page the API serves; --all asks for it.
const maxPerPage = 500

// pageFlags are the paging flags of every list command.
type pageFlags struct {
	perPage int
	cursor  string
	all     bool
}

func (f *pageFlags) add(cmd *cobra.Command) {
	cmd.Flags().IntVar(&f.perPage, "per-page", 0, "items per page, 1 to 500 (default 100; 500 with --all)")
	cmd.Flags().StringVar(&f.cursor, "cursor", "", "start at this cursor, from a previous page")
	cmd.Flags().BoolVar(&f.all, "all", false, "follow the next cursors and list every page")
}

// perPageParam returns the per_page query value, or nil to leave it to the
// server.
func (f *pageFlags) perPageParam() *int {
	switch {
	case f.perPage != 0:
		return ptr(f.perPage)
	case f.all:
		return ptr(maxPerPage)
	}
	return nil
}

// cursorParam returns the cursor query value, or nil for the first page.
func cursorParam(cursor string) *string {
	if cursor == "" {
		return nil
	}
	return &cursor
}

// expiryFlags are --expires-at and --expires-in of the key-minting commands.
type expiryFlags struct {
	at string
	in time.Duration
}

func (f *expiryFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.at, "expires-at", "", "when the key expires (RFC 3339, e.g. 2027-01-01T00:00:00Z; default never)")
	cmd.Flags().DurationVar(&f.in, "expires-in", 0, "how long until the key expires (e.g. 720h; default never)")
	cmd.MarkFlagsMutuallyExclusive("expires-at", "expires-in")
}

// expiresAt returns the requested expiry, or nil for a key that never
// expires.
func (f *expiryFlags) expiresAt(now time.Time) (*time.Time, error) {
	switch {
	case f.at != "":
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return nil, fmt.Errorf("invalid --expires-at %q: want RFC 3339, e.g. 2027-01-01T00:00:00Z", f.at)
		}
		return &t, nil
	case f.in < 0:
		return nil, fmt.Errorf("invalid --expires-in %s: must be positive", f.in)
	case f.in > 0:
		return ptr(now.Add(f.in).UTC().Truncate(time.Second)), nil
	}
	return nil, nil
}

// parseSince parses the value of a time filter flag: an RFC 3339 time, or a
// duration meaning that long before now ("24h").
func parseSince(flag, s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return ptr(now.Add(-d).UTC().Truncate(time.Second)), nil
	}
	return nil, fmt.Errorf("invalid --%s %q: want an RFC 3339 time or a duration such as 24h", flag, s)
}

// maxPasswordBytes bounds what --password-stdin reads.
const maxPasswordBytes = 4096

// readPassword reads a password from r: everything up to EOF, less one
// trailing newline.
func readPassword(r io.Reader) (string, error) {
	return readSecret(r, "--password-stdin")
}

// readSecret reads a secret that flag says comes from r: everything up to
// EOF, less one trailing newline, at most maxPasswordBytes.
func readSecret(r io.Reader, flag string) (string, error) {
	if r == nil {
		return "", errors.New(flag + ": no standard input")
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPasswordBytes+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	if len(b) > maxPasswordBytes {
		return "", fmt.Errorf("%s: the secret is over %d bytes", flag, maxPasswordBytes)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if pw == "" {
		return "", errors.New(flag + ": standard input is empty")
	}
	return pw, nil
}

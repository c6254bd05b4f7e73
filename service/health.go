package service

import (
	"context"
	"errors"
	"github.com/keyward-iam/keyward/authz"
	"strings"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
)

// healthTimeout bounds each health check, so that a pool whose connections
// are all held by transactions that never end fails the check instead of
// making the prober wait for as long as it is willing to.
const healthTimeout = 3 * time.Second

// HealthCheck is a failed check of Ready: which one, and what it got.
type HealthCheck struct {
	Check string `json:"check"`
	Error string `json:"error"`
}

// Live reports whether this process can still get a database connection
// within healthTimeout: CodeUnavailable if not. It holds the connection
// only for a ping.
func (s *Service) Live(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &keyward.Error{Code: keyward.CodeUnavailable, Message: "No database connection within " + healthTimeout.String() + ".", Err: err}
	}
	return nil
}

// Ready runs the readiness checks at once, each within healthTimeout:
// connection (a connection of each pool answers a ping) and read (a read
// transaction runs). It returns nil, or CodeUnavailable whose message names
// the failed checks and whose Detail is a []HealthCheck of them.
func (s *Service) Ready(ctx context.Context) error {
	checks := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"connection", s.store.Ping},
		{"read", func(ctx context.Context) error {
			return s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
				_, err := tx.CountOrganizations(ctx)
				return err
			})
		}},
	}
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, healthTimeout)
			defer cancel()
			errs[i] = c.run(ctx)
		})
	}
	wg.Wait()
	var failed []HealthCheck
	var names []string
	for i, err := range errs {
		if err != nil {
			failed = append(failed, HealthCheck{Check: checks[i].name, Error: healthError(err)})
			names = append(names, checks[i].name)
		}
	}
	if failed == nil {
		return nil
	}
	return &keyward.Error{Code: keyward.CodeUnavailable, Message: "Not ready: " + strings.Join(names, ", ") + " failed.",
		Detail: failed, Err: errs[0]}
}

// healthError is what a failed check says: a deadline as such, anything
// else as the caller-visible message of its error, never the driver's text.
func healthError(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "No answer within " + healthTimeout.String() + "."
	}
	return keyward.ErrorMessage(err)
}

// SnapshotUpdates counts this server's snapshot updates so far: patched
// from the previous snapshot, built from the whole graph, failed.
func (s *Service) SnapshotUpdates() authz.UpdateStats { return s.engine().Stats() }

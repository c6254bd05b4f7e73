package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/keyward-iam/keyward/service"
	"github.com/spf13/pflag"
)

// lifecycleConfig is the retention of deleted organizations and the
// lifetime of login sessions.
type lifecycleConfig struct {
	OrgRetention    time.Duration // KEYWARD_ORG_RETENTION
	LoginSessionTTL time.Duration // KEYWARD_LOGIN_SESSION_TTL
	PurgeInterval   time.Duration // KEYWARD_PURGE_INTERVAL
}

// lifecycleFlags registers the lifecycle flags, defaulting to their
// environment variables; it returns an error for a malformed variable.
func lifecycleFlags(f *pflag.FlagSet, getenv func(string) string, c *lifecycleConfig) error {
	var bad error
	dur := func(p *time.Duration, name, env string, def time.Duration, usage string) {
		v := def
		if s := getenv(env); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				bad = fmt.Errorf("%s=%q: want a positive duration such as 720h", env, s)
			} else {
				v = d
			}
		}
		f.DurationVar(p, name, v, usage+" (env "+env+")")
	}
	dur(&c.OrgRetention, "org-retention", "KEYWARD_ORG_RETENTION", service.DefaultOrgRetention,
		"how long a deleted organization can be restored before it is purged")
	dur(&c.LoginSessionTTL, "login-session-ttl", "KEYWARD_LOGIN_SESSION_TTL", service.DefaultLoginSessionTTL,
		"how long a password login session lasts")
	dur(&c.PurgeInterval, "purge-interval", "KEYWARD_PURGE_INTERVAL", time.Hour,
		"how often deleted organizations past their retention are purged")
	return bad
}

// apply sets the service options c configures.
func (c lifecycleConfig) apply(opts *service.Options) {
	opts.OrgRetention, opts.LoginSessionTTL = c.OrgRetention, c.LoginSessionTTL
}

// runPurger purges expired deleted organizations now and then every
// interval, until the returned stop is called. Every replica may run it:
// a purge is one transaction per organization, and purging an
// organization another replica purged already is a no-op.
func runPurger(ctx context.Context, svc *service.Service, interval time.Duration, logger *slog.Logger) (stop func()) {
	if interval <= 0 {
		interval = time.Hour
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if n, err := svc.PurgeOrganizations(ctx); err != nil && ctx.Err() == nil {
				logger.Error("purge deleted organizations", "err", err)
			} else if n > 0 {
				logger.Info("purged deleted organizations", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward/api"
	"github.com/keyward-iam/keyward/catalogfile"
	"github.com/keyward-iam/keyward/console"
	"github.com/keyward-iam/keyward/federation"
	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// serverConfig is the server's configuration: flags, falling back to the
// environment, falling back to defaults.
type serverConfig struct {
	Addr               string // KEYWARD_ADDR
	DB                 string // KEYWARD_DB: SQLite file
	DatabaseURL        string // KEYWARD_DATABASE_URL: PostgreSQL; wins over DB
	BootstrapTokenFile string // KEYWARD_BOOTSTRAP_TOKEN_FILE
	BootstrapEmail     string // KEYWARD_BOOTSTRAP_EMAIL
	LogLevel           string // KEYWARD_LOG_LEVEL: debug, info, warn, error
	ShutdownTimeout    time.Duration
	Limits             service.Limits  // KEYWARD_LIMIT_*: per-organization limits
	Mail               mailConfig      // invitations and SMTP
	Lifecycle          lifecycleConfig // org retention, login sessions
	OIDCClockSkew      time.Duration   // KEYWARD_OIDC_CLOCK_SKEW: leeway for web identity tokens' exp, nbf and iat
	OIDCAllowHTTP      bool            // KEYWARD_OIDC_ALLOW_HTTP: allow http:// OIDC issuers (development only)
	IdPSecretKey       string          // KEYWARD_IDP_SECRET_KEY: seals identity providers' client secrets
	RequireTenant      bool            // KEYWARD_REQUIRE_TENANT: authorize requests must name or register their resource's organization
	Catalog            string          // KEYWARD_CATALOG: a catalog file, or a directory of them
	VultrCatalog       bool            // KEYWARD_VULTR_CATALOG: include Vultr's actions (default true)
	OrgCreation        string          // KEYWARD_ORG_CREATION: who may create organizations, open or operator
	TLSCert, TLSKey    string          // KEYWARD_TLS_CERT, KEYWARD_TLS_KEY: serve HTTPS with this PEM pair
	TrustedProxies     string          // KEYWARD_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For gives the source address
	OTLPEndpoint       string          // KEYWARD_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT): where traces go; none by default
	TraceSampleRatio   float64         // KEYWARD_TRACE_SAMPLE_RATIO: share of new traces sampled
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// limitFlags registers one flag per organization limit, defaulting to its
// environment variable. It returns an error for a variable that is set but
// not a positive integer, for the command to report when it runs.
func limitFlags(f *pflag.FlagSet, getenv func(string) string, l *service.Limits) error {
	var bad error
	d := service.DefaultLimits
	for _, lf := range []struct {
		name string
		v    *int
		def  int
		what string
	}{
		{"users", &l.Users, d.Users, "users and service users per organization"},
		{"groups", &l.Groups, d.Groups, "groups per organization"},
		{"roles", &l.Roles, d.Roles, "roles per organization"},
		{"policies", &l.Policies, d.Policies, "custom policies per organization"},
		{"policies-per-principal", &l.PoliciesPerPrincipal, d.PoliciesPerPrincipal, "policies attached to one user, group or role"},
		{"members-per-group", &l.MembersPerGroup, d.MembersPerGroup, "members of one group"},
		{"owned-organizations", &l.OwnedOrganizations, d.OwnedOrganizations, "organizations one account may be the root owner of"},
	} {
		env := "KEYWARD_LIMIT_" + strings.ToUpper(strings.ReplaceAll(lf.name, "-", "_"))
		def := lf.def
		if v := getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				bad = errors.Join(bad, fmt.Errorf("%s=%q: want a positive integer", env, v))
			} else {
				def = n
			}
		}
		f.IntVar(lf.v, "limit-"+lf.name, def, "most "+lf.what+" (env "+env+")")
	}
	return bad
}

func newServerCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	cfg := serverConfig{}
	var badEnv error
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the keyward server",
		Long: `Run the keyward IAM server.

With no database configured it uses the SQLite file ./keyward.db. On the first
start of an empty database it creates the root owner's account and
organization and prints a root API key once (or writes it to
--bootstrap-token-file).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if badEnv != nil {
				return badEnv
			}
			return runServer(cmd.Context(), cfg, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", envOr(getenv, "KEYWARD_ADDR", "127.0.0.1:8080"), "listen address (env KEYWARD_ADDR)")
	f.StringVar(&cfg.DB, "db", envOr(getenv, "KEYWARD_DB", "keyward.db"), "SQLite database file (env KEYWARD_DB)")
	f.StringVar(&cfg.DatabaseURL, "database-url", getenv("KEYWARD_DATABASE_URL"), "PostgreSQL URL; overrides --db (env KEYWARD_DATABASE_URL)")
	f.StringVar(&cfg.BootstrapTokenFile, "bootstrap-token-file", getenv("KEYWARD_BOOTSTRAP_TOKEN_FILE"), "write the first root API key to this file instead of the terminal (env KEYWARD_BOOTSTRAP_TOKEN_FILE)")
	f.StringVar(&cfg.BootstrapEmail, "bootstrap-email", envOr(getenv, "KEYWARD_BOOTSTRAP_EMAIL", "admin@localhost"), "email of the root owner created on first start (env KEYWARD_BOOTSTRAP_EMAIL)")
	badEnv = limitFlags(f, getenv, &cfg.Limits)
	badEnv = errors.Join(badEnv, mailFlags(f, getenv, &cfg.Mail))
	badEnv = errors.Join(badEnv, lifecycleFlags(f, getenv, &cfg.Lifecycle))
	f.StringVar(&cfg.LogLevel, "log-level", envOr(getenv, "KEYWARD_LOG_LEVEL", "info"), "debug, info, warn or error (env KEYWARD_LOG_LEVEL)")
	f.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let requests finish on SIGINT/SIGTERM")
	skew, err := time.ParseDuration(envOr(getenv, "KEYWARD_OIDC_CLOCK_SKEW", "60s"))
	if err != nil || skew < 0 {
		badEnv = errors.Join(badEnv, fmt.Errorf("KEYWARD_OIDC_CLOCK_SKEW=%q: want a duration such as 60s", getenv("KEYWARD_OIDC_CLOCK_SKEW")))
	}
	f.DurationVar(&cfg.OIDCClockSkew, "oidc-clock-skew", skew, "how far an OIDC issuer's clock may be off (env KEYWARD_OIDC_CLOCK_SKEW)")
	f.BoolVar(&cfg.RequireTenant, "require-tenant", getenv("KEYWARD_REQUIRE_TENANT") == "true",
		"deny an authorize request about a resource that is neither registered in the principal's organization nor sent with its organization_id (env KEYWARD_REQUIRE_TENANT=true)")
	f.StringVar(&cfg.OrgCreation, "org-creation", envOr(getenv, "KEYWARD_ORG_CREATION", service.OrgCreationOpen),
		"who may create organizations: open (any account) or operator (fleet administrators only) (env KEYWARD_ORG_CREATION)")
	f.BoolVar(&cfg.OIDCAllowHTTP, "oidc-allow-http", getenv("KEYWARD_OIDC_ALLOW_HTTP") == "true",
		"allow http:// OIDC issuer URLs and issuers on private addresses; for development only (env KEYWARD_OIDC_ALLOW_HTTP=true)")
	f.StringVar(&cfg.IdPSecretKey, "idp-secret-key", getenv("KEYWARD_IDP_SECRET_KEY"),
		"a secret of at least 32 bytes that seals identity providers' client secrets; default a key generated once and kept in the database (env KEYWARD_IDP_SECRET_KEY; docs/identity.md)")
	f.StringVar(&cfg.Catalog, "catalog", getenv("KEYWARD_CATALOG"),
		"the provider's action catalog: a YAML or JSON file, or a directory of them (env KEYWARD_CATALOG; docs/policy.md)")
	f.BoolVar(&cfg.VultrCatalog, "vultr-catalog", getenv("KEYWARD_VULTR_CATALOG") != "false",
		"include Vultr's actions in the catalog (env KEYWARD_VULTR_CATALOG=false leaves them out)")
	f.StringVar(&cfg.TLSCert, "tls-cert", getenv("KEYWARD_TLS_CERT"),
		"serve HTTPS with this PEM certificate (chain) file, read again on SIGHUP or when it changes; needs --tls-key (env KEYWARD_TLS_CERT)")
	f.StringVar(&cfg.TLSKey, "tls-key", getenv("KEYWARD_TLS_KEY"), "the PEM private key of --tls-cert (env KEYWARD_TLS_KEY)")
	f.StringVar(&cfg.TrustedProxies, "trusted-proxies", getenv("KEYWARD_TRUSTED_PROXIES"),
		"comma-separated CIDRs or addresses of proxies whose X-Forwarded-For sets a request's source address (env KEYWARD_TRUSTED_PROXIES)")
	f.StringVar(&cfg.OTLPEndpoint, "otlp-endpoint", envOr(getenv, "KEYWARD_OTLP_ENDPOINT", getenv("OTEL_EXPORTER_OTLP_ENDPOINT")),
		"send OpenTelemetry traces to this OTLP/HTTP collector, e.g. http://collector:4318; off when empty (env KEYWARD_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT)")
	ratio, err := strconv.ParseFloat(envOr(getenv, "KEYWARD_TRACE_SAMPLE_RATIO", "1"), 64)
	if err != nil {
		badEnv = errors.Join(badEnv, fmt.Errorf("KEYWARD_TRACE_SAMPLE_RATIO=%q: want a number from 0 to 1", getenv("KEYWARD_TRACE_SAMPLE_RATIO")))
	}
	f.Float64Var(&cfg.TraceSampleRatio, "trace-sample-ratio", ratio,
		"share of the traces started here that are sampled, 0 to 1; a caller's sampled traceparent is always followed (env KEYWARD_TRACE_SAMPLE_RATIO)")
	return cmd
}

// catalogParts reads the deployment's parts of the action catalog and
// checks that they compose with keyward's own.
func (cfg *serverConfig) catalogParts() ([]policy.CatalogPart, error) {
	var parts []policy.CatalogPart
	if cfg.VultrCatalog {
		parts = append(parts, policy.VultrPart())
	}
	if cfg.Catalog != "" {
		files, err := catalogfile.Load(cfg.Catalog)
		if err != nil {
			return nil, fmt.Errorf("--catalog: %w", err)
		}
		parts = append(parts, files...)
	}
	if _, err := policy.Compose(parts...); err != nil {
		return nil, fmt.Errorf("--catalog: %w", err)
	}
	return parts, nil
}

// runServer serves keyward until ctx is cancelled, then shuts down
// gracefully. It prints "listening on http://ADDR" (https with --tls-cert)
// on stdout once ready.
func runServer(ctx context.Context, cfg serverConfig, stdout, stderr io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	if cfg.OrgCreation != service.OrgCreationOpen && cfg.OrgCreation != service.OrgCreationOperator {
		return fmt.Errorf("--org-creation %q: want open or operator", cfg.OrgCreation)
	}
	trusted, err := httpapi.ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	logs := newLogWriter(stderr)
	defer logs.Close() // last: after everything that logs has stopped
	logger := slog.New(traceLogs{slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level})})
	tracer, stopTracing, err := startTracing(ctx, cfg.OTLPEndpoint, cfg.TraceSampleRatio)
	if err != nil {
		return err
	}
	defer func() {
		// Flush what is buffered, even after ctx ended; bounded, as a
		// collector that is gone must not hold the exit.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := stopTracing(sctx); err != nil {
			logger.Warn("traces not flushed", "err", err)
		}
	}()
	catalog, err := cfg.catalogParts()
	if err != nil {
		return err
	}

	store, err := sqlstore.Open(ctx, sqlstore.Config{SQLitePath: cfg.DB, PostgresURL: cfg.DatabaseURL, Tracer: tracer})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer store.Close()
	logger.Info("database ready", "dialect", store.Dialect(), "version", buildVersion())

	oidcSkew := cfg.OIDCClockSkew
	if oidcSkew == 0 {
		oidcSkew = -1 // --oidc-clock-skew 0 means none; the service reads 0 as its default
	}
	var certs *certReloader
	scheme := "http"
	if cfg.TLSCert != "" {
		if certs, err = newCertReloader(cfg.TLSCert, cfg.TLSKey, logger); err != nil {
			return err
		}
		defer certs.onSIGHUP(ctx)()
		scheme = "https"
	}
	// Listen first: the listener's address is the default base of
	// invitation links.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	opts := service.Options{Logger: logger, Tracer: tracer, Limits: cfg.Limits, OIDCAllowHTTP: cfg.OIDCAllowHTTP,
		// Issuers on private addresses are reachable only in the
		// development mode that also allows http:// issuers.
		WebIdentity:   federation.New(federation.Options{ClockSkew: oidcSkew, HTTPClient: federation.PublicClient(cfg.OIDCAllowHTTP)}),
		RequireTenant: cfg.RequireTenant, Catalog: catalog, OrgCreation: cfg.OrgCreation,
		SignIn: identity.New(identity.Options{ClockSkew: oidcSkew, AllowPrivate: cfg.OIDCAllowHTTP}),
		SAML:   identity.NewSAML(identity.Options{AllowPrivate: cfg.OIDCAllowHTTP})}
	if cfg.IdPSecretKey != "" {
		if len(cfg.IdPSecretKey) < 32 {
			return fmt.Errorf("--idp-secret-key: %d bytes; use at least 32 random bytes", len(cfg.IdPSecretKey))
		}
		// Any length of secret makes one AES-256 key.
		key := sha256.Sum256([]byte(cfg.IdPSecretKey))
		opts.IdPSecretKey = key[:]
	}
	cfg.Lifecycle.apply(&opts)
	sender, err := cfg.Mail.apply(&opts, store, logger, scheme+"://"+ln.Addr().String())
	if err != nil {
		return err
	}
	svc := service.New(store, opts)
	if err := svc.LoadCatalog(ctx); err != nil {
		return err
	}
	if err := bootstrap(ctx, svc, cfg, stdout, logger); err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The one place the server's handler is assembled: the console's
	// pages, and the API for every other path.
	handler := httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger, Registerer: reg, Gatherer: reg, Spec: api.Spec,
		TrustedProxies: trusted, Tracer: tracer,
		Pages: console.New(console.Config{Service: svc, Logger: logger, TrustedProxies: trusted})})

	// Stopped before the store closes (defers run last first).
	defer runSender(ctx, sender)()
	defer runPurger(ctx, svc, cfg.Lifecycle.PurgeInterval, logger)()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	if certs != nil {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: certs.GetCertificate}
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	logger.Info("listening", "addr", ln.Addr().String(), "scheme", scheme)
	fmt.Fprintf(stdout, "listening on %s://%s\n", scheme, ln.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bootstrap creates the first account, organization and root key on an
// empty database and hands the key over once: to the token file if one is
// configured, else to the terminal.
func bootstrap(ctx context.Context, svc *service.Service, cfg serverConfig, stdout io.Writer, logger *slog.Logger) error {
	token, created, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: cfg.BootstrapEmail})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if !created {
		return nil
	}
	if cfg.BootstrapTokenFile != "" {
		if err := os.WriteFile(cfg.BootstrapTokenFile, []byte(token+"\n"), 0o600); err != nil {
			return fmt.Errorf("write bootstrap token: %w", err)
		}
		logger.Info("bootstrap: root API key written", "file", cfg.BootstrapTokenFile)
		return nil
	}
	fmt.Fprintf(stdout, "%s\nRoot API key (shown once, store it now):\n\n    %s\n\nexport KEYWARD_TOKEN=%s\n%s\n",
		strings.Repeat("=", 72), token, token, strings.Repeat("=", 72))
	return nil
}

// Package sqlstore implements keyward.Store on database/sql, for SQLite
// (modernc.org/sqlite, the default: one process, one file) and PostgreSQL
// (pgx through its database/sql driver: several replicas, one database),
// with one SQL code path.
//
// The SQL is hand-written in the subset both databases share: $N
// placeholders, TEXT ids, BIGINT unix-microsecond times, BOOLEAN, JSON as
// TEXT, ON CONFLICT and RETURNING, and no now(), ILIKE, arrays or JSONB.
// The schema lives in goose migrations embedded per dialect
// (migrations/sqlite and migrations/postgres), applied by Open.
//
// Every time the store writes is truncated to microseconds, so what a
// transaction reads back equals what it wrote. Create methods fill in a
// missing ID (a UUIDv7 of the transaction's time) and missing creation and
// update times (the transaction's time), and write the normalized values
// back into the struct they were given.
//
// This package is the only place that inspects driver errors: a missing row
// is keyward.CodeNotFound, a unique or foreign-key violation is
// keyward.CodeConflict or CodeNotFound with a message naming what
// conflicted, a database that stays busy is CodeUnavailable, and anything
// else is wrapped (CodeInternal). A failed statement fails only itself on
// both databases (PostgreSQL runs constraint-checked statements in a
// savepoint), so a transaction may go on after a conflict.
package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"go.opentelemetry.io/otel/trace"
	"modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/keyward-iam/keyward"
)

// The dialects, as Dialect reports them.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Config says which database Open opens.
type Config struct {
	// SQLitePath is the SQLite database file, created if missing.
	// ":memory:" opens a private in-memory database on one connection,
	// for tests.
	SQLitePath string
	// PostgresURL is a PostgreSQL connection URL
	// (postgres://user:pass@host:port/db?sslmode=disable). It wins over
	// SQLitePath when set.
	PostgresURL string
	// Now is the clock that fixes each transaction's time; nil means
	// time.Now.
	Now func() time.Time
	// Tracer, when set, receives a span per transaction run within a
	// traced request; nil traces nothing.
	Tracer trace.TracerProvider
	// MaxOpenConns caps the connections that read (PostgreSQL: all
	// connections); 0 means 4 for SQLite and 10 for PostgreSQL. SQLite
	// always writes through one connection.
	MaxOpenConns int
}

// DB is a keyward.Store on a SQL database. It is safe for concurrent use.
type DB struct {
	dialect string
	write   *sql.DB // SQLite: one connection, so writers queue here rather than on the file lock
	read    *sql.DB // the same pool as write on PostgreSQL and in memory
	now     func() time.Time
	applied int          // migrations that Open applied
	tracer  trace.Tracer // nil: no spans
	// resourceOrgs is ResourceOrgs's statement on read.
	resourceOrgs prepared
}

var _ keyward.Store = (*DB)(nil)

//go:embed migrations
var migrations embed.FS

// Open opens the database cfg names and migrates it to the newest schema.
// On PostgreSQL a lock table makes replicas that start together migrate
// once.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{now: cfg.Now}
	if cfg.Tracer != nil {
		db.tracer = cfg.Tracer.Tracer("github.com/keyward-iam/keyward/sqlstore")
	}
	if db.now == nil {
		db.now = time.Now
	}
	var err error
	switch {
	case cfg.PostgresURL != "":
		err = db.openPostgres(cfg)
	case cfg.SQLitePath != "":
		err = db.openSQLite(cfg)
	default:
		return nil, errors.New("sqlstore: no database configured: set SQLitePath or PostgresURL")
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openPostgres(cfg Config) error {
	pool, err := sql.Open("pgx", cfg.PostgresURL)
	if err != nil {
		return fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	// Migrating holds one connection and takes the lock on another.
	pool.SetMaxOpenConns(max(cmp.Or(cfg.MaxOpenConns, 10), 2))
	pool.SetMaxIdleConns(max(cmp.Or(cfg.MaxOpenConns, 10), 2))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db.dialect, db.write, db.read = DialectPostgres, pool, pool
	return nil
}

// sqliteOptions apply to every SQLite connection: wait for locks rather
// than fail, and enforce foreign keys.
const sqliteOptions = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"

// sqliteName is the driver's URI of the file at path, up to and with its
// "?": a path may hold the URI's own delimiters.
func sqliteName(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) + "?"
}

func (db *DB) openSQLite(cfg Config) error {
	db.dialect = DialectSQLite
	if cfg.SQLitePath == ":memory:" {
		pool, err := sql.Open("sqlite", "file::memory:?"+sqliteOptions+"&_txlock=immediate")
		if err != nil {
			return fmt.Errorf("sqlstore: open sqlite: %w", err)
		}
		// The database lives as long as its one connection.
		pool.SetMaxOpenConns(1)
		pool.SetMaxIdleConns(1)
		pool.SetConnMaxLifetime(0)
		pool.SetConnMaxIdleTime(0)
		db.write, db.read = pool, pool
		return nil
	}
	name := sqliteName(cfg.SQLitePath)
	w, err := sql.Open("sqlite", name+"_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&"+sqliteOptions+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", name+sqliteOptions+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	r.SetMaxOpenConns(cmp.Or(cfg.MaxOpenConns, 4))
	r.SetMaxIdleConns(cmp.Or(cfg.MaxOpenConns, 4))
	db.write, db.read = w, r
	return nil
}

func (db *DB) migrate(ctx context.Context) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate %s: %w", db.dialect, err)
	}
	db.applied = len(results)
	return nil
}

// migrations returns the goose provider of db's migrations.
func (db *DB) migrations() (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresTableLocker(
			lock.WithTableLockTimeout(250*time.Millisecond, 1200), // up to 5 minutes
		)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration lock: %w", err)
		}
		opts = append(opts, goose.WithLocker(locker))
	}
	// The provider is not closed: closing it would close db.write.
	p, err := goose.NewProvider(dialect, db.write, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	return p, nil
}

// Dialect reports the database: DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return &keyward.Error{Code: keyward.CodeUnavailable, Message: "The database is unavailable.", Op: "sqlstore.Ping", Err: err}
	}
	if db.read != db.write {
		if err := db.read.PingContext(ctx); err != nil {
			return &keyward.Error{Code: keyward.CodeUnavailable, Message: "The database is unavailable.", Op: "sqlstore.Ping", Err: err}
		}
	}
	return nil
}

// Close closes the database. Transactions still running fail.
func (db *DB) Close() error {
	err := db.resourceOrgs.close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return errors.Join(err, db.write.Close())
}

// ReadTx runs fn in a read-only transaction: a snapshot on PostgreSQL
// (REPEATABLE READ), a WAL read transaction on SQLite.
func (db *DB) ReadTx(ctx context.Context, fn func(keyward.Tx) error) error {
	return db.run(ctx, false, nil, fn)
}

// WriteTx runs fn in a read-write transaction and commits if fn returns
// nil. On SQLite writes are serial: one connection, immediate
// transactions. On PostgreSQL a write to one organization begins, before
// any read, by locking the row of the organization's revision
// (lockOrganizations), and runs at READ COMMITTED: writers to one
// organization queue on that row lock and see each other's commits, so
// none aborts because another committed first. The organization comes from
// keyward.NewContextWithWriteOrg; a transaction that bumps the revision of
// an organization it did not lock is rolled back and run again with that
// lock taken first. A write that locks nothing runs SERIALIZABLE, and after
// a serialization failure it is run again locking what it bumped.
//
// On a busy database, a serialization failure or a deadlock it runs fn
// again, a few times, with a short backoff, so fn must have no effects
// outside the transaction.
func (db *DB) WriteTx(ctx context.Context, fn func(keyward.Tx) error) error {
	var lock []keyward.OrgID
	if org := keyward.WriteOrgFromContext(ctx); org != "" && db.dialect == DialectPostgres {
		lock = []keyward.OrgID{org}
	}
	return db.run(ctx, true, lock, fn)
}

// maxAttempts bounds how often run tries a transaction after failures;
// maxRelocks bounds the reruns that only add a lock (errRelock).
const (
	maxAttempts = 8
	maxRelocks  = 4
)

// errRelock is what BumpRevision returns, without touching the row, in a
// transaction that did not lock org when it began; run takes it from the
// transaction, not from fn, so fn cannot swallow it.
type errRelock struct{ org keyward.OrgID }

func (e *errRelock) Error() string {
	return "sqlstore: organization " + string(e.org) + " was not locked when the transaction began"
}

// run runs fn in a transaction that first locks the revision rows of lock
// (PostgreSQL writes; see WriteTx), retrying as WriteTx says.
func (db *DB) run(ctx context.Context, write bool, lock []keyward.OrgID, fn func(keyward.Tx) error) (err error) {
	ctx, span := db.startTxSpan(ctx)
	attempts := 0
	defer func() { endSpan(span, db.dialect, write, attempts, err) }()
	relocks := 0
	for attempt := 1; ; {
		attempts++
		bumped, err := db.runOnce(ctx, write, lock, fn)
		if re, ok := err.(*errRelock); ok && relocks < maxRelocks {
			relocks++
			lock = append(lock, re.org)
			continue
		}
		if err == nil || attempt == maxAttempts || !retryable(err) {
			return err
		}
		attempt++
		if lock == nil && db.dialect == DialectPostgres {
			// Contended: queue on the rows it bumped rather than race again.
			lock = bumped
		}
		// 2, 4, 8 ... ms, at most 250 ms, with jitter.
		d := min(time.Millisecond<<attempt, 250*time.Millisecond)
		d = d/2 + rand.N(d)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(d):
		}
	}
}

// runOnce runs fn once, and returns the organizations whose revision it
// bumped (or tried to).
func (db *DB) runOnce(ctx context.Context, write bool, lock []keyward.OrgID, fn func(keyward.Tx) error) ([]keyward.OrgID, error) {
	pool, opts := db.read, &sql.TxOptions{ReadOnly: true}
	if write {
		pool, opts = db.write, &sql.TxOptions{}
	}
	pg := db.dialect == DialectPostgres
	switch {
	case pg && write && len(lock) > 0:
		opts.Isolation = sql.LevelReadCommitted
	case pg && write:
		opts.Isolation = sql.LevelSerializable
	case pg:
		opts.Isolation = sql.LevelRepeatableRead
	}
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, dbError("sqlstore.begin", err, nil)
	}
	defer sqlTx.Rollback() // a no-op after Commit
	t := &tx{tx: sqlTx, now: micro(db.now()), pg: pg}
	if len(lock) > 0 {
		if err := t.lockOrganizations(ctx, lock); err != nil {
			return nil, err
		}
	}
	err = fn(t)
	if t.relock != nil {
		return t.bumped, t.relock
	}
	if err != nil {
		return t.bumped, err
	}
	if write {
		if err := t.logChanges(ctx); err != nil {
			return t.bumped, err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return t.bumped, dbError("sqlstore.commit", err, nil)
	}
	return t.bumped, nil
}

// Result codes of SQLite (extended where they say so) and SQLSTATEs of
// PostgreSQL that the store acts on.
const (
	sqliteBusy                 = 5
	sqliteLocked               = 6
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067

	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func pgCode(err error) (string, *pgconn.PgError) {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code, e
	}
	return "", nil
}

// retryable reports whether running the transaction again may succeed.
func retryable(err error) bool {
	if c := sqliteCode(err) & 0xff; c == sqliteBusy || c == sqliteLocked {
		return true
	}
	c, _ := pgCode(err)
	return c == pgSerializationFailure || c == pgDeadlockDetected
}

func isUniqueViolation(err error) bool {
	c := sqliteCode(err)
	pc, _ := pgCode(err)
	return c == sqliteConstraintUnique || c == sqliteConstraintPrimaryKey || pc == pgUniqueViolation
}

func isForeignKeyViolation(err error) bool {
	pc, _ := pgCode(err)
	return sqliteCode(err) == sqliteConstraintForeignKey || pc == pgForeignKeyViolation
}

// conflicts names, for each unique constraint, what a violation means:
// pg is the PostgreSQL constraint (or unique index) name, sqlite the
// column list SQLite reports.
var conflicts = []struct{ pg, sqlite, message string }{
	{"accounts_email_key", "accounts.email_key", "An account with this email already exists."},
	{"accounts_pkey", "accounts.id", "An account with this ID already exists."},
	{"organizations_pkey", "organizations.id", "An organization with this ID already exists."},
	{"members_pkey", "members.org_id, members.user_id", "The account is already a member of this organization."},
	{"members_one_owner", "members.org_id", "The organization already has a root owner."},
	{"api_keys_pkey", "api_keys.id", "An API key with this ID already exists."},
	{"audit_events_pkey", "audit_events.id", "An audit event with this ID already exists."},
	{"groups_pkey", "groups.id", "A group with this ID already exists."},
	{"groups_org_id_id_key", "groups.org_id, groups.id", "A group with this ID already exists."},
	{"groups_name_key", "groups.org_id, groups.name_key", "A group with this name already exists."},
	{"group_members_pkey", "group_members.org_id, group_members.group_id, group_members.user_id", "The user is already a member of the group."},
	{"roles_pkey", "roles.id", "A role with this ID already exists."},
	{"roles_org_id_id_key", "roles.org_id, roles.id", "A role with this ID already exists."},
	{"roles_name_key", "roles.org_id, roles.name_key", "A role with this name already exists."},
	{"role_bindings_grant", "role_bindings.org_id, role_bindings.role_id, role_bindings.principal_type, role_bindings.principal_id, role_bindings.project_id",
		"The role is already bound to this principal."},
	{"policies_pkey", "policies.id", "A policy with this ID already exists."},
	{"policies_org_id_id_key", "policies.org_id, policies.id", "A policy with this ID already exists."},
	{"policies_name_key", "policies.org_id, policies.name_key", "A policy with this name already exists."},
	{"attachments_edge", "attachments.org_id, attachments.policy_id, attachments.target_type, attachments.target_id",
		"The policy is already attached to this target."},
	{"projects_pkey", "projects.id", "A project with this ID already exists."},
	{"projects_name_key", "projects.org_id, projects.name_key", "A project with this name already exists."},
	{"resources_pkey", "resources.org_id, resources.id", "The resource is already registered."},
	{"resources_id_key", "index 'resources_id_key'", "The resource is already registered."},
}

func conflictMessage(err error) string {
	constraint := ""
	if _, pe := pgCode(err); pe != nil {
		constraint = pe.ConstraintName
	} else if _, cols, ok := strings.Cut(err.Error(), "UNIQUE constraint failed: "); ok {
		cols, _, _ = strings.Cut(cols, " (")
		constraint = cols
	}
	for _, c := range conflicts {
		if constraint == c.pg || constraint == c.sqlite {
			return c.message
		}
	}
	return "The resource already exists."
}

// dbError maps err, which operation op got from the driver, to a
// *keyward.Error. fk is what a foreign-key violation means to op; nil
// means a generic conflict. Errors that need no mapping are wrapped, and
// so are CodeInternal.
func dbError(op string, err error, fk *keyward.Error) error {
	if err == nil || keyward.AsError(err) != nil {
		return err
	}
	e := &keyward.Error{Op: op, Err: err}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		e.Code, e.Message = keyward.CodeNotFound, "Not found."
	case isUniqueViolation(err):
		e.Code, e.Message = keyward.CodeConflict, conflictMessage(err)
	case isForeignKeyViolation(err) && fk != nil:
		e.Code, e.Message = fk.Code, fk.Message
	case isForeignKeyViolation(err):
		e.Code, e.Message = keyward.CodeConflict, "The change refers to a missing record, or removes one still in use."
	case retryable(err):
		e.Code, e.Message = keyward.CodeUnavailable, "The database is busy. Try again."
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
	return e
}

// changedOne is the error of a statement of op that must change a row,
// given how many it changed (n) and its error: err as dbError maps it
// (fk as there), else notFound with message if it changed none.
func changedOne(op string, n int64, err error, fk *keyward.Error, message string) error {
	if err != nil {
		return dbError(op, err, fk)
	}
	if n == 0 {
		return notFound(op, message)
	}
	return nil
}

// notFound is the error for a row that op did not find.
func notFound(op, message string) error {
	return &keyward.Error{Code: keyward.CodeNotFound, Message: message, Op: op}
}

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/keyward-iam/keyward"
)

// tx is a keyward.Tx on one database transaction.
type tx struct {
	tx  *sql.Tx
	now time.Time // fixed at begin, in microseconds
	pg  bool
	// locked holds the organizations whose revision row the transaction
	// locked when it began (PostgreSQL writes at READ COMMITTED); nil when
	// it locked none and runs SERIALIZABLE, or on SQLite.
	locked []keyward.OrgID
	bumped []keyward.OrgID // the organizations BumpRevision was asked about
	relock *errRelock      // set when it was asked about one not in locked
	// The change log (changelog.go): the revisions BumpRevision returned,
	// what the mutators touched, and the organizations purged.
	revs    []bump
	touches []touch
	purged  []keyward.OrgID
}

var _ keyward.Tx = (*tx)(nil)

// Now is the time of the transaction, fixed when it began and truncated to
// microseconds.
func (t *tx) Now() time.Time { return t.now }

// execChecked runs a statement that may violate a constraint. On
// PostgreSQL, where a failed statement aborts the whole transaction, it
// runs in a savepoint, so that a violation fails only the statement, as on
// SQLite.
func (t *tx) execChecked(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !t.pg {
		return t.tx.ExecContext(ctx, query, args...)
	}
	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT keyward_stmt"); err != nil {
		return nil, err
	}
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		// If the rollback fails, the transaction is broken and its next
		// statement or commit will say so.
		t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT keyward_stmt")
		return nil, err
	}
	if _, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT keyward_stmt"); err != nil {
		return nil, err
	}
	return res, nil
}

// affected returns how many rows res changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// stamp fills in zero creation and update times with the transaction's
// time and truncates both to microseconds.
func (t *tx) stamp(created, updated *time.Time) {
	if created.IsZero() {
		*created = t.now
	}
	if updated.IsZero() {
		*updated = *created
	}
	*created, *updated = micro(*created), micro(*updated)
}

// setID gives what is being created a new id, made at time at, unless
// the caller chose one (*id is set).
func setID[T ~string](id *T, at time.Time) {
	if *id == "" {
		*id = T(keyward.NewID(at))
	}
}

// micro returns t in UTC, truncated to the microsecond, as stored.
func micro(t time.Time) time.Time { return t.Truncate(time.Microsecond).UTC() }

// microPtr is micro for an optional time.
func microPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	m := micro(*t)
	return &m
}

// fromMicros converts a stored time back.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros converts an optional time to a column value.
func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

// fromNullMicros converts an optional stored time back.
func fromNullMicros(us sql.NullInt64) *time.Time {
	if !us.Valid {
		return nil
	}
	t := fromMicros(us.Int64)
	return &t
}

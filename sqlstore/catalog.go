package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/keyward-iam/keyward"
)

// GetCatalog returns the stored catalog part and its revision; nil and 0
// while none was ever stored.
func (t *tx) GetCatalog(ctx context.Context) ([]byte, int64, error) {
	var doc string
	var rev int64
	err := t.tx.QueryRowContext(ctx, "SELECT document, revision FROM catalog WHERE id = 1").Scan(&doc, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, dbError("sqlstore.GetCatalog", err, nil)
	}
	return []byte(doc), rev, nil
}

// PutCatalog stores doc as the catalog part if the stored revision is still
// revision, and returns the new revision (revision+1); a stale revision is
// CodePreconditionFailed.
func (t *tx) PutCatalog(ctx context.Context, doc []byte, revision int64) (int64, error) {
	const op = "sqlstore.PutCatalog"
	t.touch("", changeNone, "")
	var n int64
	var err error
	if revision == 0 {
		n, err = affected(t.tx.ExecContext(ctx,
			"INSERT INTO catalog (id, revision, document, updated_at) VALUES (1, 1, $1, $2) ON CONFLICT (id) DO NOTHING",
			string(doc), t.now.UnixMicro()))
	} else {
		n, err = affected(t.tx.ExecContext(ctx,
			"UPDATE catalog SET revision = revision + 1, document = $1, updated_at = $2 WHERE id = 1 AND revision = $3",
			string(doc), t.now.UnixMicro(), revision))
	}
	if err != nil {
		return 0, dbError(op, err, nil)
	}
	if n == 0 {
		return 0, keyward.Errorf(keyward.CodePreconditionFailed, "The catalog has changed since it was read.")
	}
	return revision + 1, nil
}

// EachPolicy calls fn with every live custom policy of every organization,
// in no particular order, until fn returns an error, which it returns.
func (t *tx) EachPolicy(ctx context.Context, fn func(*keyward.Policy) error) error {
	const op = "sqlstore.EachPolicy"
	rows, err := t.tx.QueryContext(ctx, "SELECT "+policyColumns+" FROM policies p WHERE p.deleted_at IS NULL")
	if err != nil {
		return dbError(op, err, nil)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return dbError(op, err, nil)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return dbError(op, rows.Err(), nil)
}

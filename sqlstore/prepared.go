package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// prepared is a statement prepared on first use and kept until the DB
// closes, for the few reads made outside transactions on a hot path: a
// query the driver parses once instead of per call.
type prepared struct {
	mu   sync.Mutex
	stmt *sql.Stmt // guarded by mu; nil until the first get
}

// get returns the statement of query on pool, preparing it on first use.
// The preparation is not cancelled with ctx: the statement serves every
// later call.
func (p *prepared) get(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmt == nil {
		stmt, err := pool.PrepareContext(context.WithoutCancel(ctx), query)
		if err != nil {
			return nil, err
		}
		p.stmt = stmt
	}
	return p.stmt, nil
}

// close closes the statement, if it was prepared.
func (p *prepared) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmt == nil {
		return nil
	}
	return p.stmt.Close()
}

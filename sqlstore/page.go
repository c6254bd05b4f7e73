package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
)

// cursor is a position in a listing: the key of the row a page ends at
// (forward) or starts at (back). Its text form is opaque to callers:
// base64url of "n:<id>" or "p:<id>".
type cursor struct {
	back bool // the page before id, not the one after it
	id   string
}

func (c cursor) String() string {
	dir := "n:"
	if c.back {
		dir = "p:"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(dir + c.id))
}

// parseCursor reads the cursor s; a bad one is CodeInvalid for the field
// "cursor". Only the spelling String writes is a cursor: base64's decoder
// also takes unused bits set and line breaks, which would give one cursor
// many spellings.
func parseCursor(op, s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	dir, id, _ := strings.Cut(string(b), ":")
	c := cursor{back: dir == "p", id: id}
	if err != nil || (dir != "n" && dir != "p") || !keyward.ValidID(id) || c.String() != s {
		e := keyward.FieldError("cursor", "The cursor is not valid.")
		e.Op, e.Err = op, err
		return cursor{}, e
	}
	return c, nil
}

// perPage returns the page size p asks for.
func perPage(p keyward.Page) int {
	if p.Limit <= 0 {
		return keyward.DefaultPerPage
	}
	return min(p.Limit, keyward.MaxPerPage)
}

// listing is one keyset-paginated query.
type listing struct {
	op   string
	cols string // the selected columns
	from string // "FROM ... WHERE ...": every listing filters
	args []any  // the arguments of from
	key  string // the unique, time-ordered key column, e.g. "m.user_id"
	desc bool   // newest first
}

// list runs l for page p. Total counts every row the filter matches;
// Next and Prev are set when rows exist past the page in that direction.
func list[T any](ctx context.Context, t *tx, l listing, p keyward.Page, scan func(scanner) (T, error), key func(T) string) ([]T, keyward.PageInfo, error) {
	var info keyward.PageInfo
	c, err := parseCursor(l.op, p.Cursor)
	if err != nil {
		return nil, info, err
	}
	if err := t.tx.QueryRowContext(ctx, "SELECT count(*) "+l.from, l.args...).Scan(&info.Total); err != nil {
		return nil, info, dbError(l.op, err, nil)
	}

	limit := perPage(p)
	asc := c.back == l.desc // the direction to scan the key in
	query, args := "SELECT "+l.cols+" "+l.from, l.args
	if c.id != "" {
		args = append(args[:len(args):len(args)], c.id)
		query += fmt.Sprintf(" AND %s %s $%d", l.key, keyOp(asc), len(args))
	}
	query += fmt.Sprintf(" ORDER BY %s %s LIMIT %d", l.key, keyOrder(asc), limit+1)
	if c.id == "" && p.Offset > 0 {
		query += fmt.Sprintf(" OFFSET %d", p.Offset)
	}
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, info, dbError(l.op, err, nil)
	}
	defer rows.Close()
	var items []T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, info, dbError(l.op, err, nil)
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, info, dbError(l.op, err, nil)
	}
	rows.Close()

	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	if len(items) == 0 {
		// Past either end (rows were deleted since the cursor was made):
		// there is no page to link to from here.
		return items, info, nil
	}
	if c.back {
		slices.Reverse(items)
	}
	first, last := key(items[0]), key(items[len(items)-1])
	next, prev := more, false
	if c.back {
		next, prev = false, more
	}
	// Rows on the side the cursor came from.
	if c.id != "" && c.back {
		if next, err = t.exists(ctx, l, !l.desc, last); err != nil {
			return nil, info, err
		}
	} else if c.id != "" {
		if prev, err = t.exists(ctx, l, l.desc, first); err != nil {
			return nil, info, err
		}
	}
	if next {
		info.Next = cursor{id: last}.String()
	}
	if prev {
		info.Prev = cursor{back: true, id: first}.String()
	}
	return items, info, nil
}

// exists reports whether l has a row whose key is above (asc) or below id.
func (t *tx) exists(ctx context.Context, l listing, asc bool, id string) (bool, error) {
	args := append(l.args[:len(l.args):len(l.args)], id)
	query := fmt.Sprintf("SELECT 1 %s AND %s %s $%d LIMIT 1", l.from, l.key, keyOp(asc), len(args))
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return false, dbError(l.op, err, nil)
	}
	defer rows.Close()
	found := rows.Next()
	if err := rows.Err(); err != nil {
		return false, dbError(l.op, err, nil)
	}
	return found, nil
}

func keyOp(asc bool) string {
	if asc {
		return ">"
	}
	return "<"
}

func keyOrder(asc bool) string {
	if asc {
		return "ASC"
	}
	return "DESC"
}

// where builds a WHERE clause whose arguments are numbered in order.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each %s in cond is replaced by the placeholder
// of the next argument in args.
func (w *where) add(cond string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		w.args = append(w.args, a)
		ph[i] = fmt.Sprintf("$%d", len(w.args))
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, ph...))
}

// eq adds the condition col = v of a filter's field v; nothing for an
// empty v, a field the filter leaves unset. It is a function, not a
// method of where, since a method cannot take v of any string type.
func eq[T ~string](w *where, col string, v T) {
	if v != "" {
		w.add(col+" = %s", v)
	}
}

// contains adds the condition of a filter's Search (keyward.Matches):
// one of cols, each lower-case text, contains search literally. Nothing is
// added for an empty search.
func (w *where) contains(search string, cols ...string) {
	if search == "" {
		return
	}
	pattern := "%" + likeEscaper.Replace(strings.ToLower(search)) + "%"
	conds := make([]string, len(cols))
	for i, col := range cols {
		conds[i] = col + ` LIKE %[1]s ESCAPE '\'`
	}
	w.add("("+strings.Join(conds, " OR ")+")", pattern)
}

// likeEscaper escapes LIKE's wildcards, so that a search matches its text
// literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// deleted keeps the rows of table alias a that are deleted softly if
// deleted is set, else the live ones: the one rule of every listing of
// roles, policies, groups and trusts.
func (w *where) deleted(a string, deleted bool) {
	if deleted {
		w.add(a + ".deleted_at IS NOT NULL")
	} else {
		w.add(a + ".deleted_at IS NULL")
	}
}

func (w *where) String() string { return "WHERE " + strings.Join(w.conds, " AND ") }

// prefixed is a scanner that scans dest before the columns its caller
// asks for, so that one row can feed two scan functions.
type prefixed struct {
	s    scanner
	dest []any
}

func (p prefixed) Scan(dest ...any) error {
	return p.s.Scan(append(p.dest[:len(p.dest):len(p.dest)], dest...)...)
}

// keyed is a listed row with the surrogate key that orders its listing,
// for rows whose domain type carries no ID (group members, bindings,
// attachments).
type keyed[T any] struct {
	key string
	row T
}

// listKeyed is list for rows that carry no ID: scan fills in the key along
// with the row.
func listKeyed[T any](ctx context.Context, t *tx, l listing, p keyward.Page, scan func(s scanner, key *string) (T, error)) ([]T, keyward.PageInfo, error) {
	rows, info, err := list(ctx, t, l, p, func(s scanner) (keyed[T], error) {
		var k keyed[T]
		var err error
		k.row, err = scan(s, &k.key)
		return k, err
	}, func(k keyed[T]) string { return k.key })
	if err != nil || len(rows) == 0 {
		return nil, info, err
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = r.row
	}
	return out, info, nil
}

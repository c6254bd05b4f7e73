package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
)

// The change log (table graph_changes, migration 00010) records, for each
// revision of an organization, what the write that committed it touched in
// the organization's access graph, so that a snapshot at an older revision
// reloads only that (keyward.Tx.GraphChanges, LoadGraphPart).
//
// Mutators call t.touch with what they are about to change (one that
// then fails changed nothing, and its entry costs only a reload); runOnce
// calls t.logChanges after fn
// succeeds and before it commits, so the log commits with the change or
// not at all. A revision whose write touched nothing the mutators report
// is logged as kind all: an uninstrumented change costs a full load, never
// a stale snapshot.

// The kinds of change-log rows. Entity kinds have the entity's id as key;
// the others an empty key.
const (
	changeUser     = "user"
	changeGroup    = "group"
	changeRole     = "role"
	changePolicy   = "policy"
	changeResource = "resource"
	changeProjects = "projects" // a project was created or changed
	changeTrusts   = "trusts"   // a trust was created, changed or removed
	changeAll      = "all"      // something the log does not follow: load everything
	changeNone     = "none"     // nothing the graph holds
	changeMerged   = "merged"   // logged under a later revision of the same transaction
)

// changeLogKeep is how many revisions of an organization the log keeps.
const changeLogKeep = 1000

// touch is one change-log entry a transaction collected.
type touch struct {
	org       keyward.OrgID // "": every organization the transaction bumps
	kind, key string
}

// bump is one revision BumpRevision returned.
type bump struct {
	org keyward.OrgID
	rev int64
}

// touch records that the transaction changed, in org's graph, the entity
// key of kind (key "" for kinds without entities). org "" means every
// organization the transaction bumps (accounts belong to none).
func (t *tx) touch(org keyward.OrgID, kind, key string) {
	t.touches = append(t.touches, touch{org: org, kind: kind, key: key})
}

// touchPrincipal records a user or group by its principal type; a role
// target records the role.
func (t *tx) touchPrincipal(org keyward.OrgID, typ keyward.PrincipalType, id string) {
	switch typ {
	case keyward.PrincipalUser:
		t.touch(org, changeUser, id)
	case keyward.PrincipalGroup:
		t.touch(org, changeGroup, id)
	case keyward.PrincipalRole:
		t.touch(org, changeRole, id)
	default:
		t.touch(org, changeAll, "")
	}
}

// logChanges writes the change log of every organization whose revision
// the transaction bumped (and did not purge): the touches of that
// organization and the organization-less ones under the last revision
// bumped, kind merged under each earlier one, kind all if there are no
// touches; then it prunes the organization's entries older than the last
// changeLogKeep revisions.
func (t *tx) logChanges(ctx context.Context) error {
	const op = "sqlstore.logChanges"
	var orgs []keyward.OrgID
	last := map[keyward.OrgID]int64{}
	for _, b := range t.revs {
		if _, ok := last[b.org]; !ok {
			orgs = append(orgs, b.org)
		}
		last[b.org] = max(last[b.org], b.rev)
	}
	for _, org := range orgs {
		if slices.Contains(t.purged, org) {
			continue
		}
		rev := last[org]
		var merged []int64
		for _, b := range t.revs {
			if b.org == org && b.rev != rev {
				merged = append(merged, b.rev)
			}
		}
		if err := t.insertChanges(ctx, org, rev, merged, t.entries(org)); err != nil {
			return dbError(op, err, nil)
		}
		if rev > changeLogKeep {
			if _, err := t.tx.ExecContext(ctx, "DELETE FROM graph_changes WHERE org_id = $1 AND revision <= $2",
				org, rev-changeLogKeep); err != nil {
				return dbError(op, err, nil)
			}
		}
	}
	return nil
}

// entries returns the distinct touches that org's log entry holds: its
// own and the organization-less ones; only all if any is all (or if there
// are none); none only if nothing else.
func (t *tx) entries(org keyward.OrgID) []touch {
	var out []touch
	for _, tc := range t.touches {
		if tc.org != org && tc.org != "" {
			continue
		}
		if tc.kind == changeAll {
			return []touch{{kind: changeAll}}
		}
		if tc.kind != changeNone {
			out = append(out, touch{kind: tc.kind, key: tc.key})
		}
	}
	if len(out) == 0 {
		for _, tc := range t.touches {
			if tc.org == org || tc.org == "" {
				return []touch{{kind: changeNone}}
			}
		}
		return []touch{{kind: changeAll}}
	}
	slices.SortFunc(out, func(a, b touch) int { return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.key, b.key)) })
	return slices.Compact(out)
}

// insertChanges inserts entries under rev, and a merged row under each
// revision of merged, in statements of at most 200 rows.
func (t *tx) insertChanges(ctx context.Context, org keyward.OrgID, rev int64, merged []int64, entries []touch) error {
	type row struct {
		rev       int64
		kind, key string
	}
	var all []row
	for _, r := range merged {
		all = append(all, row{r, changeMerged, ""})
	}
	for _, e := range entries {
		all = append(all, row{rev, e.kind, e.key})
	}
	for chunk := range slices.Chunk(all, 200) {
		var q strings.Builder
		q.WriteString("INSERT INTO graph_changes (org_id, revision, kind, key) VALUES ")
		args := []any{org}
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($1, $%d, $%d, $%d)", len(args)+1, len(args)+2, len(args)+3)
			args = append(args, r.rev, r.kind, r.key)
		}
		q.WriteString(" ON CONFLICT DO NOTHING")
		if _, err := t.tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// GraphChanges reads org's change log after revision since up to its
// current revision. The result is All if a revision in between has no
// entry or any entry is kind all; otherwise it lists the touched entities,
// sorted and distinct.
func (t *tx) GraphChanges(ctx context.Context, org keyward.OrgID, since int64) (*keyward.GraphChanges, error) {
	const op = "sqlstore.GraphChanges"
	o, err := t.GetOrganization(ctx, org)
	if err != nil {
		return nil, err
	}
	c := &keyward.GraphChanges{From: since, To: o.Revision}
	if since >= o.Revision {
		c.From = o.Revision
		return c, nil
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT revision, kind, key FROM graph_changes
		WHERE org_id = $1 AND revision > $2 AND revision <= $3 ORDER BY revision, kind, key`, org, since, o.Revision)
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var (
		revs int64
		prev int64 = -1 << 63
	)
	for rows.Next() {
		var (
			rev       int64
			kind, key string
		)
		if err := rows.Scan(&rev, &kind, &key); err != nil {
			return nil, dbError(op, err, nil)
		}
		if rev != prev {
			revs, prev = revs+1, rev
		}
		switch kind {
		case changeUser:
			c.Users = append(c.Users, keyward.UserID(key))
		case changeGroup:
			c.Groups = append(c.Groups, keyward.GroupID(key))
		case changeRole:
			c.Roles = append(c.Roles, keyward.RoleID(key))
		case changePolicy:
			c.Policies = append(c.Policies, keyward.PolicyID(key))
		case changeResource:
			c.Resources = append(c.Resources, key)
		case changeProjects:
			c.Projects = true
		case changeTrusts:
			c.Trusts = true
		case changeNone, changeMerged:
		default: // all, or a kind this version does not know
			c.All = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(op, err, nil)
	}
	if c.All || revs != o.Revision-since {
		return &keyward.GraphChanges{From: since, To: o.Revision, All: true}, nil
	}
	c.Users, c.Groups, c.Roles = sortedSet(c.Users), sortedSet(c.Groups), sortedSet(c.Roles)
	c.Policies, c.Resources = sortedSet(c.Policies), sortedSet(c.Resources)
	return c, nil
}

// sortedSet sorts s and drops duplicates.
func sortedSet[T cmp.Ordered](s []T) []T {
	slices.Sort(s)
	return slices.Compact(s)
}

//go:build unix

package authz_test

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/policy/policytest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// copyOrg copies o's SQLite file, with its write-ahead log, to a new
// directory and opens a store on the copy, so that a benchmark may write
// to the org without disturbing the others. It returns o on the copy and
// a function that closes the store and removes the directory.
func copyOrg(o *largeOrg) (*largeOrg, func(), error) {
	dir, err := os.MkdirTemp("", "keyward-orgcopy-")
	if err != nil {
		return nil, nil, err
	}
	done := func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, "keyward.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(o.path+suffix, path+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			done()
			return nil, nil, err
		}
	}
	db, err := sqlstore.Open(context.Background(), sqlstore.Config{SQLitePath: path})
	if err != nil {
		done()
		return nil, nil, err
	}
	c := *o
	c.db, c.path = db, path
	return &c, func() { db.Close(); done() }, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// writeCostSample is how many sample requests are kept compiled between
// the writes of BenchmarkWriteCost (about 1,800 users).
const writeCostSample = 2000

// BenchmarkWriteCost measures what one write to the large org costs the
// engine: with an Authorizer whose snapshot is current and whose sampled
// users (about 1,800) are all compiled, each op commits one change to a
// copy of the org through the store, in a write transaction that bumps the
// revision as service's commit does, then times a.Snapshot(ctx, org,
// newRevision): the engine's update after the write. Between ops, outside
// the timer, the sampled users are compiled again, so every op starts from
// a warm engine. The changes, alternately made and undone:
//   - target=user: a policy attached to (detached from) one user;
//   - target=group: a policy attached to a group of 1,000 members (a group
//     the benchmark adds to the copy; the org's own have about 20);
//   - target=group-deleted: that group deleted (softly) and restored;
//   - target=role: a policy attached to the role with the most holders;
//   - target=policy: the document of a policy attached to that role
//     rewritten (its first statement's effect flipped).
//
// ms/op and cpu-ms/op are those of the Snapshot call alone; write-ms/op is
// the store's commit; first-decide-us is the first Decide of an affected
// user afterwards (its policies compiled again, or not, by the engine).
//
// Run: go test ./authz -run '^$' -bench WriteCost -benchtime 20x
func BenchmarkWriteCost(b *testing.B) {
	o, done, err := copyOrg(largeOrgOf(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(done)
	ctx := context.Background()
	big := keyward.GroupID(policytest.UUID(rand.New(rand.NewPCG(7, 7))))
	err = o.db.WriteTx(ctx, func(tx keyward.Tx) error {
		if err := tx.CreateGroup(ctx, &keyward.Group{ID: big, OrgID: o.org, Name: "bench-big"}); err != nil {
			return err
		}
		for u := 0; u < len(o.users); u += 10 {
			if err := tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: o.org, GroupID: big, UserID: o.users[u]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	role := 0
	for r := range o.holders {
		if len(o.holders[r]) > len(o.holders[role]) {
			role = r
		}
	}
	b.Logf("the role of target=role has %d holders", len(o.holders[role]))
	a := authz.New(o.db, authz.Options{Catalog: o.cat})
	reqs := o.requests(rand.New(rand.NewPCG(5, 5)), len(o.users), writeCostSample)
	// affected returns a request about user u, added to the sample kept
	// compiled.
	affected := func(u int) authz.Request {
		r := o.requests(rand.New(rand.NewPCG(6, uint64(u))), len(o.users), 1)[0]
		r.Principal = o.users[u]
		reqs = append(reqs, r)
		return r
	}
	// target=policy rewrites the last policy, attached to the role for it.
	roleDoc := len(o.docs) - 1
	rolePolicy := o.policyIDs[roleDoc]
	variants := []struct {
		name string
		typ  keyward.PrincipalType
		id   string
		user int // an affected user
	}{
		{"user", keyward.PrincipalUser, string(o.users[1]), 1},
		{"group", keyward.PrincipalGroup, string(big), 0},
		{"role", keyward.PrincipalRole, string(o.roleIDs[role]), o.holders[role][0]},
	}
	for _, v := range variants {
		att := attachFree(b, o, v.typ, v.id)
		req := affected(v.user)
		attached := false
		b.Run("target="+v.name, func(b *testing.B) {
			writeCost(b, a, o, reqs, &req, func(tx keyward.Tx) error {
				var err error
				if attached {
					err = tx.DeleteAttachment(ctx, att)
				} else {
					err = tx.CreateAttachment(ctx, att)
				}
				attached = !attached
				return err
			})
		})
	}
	// target=group-deleted: the group of 1,000 members deleted (softly)
	// and restored, with the policy of target=group attached.
	// attachFree writes in transactions of its own: called inside this
	// one, it would wait for the store's one writer, which this one is.
	att := attachFree(b, o, keyward.PrincipalGroup, string(big))
	err = o.db.WriteTx(ctx, func(tx keyward.Tx) error {
		return skipConflict(tx.CreateAttachment(ctx, att))
	})
	if err != nil {
		b.Fatal(err)
	}
	member := affected(0)
	b.Run("target=group-deleted", func(b *testing.B) {
		writeCost(b, a, o, reqs, &member, func(tx keyward.Tx) error {
			g, err := tx.GetGroup(ctx, o.org, big)
			if err != nil {
				return err
			}
			now := tx.Now()
			if g.DeletedAt == nil {
				g.DeletedAt = &now
			} else {
				g.DeletedAt = nil
			}
			g.UpdatedAt = now
			return tx.UpdateGroup(ctx, g)
		})
	})
	// target=policy: the document of a policy attached to the role.
	err = o.db.WriteTx(ctx, func(tx keyward.Tx) error {
		return skipConflict(tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: o.org, PolicyID: rolePolicy,
			TargetType: keyward.PrincipalRole, TargetID: string(o.roleIDs[role])}))
	})
	if err != nil {
		b.Fatal(err)
	}
	docs := [2][]byte{}
	for i := range docs {
		d := *o.docs[roleDoc]
		d.Statement = slices.Clone(d.Statement)
		if i == 1 {
			st := &d.Statement[0]
			st.Effect = map[policy.Effect]policy.Effect{policy.EffectAllow: policy.EffectDeny, policy.EffectDeny: policy.EffectAllow}[st.Effect]
		}
		if docs[i], err = json.Marshal(&d); err != nil {
			b.Fatal(err)
		}
	}
	req := affected(o.holders[role][0])
	flip := 1
	b.Run("target=policy", func(b *testing.B) {
		writeCost(b, a, o, reqs, &req, func(tx keyward.Tx) error {
			p, err := tx.GetPolicy(ctx, o.org, rolePolicy)
			if err != nil {
				return err
			}
			p.Document, p.UpdatedAt = docs[flip], tx.Now()
			flip = 1 - flip
			return tx.UpdatePolicy(ctx, p, p.Version)
		})
	})
}

// attachFree returns an attachment to the principal of a policy of o not
// yet attached to it.
func attachFree(b *testing.B, o *largeOrg, typ keyward.PrincipalType, id string) *keyward.Attachment {
	ctx := context.Background()
	for p := range o.policyIDs {
		att := &keyward.Attachment{OrgID: o.org, PolicyID: o.policyIDs[p], TargetType: typ, TargetID: id}
		err := o.db.WriteTx(ctx, func(tx keyward.Tx) error {
			if err := tx.CreateAttachment(ctx, att); err != nil {
				return err
			}
			return tx.DeleteAttachment(ctx, att)
		})
		if err == nil {
			return &keyward.Attachment{OrgID: o.org, PolicyID: o.policyIDs[p], TargetType: typ, TargetID: id}
		}
		if keyward.ErrorCode(err) != keyward.CodeConflict {
			b.Fatal(err)
		}
	}
	b.Fatalf("every policy is attached to %s %s", typ, id)
	return nil
}

// writeCost runs b.N changes, each committed by change in a write
// transaction that bumps the revision, and times the Snapshot that
// follows; see BenchmarkWriteCost.
func writeCost(b *testing.B, a *authz.Authorizer, o *largeOrg, reqs []authz.Request, affected *authz.Request, change func(keyward.Tx) error) {
	ctx := context.Background()
	warm := func() {
		snap, err := a.Snapshot(ctx, o.org, 0)
		if err != nil {
			b.Fatal(err)
		}
		for i := range reqs {
			snap.Decide(&reqs[i])
		}
	}
	warm()
	var cpu cpuMeter
	var write, first time.Duration
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		t0 := time.Now()
		var rev int64
		err := o.db.WriteTx(ctx, func(tx keyward.Tx) error {
			if err := change(tx); err != nil {
				return err
			}
			var err error
			rev, err = tx.BumpRevision(ctx, o.org)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		write += time.Since(t0)
		b.StartTimer()
		cpu.start()
		snap, err := a.Snapshot(ctx, o.org, rev)
		cpu.stop()
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if snap.Revision != rev {
			b.Fatalf("snapshot at revision %d, want %d", snap.Revision, rev)
		}
		t1 := time.Now()
		snap.Decide(affected)
		first += time.Since(t1)
		warm()
	}
	b.ReportMetric(float64(b.Elapsed())/1e6/float64(b.N), "ms/op")
	cpu.report(b, time.Millisecond, "cpu-ms/op")
	b.ReportMetric(float64(write)/1e6/float64(b.N), "write-ms/op")
	b.ReportMetric(float64(first)/1e3/float64(b.N), "first-decide-us")
}

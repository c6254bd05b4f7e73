package sqlstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

func TestAuditRoundTrip(t *testing.T) {
	forEachOrg(t, "acme", func(t *testing.T, s *sqlstore.DB, o *keyward.Organization, owner *keyward.Account) {
		ctx := t.Context()
		e := &keyward.AuditEvent{
			OrgID: o.ID, ActorType: keyward.ActorUser, ActorID: owner.ID, ActorKeyID: "k1",
			Action: "iam.user.Update", TargetType: "user", TargetID: string(owner.ID),
			Before: json.RawMessage(`{"name":"Old","acls":["a","b"]}`), After: json.RawMessage(`{"name": "New ü"}`),
			RequestID: "req-1", SourceIP: "192.0.2.1",
		}
		var now time.Time
		write(t, s, func(tx keyward.Tx) error { now = tx.Now(); return tx.AppendAudit(ctx, e) })
		if !e.Time.Equal(now) || !keyward.ValidID(string(e.ID)) {
			t.Errorf("AppendAudit gave Time %v and ID %q, want the transaction's time %v and a UUID", e.Time, e.ID, now)
		}
		created := appendAudit(t, s, &keyward.AuditEvent{OrgID: o.ID, ActorType: keyward.ActorSystem, Action: "iam.user.Create", After: json.RawMessage(`{}`), Before: json.RawMessage{}})
		if created.Before != nil {
			t.Errorf("AppendAudit kept empty Before %q, want nil", created.Before)
		}
		read(t, s, func(tx keyward.Tx) error {
			got, _, err := tx.ListAuditEvents(ctx, o.ID, keyward.AuditFilter{})
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]*keyward.AuditEvent{created, e}, got); diff != "" {
				t.Errorf("ListAuditEvents mismatch (-want +got):\n%s", diff)
			}
			return nil
		})

		err := s.WriteTx(ctx, func(tx keyward.Tx) error {
			return tx.AppendAudit(ctx, &keyward.AuditEvent{OrgID: "missing", Action: "x"})
		})
		wantCode(t, "AppendAudit(missing org)", err, keyward.CodeNotFound)
	})
}

func TestAuditFilters(t *testing.T) {
	t.Parallel()
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx := t.Context()
		start := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
		clock := keywardtest.NewClock(start)
		s := keywardtest.OpenDialect(t, dialect, sqlstore.Config{Now: clock.Now})
		o, alice := newOrg(t, s, "acme")
		other, _ := newOrg(t, s, "other")
		bob := newAccount(t, s, "bob@example.com", false)
		addMember(t, s, o.ID, bob)

		// Events a minute apart, from start.
		var evs []*keyward.AuditEvent
		for i, e := range []keyward.AuditEvent{
			{ActorID: alice.ID, Action: "iam.user.Create", TargetID: string(bob.ID)},
			{ActorID: alice.ID, Action: "iam.user.Update", TargetID: string(bob.ID)},
			{ActorID: bob.ID, Action: "iam.apikey.Create", TargetID: "key-1"},
			{ActorID: bob.ID, Action: "iam.user.Update", TargetID: string(bob.ID)},
			{ActorID: alice.ID, Action: "iam.user.Update", TargetID: string(alice.ID)},
		} {
			clock.Set(start.Add(time.Duration(i) * time.Minute))
			e.OrgID, e.ActorType = o.ID, keyward.ActorUser
			evs = append(evs, appendAudit(t, s, &e))
		}
		// Same actor, action and target in another organization.
		appendAudit(t, s, &keyward.AuditEvent{OrgID: other.ID, ActorID: alice.ID, Action: "iam.user.Update", TargetID: string(bob.ID)})

		at := func(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }
		tests := []struct {
			name   string
			filter keyward.AuditFilter
			want   []int // indexes into evs, newest first
		}{
			{"all", keyward.AuditFilter{}, []int{4, 3, 2, 1, 0}},
			{"actor", keyward.AuditFilter{ActorID: bob.ID}, []int{3, 2}},
			{"action", keyward.AuditFilter{Action: "iam.user.Update"}, []int{4, 3, 1}},
			{"target", keyward.AuditFilter{TargetID: string(bob.ID)}, []int{3, 1, 0}},
			{"actor and action", keyward.AuditFilter{ActorID: alice.ID, Action: "iam.user.Update"}, []int{4, 1}},
			{"since is inclusive", keyward.AuditFilter{Since: at(3)}, []int{4, 3}},
			{"until is exclusive", keyward.AuditFilter{Until: at(2)}, []int{1, 0}},
			{"since and until", keyward.AuditFilter{Since: at(1), Until: at(3)}, []int{2, 1}},
			{"since a nanosecond later", keyward.AuditFilter{Since: at(3).Add(time.Nanosecond)}, []int{4}},
			{"until a nanosecond later", keyward.AuditFilter{Until: at(2).Add(time.Nanosecond)}, []int{2, 1, 0}},
			{"until in another zone", keyward.AuditFilter{Until: at(1).In(time.FixedZone("Y", -5*3600))}, []int{0}},
			{"no match", keyward.AuditFilter{Action: "iam.user.Delete"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				read(t, s, func(tx keyward.Tx) error {
					got, info, err := tx.ListAuditEvents(ctx, o.ID, tt.filter)
					if err != nil {
						return err
					}
					var want []*keyward.AuditEvent
					for _, i := range tt.want {
						want = append(want, evs[i])
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("ListAuditEvents(%+v) mismatch (-want +got):\n%s", tt.filter, diff)
					}
					if info.Total != len(want) {
						t.Errorf("ListAuditEvents(%+v) Total = %d, want %d", tt.filter, info.Total, len(want))
					}
					return nil
				})
			})
		}
	})
}

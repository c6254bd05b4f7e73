package policy

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDecode: a stored document that Parse would now refuse is still evaluated where it can
// be, and one that cannot be read denies everything, so neither lets through what it denied.
func TestDecode(t *testing.T) {
	readAndDelete := `{"Effect":"Allow","Action":["compute.instance.Read","compute.instance.Gone"],"Resource":"*"}`
	noDelete := `{"Effect":"Deny","Action":["compute.instance.Delete","compute.instance.Vanished"],"Resource":"*"}`
	read := Request{Action: "compute.instance.Read", Resource: vmInA, Org: orgID}
	del := Request{Action: "compute.instance.Delete", Resource: vmInA, Org: orgID}
	tests := []struct {
		name    string
		in      string
		wantDoc bool
		wantErr string // a substring of the error; "" for none
		req     Request
		alone   Decision // the policy by itself
		beside  Decision // next to a policy that allows everything
	}{
		{"valid", stmtDoc(okStmt), true, "", read, Allow, Allow},
		{"actions gone from the catalog: the Allow grants nothing", stmtDoc(readAndDelete, noDelete), true, `unknown action "compute.instance.Gone"`, read, ImplicitDeny, Allow},
		{"actions gone from the catalog: the Deny still denies", stmtDoc(readAndDelete, noDelete), true, `unknown action "compute.instance.Vanished"`, del, ExplicitDeny, ExplicitDeny},
		{"unsupported version: Allows skipped", `{"Version":"2030-01-01","Statement":[` + okStmt + `,` + noDelete + `]}`, true, "unsupported version", read, ImplicitDeny, Allow},
		{"unsupported version: Denies kept", `{"Version":"2030-01-01","Statement":[` + okStmt + `,` + noDelete + `]}`, true, "unsupported version", del, ExplicitDeny, ExplicitDeny},
		{"over the size limit", stmtDoc(okStmt) + strings.Repeat(" ", MaxDocumentSize), true, "the limit is 65536", read, Allow, Allow},
		{"an unknown field that could narrow the statement", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"` + vmInA + `"}`), false, "NotResource", read, ExplicitDeny, ExplicitDeny},
		{"an effect given twice", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Effect":"Deny"}`), false, "duplicate field", read, ExplicitDeny, ExplicitDeny},
		{"the statement list given twice", `{"Version":"2026-03-20","Statement":[` + okStmt + `],"Statement":[` + noDelete + `]}`, false, "duplicate field", read, ExplicitDeny, ExplicitDeny},
		{"a value of the wrong type", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/team":["red",5]}}}`), false, "must be a string", read, ExplicitDeny, ExplicitDeny},
		{"invalid JSON", `{"Version":"2026-03-20","Statement":[`, false, "invalid JSON", read, ExplicitDeny, ExplicitDeny},
		{"not UTF-8", "{\"Version\":\"\xff\"}", false, "not valid UTF-8", read, ExplicitDeny, ExplicitDeny},
	}
	allowAll := Input{ID: "all", Doc: &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Decode(nil, []byte(tt.in))
			if (doc != nil) != tt.wantDoc {
				t.Fatalf("Decode() document = %v, want one: %v", doc, tt.wantDoc)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Decode() error = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Decode() error = %v, want one containing %q", err, tt.wantErr)
			}
			in := Input{ID: "stored", Doc: doc}
			if got := Compile(nil, []Input{in}).Decide(&tt.req); got != tt.alone {
				t.Errorf("alone: Decide(%s) = %v, want %v", tt.req.Action, got, tt.alone)
			}
			if got := Compile(nil, []Input{allowAll, in}).Decide(&tt.req); got != tt.beside {
				t.Errorf("beside an allow-all: Decide(%s) = %v, want %v", tt.req.Action, got, tt.beside)
			}
		})
	}
}

// TestDecode_explainsUnreadable: the deny of a policy without a document is explained as its
// statement -1, with a diagnostic saying why.
func TestDecode_explainsUnreadable(t *testing.T) {
	doc, _ := Decode(nil, []byte(`{"Version":"2026-03-20"`))
	set := Compile(nil, []Input{{ID: "p-1", Name: "broken", Via: "group:ops", Doc: doc}})
	ex := set.Explain(&Request{Action: "iam.user.List"})
	want := []StatementResult{{PolicyID: "p-1", PolicyName: "broken", Via: "group:ops", Index: -1, Effect: EffectDeny, Applied: true}}
	if ex.Decision != ExplicitDeny || !reflect.DeepEqual(ex.Statements, want) {
		t.Errorf("Explain() = %+v, want an explicit deny from %+v", ex, want)
	}
	if len(ex.Diagnostics) != 1 || !strings.Contains(ex.Diagnostics[0].Message, "cannot be evaluated") {
		t.Errorf("Explain().Diagnostics = %+v", ex.Diagnostics)
	}
}

// decodeRequests are the requests FuzzDecode puts to every decoded document.
var decodeRequests = func() []Request {
	full := Context{
		Time:          time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
		SourceIP:      netip.MustParseAddr("10.1.2.3"),
		MFA:           FlagFalse,
		PrincipalTags: map[string]string{"team": "red"},
		SessionTags:   map[string]string{"a": "x"},
	}
	const res = "0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a"
	return []Request{
		{Action: "compute.instance.Read", Resource: res, Project: projectA, Org: orgID, Context: full},
		{Action: "compute.instance.Delete", Resource: vmInA, Project: projectA, Org: orgID, Context: full},
		{Action: "compute.instance.GetConsole"},
		{Action: "iam.user.List", Org: orgID},
		{Action: "storage.object.GetObject", Resource: res, Context: full},
		{Action: "user.acl.Billing", Project: projectB, Context: Context{MFA: FlagTrue}},
	}
}()

// FuzzDecode requires that Decode never panics, agrees with Parse (the same document when
// Parse accepts one, the same errors when it does not), and that whatever it returns, the
// engine evaluates it as the reference evaluator does: in particular a document Parse refuses
// is never evaluated more generously than docs/policy.md allows.
func FuzzDecode(f *testing.F) {
	addParseSeeds(f)
	f.Add([]byte(`{"Version":"2030-01-01","Statement":[{"Effect":"Deny","Action":["compute.instance.Gone","iam.*"],"Resource":["*","x"],"Condition":{"IpAddress":{"keyward:SourceIp":"10.0.0.0/33"},"Bool":{"keyward:MultiFactorAuthPresent":false}}}]}`))
	f.Add([]byte(`{"Version":"2026-03-20","Statement":[{"Effect":"deny","Action":"comp*.in*ance.Read","Resource":"` + vmInA + `","Condition":{}}]}`))
	cat := DefaultCatalog()
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode(cat, data)
		pdoc, perr := Parse(cat, data)
		switch {
		case perr == nil && (err != nil || !reflect.DeepEqual(doc, pdoc)):
			t.Fatalf("Parse accepts %q, Decode returns %v, %v", data, doc, err)
		case perr != nil && err == nil:
			t.Fatalf("Parse refuses %q (%v), Decode does not", data, perr)
		case perr != nil && len(data) <= MaxDocumentSize && err.Error() != perr.Error():
			t.Fatalf("Decode(%q) errors:\n%v\nParse errors:\n%v", data, err, perr)
		}
		var ve ValidationErrors
		if err != nil && !errors.As(err, &ve) {
			t.Fatalf("Decode(%q) error %T is not ValidationErrors", data, err)
		}
		ps := []Input{{ID: "stored", Name: "stored", Doc: doc}}
		set := Compile(cat, ps)
		for _, r := range decodeRequests {
			if msg := agree(cat, ps, set, r); msg != "" {
				t.Fatalf("%s\n%s", msg, describe(ps, r))
			}
		}
	})
}

package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy/policytest"
)

// scanSeeds are bodies of POST /v2/authorize: the usual ones, which
// scanAuthorize should take, and near misses, which it must leave to
// encoding/json (or read exactly as encoding/json does).
var scanSeeds = []string{
	`{"principal_id":"0193a000-0000-7000-8000-000000000011","action":"compute.instance.Delete","resource":{"id":"0193a000-0000-7000-8000-000000000012","project_id":"0193a000-0000-7000-8000-0000000000a1"},"context":{"source_ip":"10.1.2.3","time":"2026-11-23T12:00:00Z","mfa":true},"min_revision":42,"explain":false}`,
	` { "action" : "compute.instance.List" , "context" : { "mfa" : false } } ` + "\n",
	`{"action":"compute.instance.List","resource":{},"context":{}}`,
	`{}`,
	``,
	`{"action":"compute.instance.List","min_revision":-0}`,
	`{"action":"compute.instance.List","min_revision":9223372036854775807}`,
	`{"action":"compute.instance.List","min_revision":9223372036854775808}`,
	`{"action":"compute.instance.List","min_revision":1.0}`,
	`{"action":"compute.instance.List","min_revision":1e3}`,
	`{"action":"compute.instance.List","min_revision":01}`,
	`{"action":"compute.instance.List","min_revision":"1"}`,
	`{"Action":"compute.instance.List"}`,
	`{"action":"compute.instance.List","action":"iam.user.Delete"}`,
	`{"action":"compute.instance\u002eList"}`,
	`{"action":"compute.instance.List\n"}`,
	`{"action":"compute.instance.Lïst"}`,
	`{"action":null}`,
	`{"action":"compute.instance.List","explain":tru}`,
	`{"action":"compute.instance.List","explain":truex}`,
	`{"action":"compute.instance.List"} {}`,
	`{"action":"compute.instance.List",}`,
	`{"action":"compute.instance.List","context":{"mfa":true,"mfa":false}}`,
	`{"action":"compute.instance.List","unknown":1}`,
	`[{"action":"compute.instance.List"}]`,
	`{"action":"compute.instance.List"`,
	// Keys given twice or in two spellings, which both readers refuse.
	`{"action":"compute.instance.List","Action":"iam.user.Delete"}`,
	`{"Action":"compute.instance.List","action":"iam.user.Delete"}`,
	`{"ACTION":"compute.instance.List","aCtIoN":"iam.user.Delete"}`,
	`{"action":"compute.instance.List","\u0061ction":"iam.user.Delete"}`,
	`{"principal_id":"0193a000-0000-7000-8000-000000000011","principal_id":"0193a000-0000-7000-8000-000000000012","action":"compute.instance.List"}`,
	`{"action":"compute.instance.List","resource":{"id":"0193a000-0000-7000-8000-000000000012","ID":"0193a000-0000-7000-8000-000000000013"}}`,
	`{"action":"compute.instance.List","resource":{"project_id":"a"},"Resource":{"project_id":"b"}}`,
	`{"action":"compute.instance.List","context":{"source_ip":"10.0.0.1","ſource_ip":"192.0.2.1"}}`,
	`{"action":"compute.instance.List","context":{"mfa":false},"explain":true,"EXPLAIN":false}`,
	`{"action":"compute.instance.List","min_revision":1,"min_revision":2}`,
	`{"action":"compute.instance.List","context":{"time":"2026-11-23T12:00:00Z","Time":"2001-01-01T00:00:00Z"}}`,
	`{"action":"compute.instance.List","unknown":{"k":1,"K":2}}`,
	`{"action":"compute.instance.List","resource":{"id":"x","id":"x"}}`,
	`{"":1,"":2}`,
	`{"action":"myapp.widget.Publish","resource":{"id":"arn:acme:eu-1/widget-42","type":"myapp.widget","organization_id":"0193a000-0000-7000-8000-0000000000a0"}}`,
	`{"action":"myapp.widget.Publish","resource":{"type":"myapp.widget","Type":"myapp.gadget"}}`,
}

// TestScanAuthorize checks which seeds the scanner takes, and that it
// reads them as encoding/json does.
func TestScanAuthorize(t *testing.T) {
	takes := map[int]bool{0: true, 1: true, 2: true, 3: true, 5: true, 6: true, 40: true}
	for i, body := range scanSeeds {
		var got authorizeReq
		if ok := scanAuthorize([]byte(body), &got); ok != takes[i] {
			t.Errorf("seed %d %q: scanAuthorize took it = %v, want %v", i, body, ok, takes[i])
		}
		checkScan(t, []byte(body))
	}
}

// FuzzScanAuthorize checks that every body scanAuthorize takes decodes
// the same through encoding/json (with unknown fields refused), and that
// a body with a key given twice or in two spellings is refused by both
// readers: scanAuthorize never takes it and unmarshalStrict refuses it, as
// policytest.RepeatedKey, the reference, finds such keys.
func FuzzScanAuthorize(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkScan(t, body) })
}

func checkScan(t *testing.T, body []byte) {
	t.Helper()
	repeated := policytest.RepeatedKey(body)
	var got authorizeReq
	took := scanAuthorize(body, &got)
	if took && repeated {
		t.Fatalf("%q: scanAuthorize took a body with a repeated key", body)
	}
	var read authorizeReq
	err := readAuthorize(body, &read)
	if repeated && keyward.ErrorCode(err) != keyward.CodeInvalid {
		t.Fatalf("%q: a body with a repeated key read as %+v, %v; want CodeInvalid", body, read, err)
	}
	if json.Valid(body) && (checkKeys(body) != nil) != repeated {
		t.Fatalf("%q: checkKeys says %v, the reference finds a repeated key: %v", body, checkKeys(body), repeated)
	}
	if !took {
		return
	}
	var want authorizeReq
	if err := unmarshalStrict(body, &want); err != nil {
		t.Fatalf("%q: scanAuthorize took it, encoding/json says %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: scanAuthorize read %+v, encoding/json %+v", body, got, want)
	}
}

package httpapi

import (
	"reflect"
	"testing"
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
}

// TestScanAuthorize checks which seeds the scanner takes, and that it
// reads them as encoding/json does.
func TestScanAuthorize(t *testing.T) {
	takes := map[int]bool{0: true, 1: true, 2: true, 3: true, 5: true, 6: true}
	for i, body := range scanSeeds {
		var got authorizeReq
		if ok := scanAuthorize([]byte(body), &got); ok != takes[i] {
			t.Errorf("seed %d %q: scanAuthorize took it = %v, want %v", i, body, ok, takes[i])
		}
		checkScan(t, []byte(body))
	}
}

// FuzzScanAuthorize checks that every body scanAuthorize takes decodes
// the same through encoding/json (with unknown fields refused).
func FuzzScanAuthorize(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkScan(t, body) })
}

func checkScan(t *testing.T, body []byte) {
	t.Helper()
	var got authorizeReq
	if !scanAuthorize(body, &got) {
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

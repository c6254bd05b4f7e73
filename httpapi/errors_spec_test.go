package httpapi

import (
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/keyward-iam/keyward/api"
)

// TestErrorCodesInSpec: the spec's ErrorCode enum is the status table's
// codes, no more and no fewer, so a new code cannot reach clients
// undocumented (as mfa_required once did).
func TestErrorCodesInSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range doc.Components.Schemas["ErrorCode"].Value.Enum {
		got = append(got, v.(string))
	}
	var want []string
	for c := range statusOf {
		want = append(want, string(c))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ErrorCode enum in api/openapi.yaml = %v, want the codes of statusOf %v", got, want)
	}
}

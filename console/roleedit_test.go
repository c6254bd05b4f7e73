package console

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward/policy"
)

// TestReadGrid: the grid's checked cells make the role's grid; with none
// checked a new role has no grid, while a role defined by one keeps an
// empty grid (it grants nothing).
func TestReadGrid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		form   url.Values
		always bool
		want   policy.Grid
	}{
		{"cells", url.Values{"name": {"Deployer"}, "grid.compute_instances": {"view", "manage"}, "grid.vpcs": {"view"}}, false,
			policy.Grid{"compute_instances": {"view", "manage"}, "vpcs": {"view"}}},
		{"none, new role", url.Values{"name": {"Deployer"}}, false, nil},
		{"none, grid role", url.Values{"name": {"Deployer"}}, true, policy.Grid{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/roles", strings.NewReader(tc.form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if diff := cmp.Diff(tc.want, readGrid(r, tc.always)); diff != "" {
				t.Errorf("readGrid (-want +got):\n%s", diff)
			}
		})
	}
}

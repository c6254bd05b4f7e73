package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward/api/client"
)

// gridUsage describes the --grid flag of every command that takes one.
const gridUsage = `a grid cell set, GROUP=LEVEL[,LEVEL] (e.g. compute_instances=view,manage);
repeat for each service group, or give the whole grid as JSON`

// parseGrid turns --grid values into a grid: each is GROUP=LEVELS or one
// JSON object. The server validates the groups and levels, naming the bad
// cell.
func parseGrid(values []string) (client.Grid, error) {
	g := client.Grid{}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "{") {
			var part map[string][]string
			if err := json.Unmarshal([]byte(v), &part); err != nil {
				return nil, fmt.Errorf("invalid --grid %s: %v", v, err)
			}
			for k, ls := range part {
				g[k] = append(g[k], ls...)
			}
			continue
		}
		group, levels, ok := strings.Cut(v, "=")
		if !ok || group == "" {
			return nil, fmt.Errorf("invalid --grid %q: want GROUP=LEVEL[,LEVEL], e.g. vpcs=view,manage", v)
		}
		for _, l := range strings.Split(levels, ",") {
			if l = strings.TrimSpace(l); l != "" && !slices.Contains(g[group], l) {
				g[group] = append(g[group], l)
			}
		}
		if g[group] == nil {
			g[group] = []string{}
		}
	}
	return g, nil
}

// formatGrid prints a grid as GROUP=LEVELS pairs, groups sorted.
func formatGrid(g *client.Grid) string {
	if g == nil || len(*g) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(*g))
	for k := range *g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strings.Join((*g)[k], ",")
	}
	return strings.Join(parts, " ")
}

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/keyward-iam/keyward/api/client"
)

func (a *app) catalogGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get ACTION",
		Short: "Show one action of the catalog: its level, source and grid row",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetActionWithResponse(cmd.Context(), args[0])
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			x := resp.JSON200.Action
			return a.printObject(resp.Body, []field{
				{"name", x.Name}, {"level", string(x.Level)}, {"description", x.Description},
				{"source", deref(x.Source)}, {"grid_group", deref(x.GridGroup)},
			})
		},
	}
}

func (a *app) catalogGridCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "grid",
		Short: "List the rows of the permission grid and the actions of each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.GridGroup], error) {
				resp, err := c.ListGridGroupsWithResponse(cmd.Context(), &client.ListGridGroupsParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "grid_groups", func() ([]client.GridGroup, string) { return resp.JSON200.GridGroups, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, groups []client.GridGroup) error {
				rows := make([][]string, len(groups))
				for i, g := range groups {
					var cols []string
					for _, l := range []string{"view", "manage", "delete"} {
						if _, ok := g.Columns[l]; ok {
							cols = append(cols, l)
						}
					}
					rows[i] = []string{g.ID, g.Name, strings.Join(cols, ","), fmt.Sprint(len(g.Actions))}
				}
				return a.printList(raw, []string{"ID", "NAME", "COLUMNS", "ACTIONS"}, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) catalogExportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Print the catalog part stored through the API, as a catalog file (fleet)",
		Long: `Print the part of the catalog that fleet administrators changed at run time,
in the shape of a catalog file: edit it and give it back to "catalog apply".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetCatalogWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			st := resp.JSON200.Catalog
			file := client.CatalogPart{ResourceTypes: &st.ResourceTypes, GridGroups: &st.GridGroups, Actions: []client.CatalogPartAction{}}
			for _, x := range st.Actions {
				file.Actions = append(file.Actions, client.CatalogPartAction{Name: x.Name, Level: x.Level, Description: &x.Description})
			}
			for i := range st.ResourceTypes {
				st.ResourceTypes[i].Source = nil
			}
			for i := range st.GridGroups {
				st.GridGroups[i].Source = nil
			}
			out, err := json.MarshalIndent(file, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%s\n", out)
			return err
		},
	}
}

// catalogChangeCommand returns `catalog diff` (apply false) or `catalog
// apply`: both send a catalog file, YAML or JSON, and print what changes.
func (a *app) catalogChangeCommand(apply bool) *cobra.Command {
	var file string
	var force bool
	use, short := "diff -f FILE", "Show what applying a catalog file would add, remove and break (fleet)"
	if apply {
		use, short = "apply -f FILE [--force]", "Replace the catalog part stored through the API by a catalog file (fleet)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

FILE is a catalog file, YAML or JSON ("-" for standard input), in the shape
docs/policy.md describes: actions, and optionally resource_types and
grid_groups. It replaces the whole stored part: an action it leaves out is
removed. Removing actions that stored policies use is refused, naming the
policies, unless --force (their statements then allow nothing).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := readFileOrStdin(a, file)
			if err != nil {
				return err
			}
			body, err := catalogJSON(raw)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			var diff *client.CatalogChangeResponse
			var rawResp []byte
			if apply {
				resp, err := c.ApplyCatalogWithBodyWithResponse(cmd.Context(), &client.ApplyCatalogParams{Force: &force}, "application/json", bytes.NewReader(body))
				if err := check(resp, err, http.StatusOK); err != nil {
					return err
				}
				diff, rawResp = resp.JSON200, resp.Body
			} else {
				resp, err := c.DiffCatalogWithBodyWithResponse(cmd.Context(), "application/json", bytes.NewReader(body))
				if err := check(resp, err, http.StatusOK); err != nil {
					return err
				}
				diff, rawResp = resp.JSON200, resp.Body
			}
			return a.printCatalogChange(rawResp, diff)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", `the catalog file, YAML or JSON ("-" for standard input)`)
	_ = cmd.MarkFlagRequired("file")
	if apply {
		cmd.Flags().BoolVar(&force, "force", false, "apply even if stored policies use actions the change removes")
	}
	return cmd
}

// catalogJSON turns a catalog file, YAML or JSON, into the JSON body the
// API takes. The server checks the entries.
func catalogJSON(raw []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func (a *app) printCatalogChange(raw []byte, d *client.CatalogChangeResponse) error {
	x := d.CatalogChange
	affected := make([]string, len(x.AffectedPolicies))
	for i, p := range x.AffectedPolicies {
		affected[i] = p.Name + " (" + p.ID + ", org " + p.OrganizationID + ")"
	}
	return a.printObject(raw, []field{
		{"applied", fmt.Sprint(x.Applied)}, {"revision", fmt.Sprint(x.Revision)},
		{"added", strings.Join(x.Added, " ")}, {"removed", strings.Join(x.Removed, " ")}, {"changed", strings.Join(x.Changed, " ")},
		{"resource_types", strings.Join(x.ResourceTypes, " ")}, {"grid_groups", strings.Join(x.GridGroups, " ")},
		{"affected_policies", strings.Join(affected, ", ")},
	})
}

package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// catalogCommand returns `keyward catalog` and its subcommands.
func (a *app) catalogCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "catalog",
		Aliases: []string{"actions"},
		Short:   "The action catalog: list, show, preview and apply changes",
		Long: `The action catalog: every service.resource.Operation a policy document may
name, with its access level (read, write, delete or admin), where it comes
from (keyward, vultr, a catalog file, or api) and its row of the permission
grid; the endpoints of the API with the action each needs. Fleet
administrators change the part stored through the API with diff and apply.`,
	}
	return group(cmd, a.catalogListCommand(), a.catalogGetCommand(), a.catalogGridCommand(), a.catalogEndpointsCommand(),
		a.catalogExportCommand(), a.catalogChangeCommand(false), a.catalogChangeCommand(true))
}

func (a *app) catalogListCommand() *cobra.Command {
	var pf pageFlags
	var service, level, query, source string
	cmd := &cobra.Command{
		Use:   "list [--service SERVICE] [--level LEVEL] [--query TEXT]",
		Short: "List the actions of the catalog",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.CatalogAction], error) {
				params := &client.ListActionsParams{PerPage: perPage, Cursor: cursor}
				if service != "" {
					params.Service = &service
				}
				if level != "" {
					params.Level = ptr(client.ActionLevel(level))
				}
				if query != "" {
					params.Q = &query
				}
				if source != "" {
					params.Source = &source
				}
				resp, err := c.ListActionsWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "actions", func() ([]client.CatalogAction, string) { return resp.JSON200.Actions, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, actions []client.CatalogAction) error {
				rows := make([][]string, len(actions))
				for i, x := range actions {
					rows[i] = []string{x.Name, string(x.Level), deref(x.Source), x.Description}
				}
				return a.printList(raw, []string{"ACTION", "LEVEL", "SOURCE", "DESCRIPTION"}, rows)
			})
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "only actions of this service, e.g. compute")
	cmd.Flags().StringVar(&level, "level", "", "only actions of this level: read, write, delete or admin")
	cmd.Flags().StringVarP(&query, "query", "q", "", "only actions whose name or description contains this text (any case)")
	cmd.Flags().StringVar(&source, "source", "", "only actions from this part: keyward, vultr, api or file:PATH")
	pf.add(cmd)
	return cmd
}

func (a *app) catalogEndpointsCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "endpoints",
		Short: "List the endpoints of the API and the action each needs",
		Long: `List the endpoint action maps: every endpoint of the API that needs an
action, with the action a policy must allow to call it and the path
parameter naming the object it acts on ("*" for none).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.EndpointActionMap], error) {
				params := &client.ListEndpointActionMapsParams{PerPage: perPage, Cursor: cursor}
				resp, err := c.ListEndpointActionMapsWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "endpoint_action_maps", func() ([]client.EndpointActionMap, string) {
					return resp.JSON200.EndpointActionMaps, resp.JSON200.Meta.Links.Next
				})
			}, func(raw []json.RawMessage, maps []client.EndpointActionMap) error {
				rows := make([][]string, len(maps))
				for i, m := range maps {
					rows[i] = []string{m.HTTPMethod, m.EndpointPattern, m.RequiredAction, m.ResourcePattern, m.ID.String()}
				}
				return a.printList(raw, []string{"METHOD", "PATH", "ACTION", "RESOURCE", "ID"}, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}

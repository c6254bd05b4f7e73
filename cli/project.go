package cli

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// projectCommand returns `keyward project` and its subcommands.
func (a *app) projectCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "project",
		Aliases: []string{"projects"},
		Short:   "Manage projects",
		Long: `Manage the projects of your organization. A role assigned in a project
(keyward binding set --project) and a member's override there apply to the
project and to the resources registered in it.`,
	}
	return group(cmd, a.projectListCommand(), a.projectGetCommand(), a.projectCreateCommand(), a.projectUpdateCommand(), a.projectDeleteCommand())
}

func (a *app) printProject(p *client.Project, raw []byte) error {
	return a.printObject(raw, []field{
		{"id", p.ID.String()}, {"name", p.Name}, {"description", p.Description}, {"date_created", p.DateCreated},
	})
}

func (a *app) projectListCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List projects",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Project], error) {
				resp, err := c.ListProjectsWithResponse(cmd.Context(), &client.ListProjectsParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "projects", func() ([]client.Project, string) { return resp.JSON200.Projects, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, ps []client.Project) error {
				rows := make([][]string, len(ps))
				for i, p := range ps {
					rows[i] = []string{p.ID.String(), p.Name, p.Description, p.DateCreated}
				}
				return a.printList(raw, []string{"ID", "NAME", "DESCRIPTION", "CREATED"}, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) projectGetCommand() *cobra.Command {
	return a.idCommand("get PROJECT_ID", "Show a project", "project", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetProjectWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "project", func(raw []byte) error {
			return a.printProject(&resp.JSON200.Project, raw)
		})
	})
}

func (a *app) projectCreateCommand() *cobra.Command {
	var name, description string
	cmd := &cobra.Command{
		Use:   "create --name NAME [--description TEXT]",
		Short: "Create a project",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateProjectWithResponse(cmd.Context(), client.ProjectReq{Name: name, Description: &description})
			return printMember(resp, err, http.StatusCreated, "project", func(raw []byte) error {
				return a.printProject(&resp.JSON201.Project, raw)
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the project's name, unique in the organization (required)")
	cmd.Flags().StringVar(&description, "description", "", "what the project is for")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) projectUpdateCommand() *cobra.Command {
	var name, description string
	cmd := &cobra.Command{
		Use:   "update PROJECT_ID [--name NAME] [--description TEXT]",
		Short: "Rename a project or change its description",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "project", args[0])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if !f.Changed("name") && !f.Changed("description") {
				return errors.New("nothing to change: pass --name or --description")
			}
			cur, err := c.GetProjectWithResponse(cmd.Context(), id)
			if err := check(cur, err, http.StatusOK); err != nil {
				return err
			}
			req := client.ProjectReq{Name: cur.JSON200.Project.Name, Description: &cur.JSON200.Project.Description}
			if f.Changed("name") {
				req.Name = name
			}
			if f.Changed("description") {
				req.Description = &description
			}
			resp, err := c.UpdateProjectWithResponse(cmd.Context(), id, req)
			return printMember(resp, err, http.StatusOK, "project", func(raw []byte) error {
				return a.printProject(&resp.JSON200.Project, raw)
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new name")
	cmd.Flags().StringVar(&description, "description", "", "the new description")
	return cmd
}

func (a *app) projectDeleteCommand() *cobra.Command {
	var force bool
	cmd := a.actionCommand(action{use: "delete PROJECT_ID [--force]", short: "Delete a project",
		long: `Delete a project with its role assignments and overrides. While resources
are registered in it the server refuses, unless --force, which unregisters them.`,
		thing: "project", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteProjectWithResponse(ctx, id, &client.DeleteProjectParams{Force: &force})
		}, done: "Deleted project %s."})
	cmd.Flags().BoolVar(&force, "force", false, "delete even though resources are registered in the project")
	return cmd
}

// resourceCommand returns `keyward resource` and its subcommands.
func (a *app) resourceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "resource",
		Aliases: []string{"resources"},
		Short:   "Register provider resources in projects",
		Long: `Register which project a provider resource belongs to, so that decisions
about its ID find the project without the caller naming it.`,
	}
	return group(cmd, a.resourceRegisterCommand(), a.resourceListCommand(), a.resourceGetCommand(), a.resourceDeleteCommand())
}

func (a *app) printResource(r *client.Resource, raw []byte) error {
	return a.printObject(raw, []field{
		{"id", r.ID}, {"type", r.Type}, {"project_id", r.ProjectID.String()}, {"date_created", r.DateCreated},
	})
}

func (a *app) resourceRegisterCommand() *cobra.Command {
	var typ, project string
	cmd := &cobra.Command{
		Use:   "register RESOURCE_ID --type TYPE --project PROJECT_ID",
		Short: "Register a resource in a project",
		Long: `Register a resource in a project. RESOURCE_ID is a lowercase UUID or the
provider's own id (letters, digits and - _ . : / @ + = ,), such as widget-42;
policies name the latter with its type: myapp.widget/widget-42.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			id := args[0]
			pid, err := parseID("project", project)
			if err != nil {
				return err
			}
			resp, err := c.RegisterResourceWithResponse(cmd.Context(), client.ResourceReq{ID: id, Type: typ, ProjectID: pid})
			return printMember(resp, err, http.StatusCreated, "resource", func(raw []byte) error {
				return a.printResource(&resp.JSON201.Resource, raw)
			})
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "the resource's type in the catalog, e.g. compute.instance (required)")
	cmd.Flags().StringVar(&project, "project", "", "the project's ID (required)")
	_ = cmd.MarkFlagRequired("type")
	_ = cmd.MarkFlagRequired("project")
	return cmd
}

func (a *app) resourceListCommand() *cobra.Command {
	var pf pageFlags
	var project string
	cmd := &cobra.Command{
		Use:   "list [--project PROJECT_ID]",
		Short: "List registered resources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			params := &client.ListResourcesParams{}
			if project != "" {
				pid, err := parseID("project", project)
				if err != nil {
					return err
				}
				params.ProjectID = &pid
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Resource], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListResourcesWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "resources", func() ([]client.Resource, string) { return resp.JSON200.Resources, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, rs []client.Resource) error {
				rows := make([][]string, len(rs))
				for i, r := range rs {
					rows[i] = []string{r.ID, r.Type, r.ProjectID.String(), r.DateCreated}
				}
				return a.printList(raw, []string{"ID", "TYPE", "PROJECT", "REGISTERED"}, rows)
			})
		},
	}
	cmd.Flags().StringVar(&project, "project", "", "only the resources of this project")
	pf.add(cmd)
	return cmd
}

func (a *app) resourceGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get RESOURCE_ID",
		Short: "Show a registered resource",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetResourceWithResponse(cmd.Context(), args[0])
			return printMember(resp, err, http.StatusOK, "resource", func(raw []byte) error {
				return a.printResource(&resp.JSON200.Resource, raw)
			})
		},
	}
}

func (a *app) resourceDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete RESOURCE_ID", short: "Remove a resource from the registry",
		thing: "resource", callID: func(ctx context.Context, c *client.ClientWithResponses, id string) (response, error) {
			return c.DeleteResourceWithResponse(ctx, id)
		}, done: "Removed resource %s."})
}

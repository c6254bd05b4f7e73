package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// bindingCommand returns `keyward binding`: the role assignments of the
// organization or of one project, as one document (Oxide's shape).
func (a *app) bindingCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "binding",
		Aliases: []string{"bindings", "role-assignments"},
		Short:   "Show or replace the role assignments of the organization or a project",
		Long: `Show or replace the role assignments of the organization (--org, they
apply in every project) or of one project (--project). Roles are the built-in
ones (Admin, Operator, Viewer; Oxide's admin, collaborator,
limited_collaborator, viewer) or your assignable roles, by name.`,
	}
	return group(cmd, a.bindingGetCommand(), a.bindingSetCommand())
}

// scopeFlags name the scope of a role-assignments document.
type scopeFlags struct{ org, project string }

func (f *scopeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.org, "org", "", "the organization's ID: its own assignments")
	cmd.Flags().StringVar(&f.project, "project", "", "a project's ID: its own assignments")
}

func (f *scopeFlags) ids() (org, project uuid.UUID, err error) {
	switch {
	case (f.org == "") == (f.project == ""):
		return org, project, errors.New("pass exactly one of --org and --project")
	case f.org != "":
		org, err = parseID("organization", f.org)
	default:
		project, err = parseID("project", f.project)
	}
	return org, project, err
}

func (a *app) printAssignments(raw []byte, d *client.RoleAssignments, etag string) error {
	if a.structured() {
		return a.writeData(raw)
	}
	rows := make([][]string, len(d.RoleAssignments))
	for i, r := range d.RoleAssignments {
		rows[i] = []string{r.IdentityType, r.IdentityID.String(), r.RoleName}
	}
	if err := a.printList(nil, []string{"TYPE", "IDENTITY", "ROLE"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "ETag: %s (pass it to binding set --if-match)\n", etag)
	return nil
}

func (a *app) bindingGetCommand() *cobra.Command {
	var sf scopeFlags
	cmd := &cobra.Command{
		Use:   "get (--org ORG_ID | --project PROJECT_ID)",
		Short: "Show the role assignments of the organization or a project",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			org, project, err := sf.ids()
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			if sf.org != "" {
				resp, err := c.GetOrganizationRoleAssignmentsWithResponse(cmd.Context(), org)
				if err := check(resp, err, http.StatusOK); err != nil {
					return err
				}
				return a.printAssignments(resp.Body, resp.JSON200, resp.HTTPResponse.Header.Get("ETag"))
			}
			resp, err := c.GetProjectRoleAssignmentsWithResponse(cmd.Context(), project)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printAssignments(resp.Body, resp.JSON200, resp.HTTPResponse.Header.Get("ETag"))
		},
	}
	sf.add(cmd)
	return cmd
}

// parseAssignment reads TYPE:ID=ROLE, e.g. user:0193…=Viewer.
func parseAssignment(s string) (client.RoleAssignment, error) {
	who, role, ok := strings.Cut(s, "=")
	typ, id, ok2 := strings.Cut(who, ":")
	if !ok || !ok2 || role == "" {
		return client.RoleAssignment{}, fmt.Errorf("invalid --assign %q: want user:ID=ROLE or group:ID=ROLE", s)
	}
	uid, err := parseID(typ, id)
	if err != nil {
		return client.RoleAssignment{}, err
	}
	return client.RoleAssignment{IdentityType: typ, IdentityID: uid, RoleName: role}, nil
}

func (a *app) bindingSetCommand() *cobra.Command {
	var sf scopeFlags
	var assign []string
	var file, ifMatch string
	cmd := &cobra.Command{
		Use:   "set (--org ORG_ID | --project PROJECT_ID) [--assign TYPE:ID=ROLE]... [--file DOC.json] [--if-match ETAG]",
		Short: "Replace the role assignments of the organization or a project",
		Long: `Replace the whole list of role assignments of the scope: those given with
--assign (none removes every assignment), or the document in --file ("-" for
stdin), {"role_assignments": [{"identity_id", "identity_type", "role_name"}]}.
--if-match makes the change only if nobody changed the list since you read it.`,
		Example: `  keyward binding set --project 0193… --assign user:0193…=collaborator --assign group:0193…=viewer`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			org, project, err := sf.ids()
			if err != nil {
				return err
			}
			var doc client.RoleAssignments
			switch {
			case file != "" && len(assign) > 0:
				return errors.New("pass --assign or --file, not both")
			case file != "":
				var b []byte
				if file == "-" {
					b, err = io.ReadAll(io.LimitReader(a.stdin, 1<<20))
				} else {
					b, err = os.ReadFile(file)
				}
				if err != nil {
					return err
				}
				if err := json.Unmarshal(b, &doc); err != nil {
					return fmt.Errorf("%s: %v", file, err)
				}
			default:
				doc.RoleAssignments = []client.RoleAssignment{}
				for _, s := range assign {
					ra, err := parseAssignment(s)
					if err != nil {
						return err
					}
					doc.RoleAssignments = append(doc.RoleAssignments, ra)
				}
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			var match *string
			if ifMatch != "" {
				match = &ifMatch
			}
			if sf.org != "" {
				resp, err := c.PutOrganizationRoleAssignmentsWithResponse(cmd.Context(), org, &client.PutOrganizationRoleAssignmentsParams{IfMatch: match}, doc)
				if err := check(resp, err, http.StatusOK); err != nil {
					return err
				}
				return a.printAssignments(resp.Body, resp.JSON200, resp.HTTPResponse.Header.Get("ETag"))
			}
			resp, err := c.PutProjectRoleAssignmentsWithResponse(cmd.Context(), project, &client.PutProjectRoleAssignmentsParams{IfMatch: match}, doc)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printAssignments(resp.Body, resp.JSON200, resp.HTTPResponse.Header.Get("ETag"))
		},
	}
	sf.add(cmd)
	cmd.Flags().StringArrayVar(&assign, "assign", nil, "an assignment, TYPE:ID=ROLE with TYPE user or group; repeat")
	cmd.Flags().StringVar(&file, "file", "", `a role-assignments document, or "-" for stdin`)
	cmd.Flags().StringVar(&ifMatch, "if-match", "", "the ETag of the list you read; refused if it changed since")
	return cmd
}

// overrideCommand returns `keyward override`: members' permissions inside
// one project.
func (a *app) overrideCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "override",
		Aliases: []string{"overrides"},
		Short:   "Show, set or remove a member's override on a project",
		Long: `An override is a grid of permissions for one member in one project: inside
the project it replaces what the member's roles give (it may narrow them).
Remove it to go back to the member's roles.`,
	}
	return group(cmd, a.overrideGetCommand(), a.overrideSetCommand(), a.overrideDeleteCommand())
}

func (a *app) printOverride(raw []byte, o *client.Override) error {
	return a.printObject(raw, []field{
		{"project_id", o.ProjectID.String()}, {"user_id", o.UserID.String()}, {"grid", formatGrid(&o.Grid)},
		{"date_updated", formatTime(o.DateUpdated)},
	})
}

// overrideArgs reads PROJECT_ID USER_ID.
func overrideArgs(args []string) (uuid.UUID, uuid.UUID, error) {
	p, err := parseID("project", args[0])
	if err != nil {
		return p, p, err
	}
	u, err := parseID("user", args[1])
	return p, u, err
}

// clientForOverride returns a client and the IDs of PROJECT_ID USER_ID.
func (a *app) clientForOverride(args []string) (*client.ClientWithResponses, uuid.UUID, uuid.UUID, error) {
	p, u, err := overrideArgs(args)
	if err != nil {
		return nil, p, u, err
	}
	c, err := a.client()
	return c, p, u, err
}

func (a *app) overrideGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get PROJECT_ID USER_ID",
		Short: "Show a member's override on a project",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, p, u, err := a.clientForOverride(args)
			if err != nil {
				return err
			}
			resp, err := c.GetOverrideWithResponse(cmd.Context(), p, u)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			raw, err := member(resp.Body, "override")
			if err != nil {
				return err
			}
			return a.printOverride(raw, &resp.JSON200.Override)
		},
	}
}

func (a *app) overrideSetCommand() *cobra.Command {
	var grid []string
	cmd := &cobra.Command{
		Use:     "set PROJECT_ID USER_ID --grid GROUP=LEVELS...",
		Short:   "Set a member's override on a project",
		Example: `  keyward override set 0193… 0193… --grid compute_instances=view --grid vpcs=view`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, u, err := overrideArgs(args)
			if err != nil {
				return err
			}
			g, err := parseGrid(grid)
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.PutOverrideWithResponse(cmd.Context(), p, u, client.OverrideReq{Grid: g})
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			raw, err := member(resp.Body, "override")
			if err != nil {
				return err
			}
			return a.printOverride(raw, &resp.JSON200.Override)
		},
	}
	cmd.Flags().StringArrayVar(&grid, "grid", nil, gridUsage)
	return cmd
}

func (a *app) overrideDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "delete PROJECT_ID USER_ID",
		Short: "Remove a member's override on a project",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, p, u, err := a.clientForOverride(args)
			if err != nil {
				return err
			}
			resp, err := c.DeleteOverrideWithResponse(cmd.Context(), p, u)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Removed the override of user %s on project %s.", u, p)
			return nil
		},
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
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
		Short:   "Show or change the role assignments of the organization or a project",
		Long: `Show or change the role assignments of the organization (--org, they
apply in every project) or of one project (--project). Roles are the built-in
ones (Admin, Operator, Viewer; Oxide's admin, collaborator,
limited_collaborator, viewer) or your assignable roles, by name. "add" and
"remove" change one assignment and keep the others; "set" replaces the list.`,
	}
	return group(cmd, a.bindingGetCommand(), a.bindingAddCommand(), a.bindingRemoveCommand(), a.bindingSetCommand())
}

// scopeFlags name the scope of a role-assignments document.
type scopeFlags struct{ org, project string }

func (f *scopeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.org, "org", "", "the organization's ID: its own assignments")
	cmd.Flags().StringVar(&f.project, "project", "", "a project's ID: its own assignments")
}

// scope is the role-assignments document of the organization or of one
// project, read and written through the API.
type scope struct {
	c       *client.ClientWithResponses
	org     bool
	id      uuid.UUID
	printTo *app
}

// scope checks the flags (exactly one of --org and --project) and
// returns the document they name.
func (a *app) scope(f *scopeFlags) (*scope, error) {
	sc := &scope{org: f.org != "", printTo: a}
	var err error
	switch {
	case (f.org == "") == (f.project == ""):
		return nil, errors.New("pass exactly one of --org and --project")
	case sc.org:
		sc.id, err = parseID("organization", f.org)
	default:
		sc.id, err = parseID("project", f.project)
	}
	if err != nil {
		return nil, err
	}
	sc.c, err = a.client()
	return sc, err
}

// get returns the document, its body and its ETag.
func (sc *scope) get(ctx context.Context) (*client.RoleAssignments, []byte, string, error) {
	if sc.org {
		resp, err := sc.c.GetOrganizationRoleAssignmentsWithResponse(ctx, sc.id)
		if err := check(resp, err, http.StatusOK); err != nil {
			return nil, nil, "", err
		}
		return resp.JSON200, resp.Body, resp.HTTPResponse.Header.Get("ETag"), nil
	}
	resp, err := sc.c.GetProjectRoleAssignmentsWithResponse(ctx, sc.id)
	if err := check(resp, err, http.StatusOK); err != nil {
		return nil, nil, "", err
	}
	return resp.JSON200, resp.Body, resp.HTTPResponse.Header.Get("ETag"), nil
}

// put replaces the document with doc if its ETag is still ifMatch (any,
// when ""), and prints the result.
func (sc *scope) put(ctx context.Context, doc client.RoleAssignments, ifMatch string) error {
	var match *string
	if ifMatch != "" {
		match = &ifMatch
	}
	if sc.org {
		resp, err := sc.c.PutOrganizationRoleAssignmentsWithResponse(ctx, sc.id, &client.PutOrganizationRoleAssignmentsParams{IfMatch: match}, doc)
		if err := check(resp, err, http.StatusOK); err != nil {
			return err
		}
		return sc.printTo.printAssignments(resp.Body, resp.JSON200, resp.HTTPResponse.Header.Get("ETag"))
	}
	resp, err := sc.c.PutProjectRoleAssignmentsWithResponse(ctx, sc.id, &client.PutProjectRoleAssignmentsParams{IfMatch: match}, doc)
	if err := check(resp, err, http.StatusOK); err != nil {
		return err
	}
	return sc.printTo.printAssignments(resp.Body, resp.JSON200, resp.HTTPResponse.Header.Get("ETag"))
}

// change reads the document, applies edit to its list and writes it back
// only if nobody changed it in between (If-Match with the ETag read).
func (sc *scope) change(ctx context.Context, edit func([]client.RoleAssignment) ([]client.RoleAssignment, error)) error {
	doc, _, etag, err := sc.get(ctx)
	if err != nil {
		return err
	}
	list, err := edit(slices.Clone(doc.RoleAssignments))
	if err != nil {
		return err
	}
	return sc.put(ctx, client.RoleAssignments{RoleAssignments: list}, etag)
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
			sc, err := a.scope(&sf)
			if err != nil {
				return err
			}
			doc, body, etag, err := sc.get(cmd.Context())
			if err != nil {
				return err
			}
			return a.printAssignments(body, doc, etag)
		},
	}
	sf.add(cmd)
	return cmd
}

// parseAssignment reads TYPE:ID=ROLE, e.g. user:0193…=Viewer.
func parseAssignment(s string) (client.RoleAssignment, error) {
	ra, err := parseIdentityRole(s)
	if err == nil && ra.RoleName == "" {
		err = fmt.Errorf("invalid assignment %q: want user:ID=ROLE or group:ID=ROLE", s)
	}
	return ra, err
}

// parseIdentityRole reads TYPE:ID or TYPE:ID=ROLE (RoleName "" if none).
func parseIdentityRole(s string) (client.RoleAssignment, error) {
	who, role, hasRole := strings.Cut(s, "=")
	typ, id, ok := strings.Cut(who, ":")
	if !ok || hasRole && role == "" {
		return client.RoleAssignment{}, fmt.Errorf("invalid assignment %q: want user:ID[=ROLE] or group:ID[=ROLE]", s)
	}
	uid, err := parseID(typ, id)
	if err != nil {
		return client.RoleAssignment{}, err
	}
	return client.RoleAssignment{IdentityType: typ, IdentityID: uid, RoleName: role}, nil
}

// sameAssignment compares what an assignment says; role names are
// case-insensitive, as the server reads them.
func sameAssignment(x, y client.RoleAssignment) bool {
	return x.IdentityType == y.IdentityType && x.IdentityID == y.IdentityID && strings.EqualFold(x.RoleName, y.RoleName)
}

func (a *app) bindingAddCommand() *cobra.Command {
	var sf scopeFlags
	cmd := &cobra.Command{
		Use:     "add (--org ORG_ID | --project PROJECT_ID) TYPE:ID=ROLE...",
		Short:   "Add role assignments, keeping the others",
		Example: `  keyward binding add --project 0193… user:0193…=Viewer`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var add []client.RoleAssignment
			for _, s := range args {
				ra, err := parseAssignment(s)
				if err != nil {
					return err
				}
				add = append(add, ra)
			}
			sc, err := a.scope(&sf)
			if err != nil {
				return err
			}
			return sc.change(cmd.Context(), func(list []client.RoleAssignment) ([]client.RoleAssignment, error) {
				for _, ra := range add {
					if !slices.ContainsFunc(list, func(x client.RoleAssignment) bool { return sameAssignment(x, ra) }) {
						list = append(list, ra)
					}
				}
				return list, nil
			})
		},
	}
	sf.add(cmd)
	return cmd
}

func (a *app) bindingRemoveCommand() *cobra.Command {
	var sf scopeFlags
	cmd := &cobra.Command{
		Use:   "remove (--org ORG_ID | --project PROJECT_ID) TYPE:ID[=ROLE]...",
		Short: "Remove role assignments, keeping the others",
		Long: `Remove the assignments of an identity (TYPE:ID, every role it has here) or
one of them (TYPE:ID=ROLE). Naming one that does not exist is an error and
changes nothing.`,
		Example: `  keyward binding remove --project 0193… user:0193…`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := a.scope(&sf)
			if err != nil {
				return err
			}
			return sc.change(cmd.Context(), func(list []client.RoleAssignment) ([]client.RoleAssignment, error) {
				for _, s := range args {
					ra, err := parseIdentityRole(s)
					if err != nil {
						return nil, err
					}
					n := len(list)
					list = slices.DeleteFunc(list, func(x client.RoleAssignment) bool {
						return x.IdentityType == ra.IdentityType && x.IdentityID == ra.IdentityID && (ra.RoleName == "" || strings.EqualFold(x.RoleName, ra.RoleName))
					})
					if len(list) == n {
						return nil, fmt.Errorf("%s has no such assignment here", s)
					}
				}
				return list, nil
			})
		},
	}
	sf.add(cmd)
	return cmd
}

func (a *app) bindingSetCommand() *cobra.Command {
	var sf scopeFlags
	var assign []string
	var file, ifMatch string
	var replace bool
	cmd := &cobra.Command{
		Use:   "set (--org ORG_ID | --project PROJECT_ID) [--assign TYPE:ID=ROLE]... [--file DOC.json] [--replace] [--if-match ETAG]",
		Short: "Replace the role assignments of the organization or a project",
		Long: `Replace the whole list of role assignments of the scope: those given with
--assign, or the document in --file ("-" for stdin),
{"role_assignments": [{"identity_id", "identity_type", "role_name"}]}.
A change that would remove assignments is refused, listing them, unless
--replace is given (to add or remove one, use "binding add" or "binding
remove"). --if-match makes the change only if nobody changed the list
since you read it; without it, only if nobody did since this command read it.`,
		Example: `  keyward binding set --project 0193… --assign user:0193…=collaborator --assign group:0193…=viewer --replace`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var doc client.RoleAssignments
			var err error
			switch {
			case file != "" && len(assign) > 0:
				return errors.New("pass --assign or --file, not both")
			case file != "":
				if err := readJSONFile(a, "--file", file, &doc); err != nil {
					return err
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
			sc, err := a.scope(&sf)
			if err != nil {
				return err
			}
			cur, _, etag, err := sc.get(cmd.Context())
			if err != nil {
				return err
			}
			var gone []string
			for _, x := range cur.RoleAssignments {
				if !slices.ContainsFunc(doc.RoleAssignments, func(y client.RoleAssignment) bool { return sameAssignment(x, y) }) {
					gone = append(gone, fmt.Sprintf("%s:%s=%s", x.IdentityType, x.IdentityID, x.RoleName))
				}
			}
			if len(gone) > 0 && !replace {
				return fmt.Errorf("this would remove %d assignment(s): %s; pass --replace to replace the list, or use binding add",
					len(gone), strings.Join(gone, ", "))
			}
			if ifMatch == "" {
				ifMatch = etag
			}
			return sc.put(cmd.Context(), doc, ifMatch)
		},
	}
	sf.add(cmd)
	cmd.Flags().StringArrayVar(&assign, "assign", nil, "an assignment, TYPE:ID=ROLE with TYPE user or group; repeat")
	cmd.Flags().StringVar(&file, "file", "", `a role-assignments document, or "-" for stdin`)
	cmd.Flags().BoolVar(&replace, "replace", false, "allow the new list to leave out assignments the scope has now")
	cmd.Flags().StringVar(&ifMatch, "if-match", "", "the ETag of the list you read; refused if it changed since")
	return cmd
}

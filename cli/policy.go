package cli

import (
	"bytes"
	"context"
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

// policyCommand returns `keyward policy` and its subcommands.
func (a *app) policyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "policy",
		Aliases: []string{"policies"},
		Short:   "Manage policies and what they are attached to",
		Long: `Manage policies: managed ones, which ship with keyward and cannot be
changed, and your organization's custom ones. A policy attached to a user,
a group or a role grants (or denies) the actions its statements name. A user
argument takes a user ID, or "me" for yourself. See docs/policy.md for the
policy language.`,
	}
	cmd.AddCommand(a.linkCommands(policyLinks...)...)
	return group(cmd, a.policyListCommand(), a.policyGetCommand(), a.policyCreateCommand(), a.policyUpdateCommand(),
		a.policyDeleteCommand(), a.policyRestoreCommand(),
		a.policyUsersCommand(), a.policyGroupsCommand(), a.policyRolesCommand())
}

func (a *app) policyListCommand() *cobra.Command {
	var kind string
	var deleted bool
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list [--kind KIND] [--deleted]",
		Short: "List managed and custom policies",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Policy], error) {
				params := &client.ListPoliciesParams{PerPage: perPage, Cursor: cursor}
				if kind != "" {
					params.Kind = ptr(client.PolicyKind(kind))
				}
				if deleted {
					params.Deleted = ptr(true)
				}
				resp, err := c.ListPoliciesWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "policies", func() ([]client.Policy, string) { return resp.JSON200.Policies, resp.JSON200.Meta.Links.Next })
			}, a.printPolicies)
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only policies of this kind: managed or custom")
	cmd.Flags().BoolVar(&deleted, "deleted", false, "list the deleted custom policies, which can be restored, instead")
	pf.add(cmd)
	return cmd
}

func (a *app) policyGetCommand() *cobra.Command {
	return a.idCommand("get POLICY_ID", "Show a policy with its document", "policy", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetPolicyWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "policy", func(raw []byte) error {
			return a.printPolicy(&resp.JSON200.Policy, raw)
		})
	})
}

// documentFlags are --file and --document, the two ways to give a policy
// document.
type documentFlags struct {
	file, inline string
}

func (f *documentFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.file, "file", "", `read the policy document from this JSON file ("-" for standard input)`)
	cmd.Flags().StringVar(&f.inline, "document", "", "the policy document, as JSON")
	cmd.MarkFlagsMutuallyExclusive("file", "document")
}

// maxDocumentBytes bounds what --file reads: the API's request limit.
const maxDocumentBytes = 1 << 20

// read returns the document given, or nil when neither flag is set. It
// checks only that the document is a JSON object; the server validates it
// and names what is wrong.
func (f *documentFlags) read(stdin io.Reader) (json.RawMessage, error) {
	var b []byte
	var from string
	switch {
	case f.inline != "":
		b, from = []byte(f.inline), "--document"
	case f.file == "-":
		if stdin == nil {
			return nil, errors.New("--file -: no standard input")
		}
		var err error
		if b, err = io.ReadAll(io.LimitReader(stdin, maxDocumentBytes+1)); err != nil {
			return nil, fmt.Errorf("--file -: %w", err)
		}
		from = "standard input"
	case f.file != "":
		fh, err := os.Open(f.file)
		if err != nil {
			return nil, fmt.Errorf("--file: %w", err)
		}
		defer fh.Close()
		if b, err = io.ReadAll(io.LimitReader(fh, maxDocumentBytes+1)); err != nil {
			return nil, fmt.Errorf("--file: %w", err)
		}
		from = f.file
	default:
		return nil, nil
	}
	if len(b) > maxDocumentBytes {
		return nil, fmt.Errorf("the policy document in %s is over %d bytes", from, maxDocumentBytes)
	}
	b = bytes.TrimSpace(b)
	if !json.Valid(b) || len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("the policy document in %s is not a JSON object", from)
	}
	return b, nil
}

func (a *app) policyCreateCommand() *cobra.Command {
	var name, description string
	var df documentFlags
	cmd := &cobra.Command{
		Use:   "create --name NAME [--description TEXT] (--file FILE | --document JSON)",
		Short: "Create a custom policy",
		Long: `Create a custom policy from a policy document, read from a file (--file,
"-" for standard input) or given inline (--document). The server checks the
document and names the statement and key of any mistake.`,
		Example: `  keyward policy create --name vm-operator --file vm-operator.json
  keyward policy create --name read-all --document '{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*.*.Read","Resource":"*"}]}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			doc, err := df.read(a.stdin)
			if err != nil {
				return err
			}
			if doc == nil {
				return errors.New("no policy document: pass --file or --document")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			req := client.PolicyReq{Name: name, Description: &description, PolicyDocument: &doc}
			resp, err := c.CreatePolicyWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printPolicy(resp.JSON201, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the policy's name, unique in the organization (required)")
	cmd.Flags().StringVar(&description, "description", "", "what the policy is for")
	df.add(cmd)
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) policyUpdateCommand() *cobra.Command {
	var name, description, ifMatch string
	var df documentFlags
	cmd := &cobra.Command{
		Use:   "update POLICY_ID [--name NAME] [--description TEXT] [--file FILE | --document JSON] [--if-match VERSION]",
		Short: "Change a custom policy",
		Long: `Change a custom policy. Only the flags given change anything: the command
reads the policy first and sends the current values of those you leave out.

The update is conditional: it applies only if the policy is still at the
version read (or at --if-match, when given), and fails with status 412 if
someone changed it in between. Managed policies cannot be changed.`,
		Example: `  keyward policy update 0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7 --file vm-operator.json --if-match 3`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("policy", args[0])
			if err != nil {
				return err
			}
			doc, err := df.read(a.stdin)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if !f.Changed("name") && !f.Changed("description") && doc == nil {
				return errors.New("nothing to change: pass --name, --description, --file or --document")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			cur, err := c.GetPolicyWithResponse(cmd.Context(), id)
			if err := check(cur, err, http.StatusOK); err != nil {
				return err
			}
			p := cur.JSON200.Policy
			// A nil document keeps the current one.
			req := client.PolicyReq{Name: p.Name, Description: &p.Description}
			if doc != nil {
				req.PolicyDocument = &doc
			}
			if f.Changed("name") {
				req.Name = name
			}
			if f.Changed("description") {
				req.Description = &description
			}
			params := &client.UpdatePolicyParams{IfMatch: ptr(etag(ifMatch, p.Version))}
			resp, err := c.UpdatePolicyWithResponse(cmd.Context(), id, params, req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printPolicy(resp.JSON200, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new name")
	cmd.Flags().StringVar(&description, "description", "", "the new description")
	cmd.Flags().StringVar(&ifMatch, "if-match", "", "update only if the policy is at this version (default: the version just read)")
	df.add(cmd)
	return cmd
}

func (a *app) policyDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete POLICY_ID", short: "Delete a custom policy (it can be restored)",
		long: `Delete a custom policy. It stops granting at once. Its attachments are kept,
so that "keyward policy restore" brings it back as it was.`,
		thing: "policy", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeletePolicyWithResponse(ctx, id)
		}, done: "Deleted policy %s."})
}

func (a *app) policyRestoreCommand() *cobra.Command {
	return restoreCommand(a, "policy", "Restore a deleted custom policy with its attachments",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.RestorePolicyResponse, error) {
			return c.RestorePolicyWithResponse(ctx, id)
		}, func(resp *client.RestorePolicyResponse) error { return a.printPolicy(resp.JSON200, resp.Body) })
}

func (a *app) policyUsersCommand() *cobra.Command {
	return listInCommand(a, "users POLICY_ID", "List the users a policy is attached to directly", "policy",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.OrganizationUser], error) {
			resp, err := c.ListPolicyUsersWithResponse(ctx, id, &client.ListPolicyUsersParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "users", func() ([]client.OrganizationUser, string) { return resp.JSON200.Users, resp.JSON200.Meta.Links.Next })
		}, func(raw []json.RawMessage, users []client.OrganizationUser) error {
			return a.printOrgUsers(raw, users, "ATTACHED")
		})
}

func (a *app) policyGroupsCommand() *cobra.Command {
	return listInCommand(a, "groups POLICY_ID", "List the groups a policy is attached to", "policy",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.Group], error) {
			resp, err := c.ListPolicyGroupsWithResponse(ctx, id, &client.ListPolicyGroupsParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "groups", func() ([]client.Group, string) { return resp.JSON200.Groups, resp.JSON200.Meta.Links.Next })
		}, a.printGroups)
}

func (a *app) policyRolesCommand() *cobra.Command {
	return listInCommand(a, "roles POLICY_ID", "List the roles a policy is attached to", "policy",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.Role], error) {
			resp, err := c.ListPolicyRolesWithResponse(ctx, id, &client.ListPolicyRolesParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "roles", func() ([]client.Role, string) { return resp.JSON200.Roles, resp.JSON200.Meta.Links.Next })
		}, a.printRoles)
}

// policyLinks are the commands that attach a policy and detach it.
var policyLinks = []link{
	{use: "attach-user POLICY_ID USER_ID", short: "Attach a policy to a user or service user", thing: "policy", target: "user",
		call: linkCall((*client.ClientWithResponses).AttachPolicyUserWithResponse), done: "Attached policy %s to user %s."},
	{use: "detach-user POLICY_ID USER_ID", short: "Detach a policy from a user", thing: "policy", target: "user",
		call: linkCall((*client.ClientWithResponses).DetachPolicyUserWithResponse), done: "Detached policy %s from user %s."},
	{use: "attach-group POLICY_ID GROUP_ID", short: "Attach a policy to a group", thing: "policy", target: "group",
		call: linkCall((*client.ClientWithResponses).AttachPolicyGroupWithResponse), done: "Attached policy %s to group %s."},
	{use: "detach-group POLICY_ID GROUP_ID", short: "Detach a policy from a group", thing: "policy", target: "group",
		call: linkCall((*client.ClientWithResponses).DetachPolicyGroupWithResponse), done: "Detached policy %s from group %s."},
}

// etag returns the If-Match value for --if-match flag, or for version when
// the flag is empty: a quoted entity tag, or "*" as given.
func etag(flag, version string) string {
	switch flag {
	case "":
		flag = version
	case "*":
		return flag
	}
	return `"` + strings.Trim(flag, `"`) + `"`
}

// policyKind names a policy's kind for a table.
func policyKind(p *client.Policy) string {
	if p.IsSystemPolicy {
		return "managed"
	}
	return "custom"
}

// printPolicy prints a policy; raw is the bare object as sent. The table
// shows the document compacted on one line.
func (a *app) printPolicy(p *client.Policy, raw []byte) error {
	var doc bytes.Buffer
	if err := json.Compact(&doc, p.PolicyDocument); err != nil && len(p.PolicyDocument) > 0 {
		return fmt.Errorf("server sent an invalid policy_document: %w", err)
	}
	return a.printObject(raw, []field{
		{"id", p.ID.String()},
		{"name", p.Name},
		{"description", p.Description},
		{"kind", policyKind(p)},
		{"version", p.Version},
		{"date_created", p.DateCreated},
		{"date_deleted", deref(p.DateDeleted)},
		{"policy_document", doc.String()},
	})
}

// printPolicies prints a list of policies.
func (a *app) printPolicies(raw []json.RawMessage, policies []client.Policy) error {
	rows := make([][]string, len(policies))
	for i := range policies {
		p := &policies[i]
		rows[i] = []string{p.ID.String(), p.Name, policyKind(p), p.Version, p.DateCreated}
	}
	return a.printList(raw, []string{"ID", "NAME", "KIND", "VERSION", "CREATED"}, rows)
}

// printPolicySets prints a user's or group's view of its policies: one
// row per policy of "all", with the ways it comes (VIA).
func (a *app) printPolicySets(v sets[client.Policy]) error {
	via := v.via(func(p client.Policy) string { return p.ID.String() }, func(list string, p client.Policy) string {
		if p.Source == nil && p.FromRole != nil && *p.FromRole != "" {
			return "role:" + *p.FromRole
		}
		return orElse(deref(p.Source), list)
	})
	rows := make([][]string, len(v.lists["all"]))
	for i := range v.lists["all"] {
		p := &v.lists["all"][i]
		rows[i] = []string{p.ID.String(), p.Name, policyKind(p), via[p.ID.String()]}
	}
	return a.printSets(v.raw, []string{"ID", "NAME", "KIND", "VIA"}, rows)
}

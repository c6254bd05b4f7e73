package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// checkFlags are the request of `keyward authorize` and `keyward who-can`.
type checkFlags struct {
	action, resource, typ, project, org, sourceIP, at string
	mfa                                               string // "", "true" or "false"
	minRevision                                       int64
}

func (f *checkFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.action, "action", "", "catalog action, e.g. compute.instance.Create (required)")
	fl.StringVar(&f.resource, "resource", "", "the resource's ID: a UUID or the provider's own id, such as widget-42")
	fl.StringVar(&f.typ, "type", "", "the resource's type, e.g. myapp.widget (default: its registered type, else the action's)")
	fl.StringVar(&f.project, "project", "", "the ID of the resource's project")
	fl.StringVar(&f.org, "org-of-resource", "", "the ID of the organization the resource belongs to (another than the principal's is denied)")
	fl.StringVar(&f.sourceIP, "source-ip", "", "the address the request came from (keyward:SourceIp)")
	fl.StringVar(&f.at, "time", "", "the time of the request, RFC 3339 (default now)")
	fl.StringVar(&f.mfa, "mfa", "", "whether the request used multi-factor authentication: true or false")
	fl.Int64Var(&f.minRevision, "min-revision", 0, "answer on a snapshot at least this recent (a write's X-Keyward-Revision)")
	_ = cmd.MarkFlagRequired("action")
}

// req builds the API request; principal is nil for the caller itself.
func (f *checkFlags) req(principal *uuid.UUID) (client.AuthorizeReq, error) {
	r := client.AuthorizeReq{Action: f.action, PrincipalID: principal}
	if f.resource != "" || f.typ != "" || f.project != "" || f.org != "" {
		r.Resource = &struct {
			ID             *string    `json:"id,omitempty"`
			OrganizationID *uuid.UUID `json:"organization_id,omitempty"`
			ProjectID      *uuid.UUID `json:"project_id,omitempty"`
			Type           *string    `json:"type,omitempty"`
		}{}
		if f.resource != "" {
			r.Resource.ID = &f.resource
		}
		if f.typ != "" {
			r.Resource.Type = &f.typ
		}
		for _, p := range []struct {
			thing, v string
			dst      **uuid.UUID
		}{{"project", f.project, &r.Resource.ProjectID}, {"org-of-resource", f.org, &r.Resource.OrganizationID}} {
			if p.v == "" {
				continue
			}
			id, err := parseID(p.thing, p.v)
			if err != nil {
				return r, err
			}
			*p.dst = &id
		}
	}
	if f.sourceIP != "" || f.at != "" || f.mfa != "" {
		r.Context = &struct {
			Mfa      *bool      `json:"mfa,omitempty"`
			SourceIP *string    `json:"source_ip,omitempty"`
			Time     *time.Time `json:"time,omitempty"`
		}{}
		if f.sourceIP != "" {
			r.Context.SourceIP = &f.sourceIP
		}
		if f.at != "" {
			t, err := time.Parse(time.RFC3339, f.at)
			if err != nil {
				return r, fmt.Errorf("invalid --time %q: want RFC 3339, e.g. 2026-11-23T12:00:00Z", f.at)
			}
			r.Context.Time = &t
		}
		switch f.mfa {
		case "":
		case "true", "false":
			r.Context.Mfa = ptr(f.mfa == "true")
		default:
			return r, fmt.Errorf("invalid --mfa %q: want true or false", f.mfa)
		}
	}
	if f.minRevision > 0 {
		r.MinRevision = &f.minRevision
	}
	return r, nil
}

// authorizeCommand returns `keyward authorize`.
func (a *app) authorizeCommand() *cobra.Command {
	var f checkFlags
	var principal string
	var verdictOnly bool
	cmd := &cobra.Command{
		Use:   "authorize --action ACTION [--principal USER_ID] [--resource ID] [--type TYPE] [--project ID] [--brief]",
		Short: "Ask whether a principal may perform an action, and why",
		Long: `Ask keyward's decision for one request, as the provider's services do on
every call: may the principal (you, without --principal) perform the action
on the resource? Prints allow or deny, the layer that decided and every
matching statement with the path its policy came through; --brief asks
for the verdict alone, as a service that acts on the decision only would.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			var who *uuid.UUID
			if principal != "" {
				id, err := a.idOf(cmd.Context(), c, "user", principal)
				if err != nil {
					return err
				}
				who = &id
			}
			req, err := f.req(who)
			if err != nil {
				return err
			}
			if verdictOnly {
				req.Explain = ptr(false)
			}
			resp, err := c.AuthorizeWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			v := resp.JSON200
			if err := a.printVerdict(resp.Body, v); err != nil {
				return err
			}
			if string(v.Decision) != "allow" {
				return ErrDenied
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&verdictOnly, "brief", false, "print the verdict alone, without the explanation (\"explain\": false)")
	cmd.Flags().StringVar(&principal, "principal", "", "the user or service user asked about, by ID, email or name (default: you)")
	cmd.AddCommand(a.authorizeBatchCommand())
	return cmd
}

// ErrDenied is what `keyward authorize` returns, after printing the
// verdict and its explanation, when the decision is deny: the command
// exits 1 without a further message, so scripts can write
// `if keyward authorize ...; then`.
var ErrDenied = errors.New("denied")

// printVerdict prints an authorize answer: its JSON body with -o json,
// else the decision, layer, reason and revision, and the statements.
func (a *app) printVerdict(body []byte, v *client.Verdict) error {
	if a.structured() {
		return a.writeData(body)
	}
	fields := []field{{"decision", string(v.Decision)}, {"principal_id", v.PrincipalID.String()}}
	if ex := v.Explanation; ex != nil {
		fields = append(fields, field{"layer", string(ex.Layer)}, field{"reason", ex.Reason})
	}
	if err := a.printObject(body, append(fields, field{"revision", fmt.Sprint(v.Revision)})); err != nil {
		return err
	}
	if v.Explanation == nil {
		return nil
	}
	return a.printStatements(v.Explanation.Statements)
}

// printStatements prints the statements of an explanation, after a blank
// line, if there are any.
func (a *app) printStatements(sts []client.StatementResult) error {
	if len(sts) == 0 {
		return nil
	}
	fmt.Fprintln(a.stdout)
	rows := make([][]string, len(sts))
	for i, s := range sts {
		stmt := fmt.Sprint(s.StatementIndex)
		if s.Sid != nil && *s.Sid != "" {
			stmt = *s.Sid
		}
		var failed []string
		if s.FailedConditions != nil {
			for _, c := range *s.FailedConditions {
				failed = append(failed, c.Operator+" "+c.Key)
			}
		}
		via := ""
		if s.Via != nil {
			via = *s.Via
		}
		rows[i] = []string{string(s.Effect), s.PolicyName, stmt, via, fmt.Sprint(s.Applied), strings.Join(failed, ", ")}
	}
	return a.printList(nil, []string{"EFFECT", "POLICY", "STATEMENT", "VIA", "APPLIED", "FAILED CONDITIONS"}, rows)
}

// whoCanCommand returns `keyward who-can`.
func (a *app) whoCanCommand() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "who-can --action ACTION [--resource ID] [--project ID]",
		Short: "List the members that may perform an action",
		Long: `List every member of your organization (users, service users and the root
owner) that may perform the action on the resource, with the paths of the
policies that grant it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.req(nil)
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.WhoCanWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			raw, err := members(resp.Body, "principals")
			if err != nil {
				return err
			}
			ps := resp.JSON200.Principals
			rows := make([][]string, len(ps))
			for i, p := range ps {
				rows[i] = []string{p.ID.String(), p.Name, p.Email, string(p.Kind), string(p.Layer), strings.Join(p.Via, "; ")}
			}
			return a.printList(raw, []string{"ID", "NAME", "EMAIL", "KIND", "LAYER", "VIA"}, rows)
		},
	}
	f.add(cmd)
	return cmd
}

// userAccessCommand returns `keyward user access`.
func (a *app) userAccessCommand() *cobra.Command {
	var minRevision int64
	cmd := &cobra.Command{
		Use:   "access USER_ID|me",
		Short: "Show a user's effective access",
		Long: `Show every policy that applies to a user or service user, with each path it
comes through, and what those policies allow and deny per resource.`,
		Args: exactArgs(1),
		RunE: a.viewRunE(func(cmd *cobra.Command, c *client.ClientWithResponses, uid *uuid.UUID) error {
			var rev *int64
			if minRevision > 0 {
				rev = &minRevision
			}
			body, acc, err := meOrUser[client.EffectiveAccessEnvelope](uid, func() (response, error) {
				return c.GetCurrentUserEffectiveAccessWithResponse(cmd.Context(), &client.GetCurrentUserEffectiveAccessParams{MinRevision: rev})
			}, func(id uuid.UUID) (response, error) {
				return c.GetUserEffectiveAccessWithResponse(cmd.Context(), id, &client.GetUserEffectiveAccessParams{MinRevision: rev})
			})
			if err != nil {
				return err
			}
			if a.structured() {
				var env struct {
					EffectiveAccess json.RawMessage `json:"effective_access"`
				}
				if err := json.Unmarshal(body, &env); err != nil {
					return err
				}
				return a.writeData(env.EffectiveAccess)
			}
			return a.printAccess(&acc.EffectiveAccess)
		}),
	}
	cmd.Flags().Int64Var(&minRevision, "min-revision", 0, "answer on a snapshot at least this recent")
	return cmd
}

func (a *app) printAccess(acc *client.EffectiveAccess) error {
	if err := a.printObject(nil, []field{{"user_id", acc.UserID.String()}, {"layer", string(acc.Layer)}, {"reason", acc.Reason}}); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout)
	prows := make([][]string, len(acc.Policies))
	for i, p := range acc.Policies {
		kind := "custom"
		if p.IsSystemPolicy {
			kind = "managed"
		}
		prows[i] = []string{p.ID, p.Name, kind, strings.Join(p.Via, "; ")}
	}
	if err := a.printList(nil, []string{"POLICY ID", "NAME", "KIND", "VIA"}, prows); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout)
	// One row per resource and service, the service's name said once: a
	// Viewer's access is a few hundred actions, unreadable in one cell.
	var srows [][]string
	for _, s := range acc.Scopes {
		allowed, denied := byService(s.Allowed), byService(s.Denied)
		cond := byService(append(prefixed("allow ", s.ConditionalAllowed), prefixed("deny ", s.ConditionalDenied)...))
		for _, svc := range serviceNames(allowed, denied, cond) {
			srows = append(srows, []string{s.Resource, svc, strings.Join(allowed[svc], ", "), strings.Join(denied[svc], ", "), strings.Join(cond[svc], ", ")})
		}
	}
	return a.printList(nil, []string{"RESOURCE", "SERVICE", "ALLOWED", "DENIED", "CONDITIONAL"}, srows)
}

// byService groups action patterns (each maybe after a prefix such as
// "allow ") by their service, the part before the first dot, keeping the
// prefix and the rest: "iam.user.List" → "iam": "user.List".
func byService(actions []string) map[string][]string {
	out := map[string][]string{}
	for _, a := range actions {
		prefix := ""
		if i := strings.LastIndexByte(a, ' '); i >= 0 {
			prefix, a = a[:i+1], a[i+1:]
		}
		svc, rest, ok := strings.Cut(a, ".")
		if !ok {
			svc, rest = a, a // "*"
		}
		out[svc] = append(out[svc], prefix+rest)
	}
	return out
}

// serviceNames is the sorted union of the maps' keys.
func serviceNames(ms ...map[string][]string) []string {
	var names []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	return names
}

func prefixed(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

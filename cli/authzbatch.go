package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// authorizeBatchCommand returns `keyward authorize batch`.
func (a *app) authorizeBatchCommand() *cobra.Command {
	var file string
	var verdictOnly bool
	cmd := &cobra.Command{
		Use:   "batch [--file FILE] [--brief] < checks.json",
		Short: "Ask for many decisions at once, answered at one revision",
		Long: `Ask keyward's decisions for up to 100 checks in one call, all answered at
one revision of the organization. The checks are JSON, as the API takes
them: an array of checks, or an object {"checks": [...]} (which may also
carry "min_revision"); each check is {"action", "principal_id",
"resource": {"id", "type", "project_id", "organization_id"}, "context"}.
Prints a row per check: its decision and the layer that decided. Exits 1
when any check is denied, so scripts can test that all are allowed.`,
		Example: `  echo '[{"action":"compute.instance.Create"},{"action":"iam.user.List"}]' | keyward authorize batch`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := readBatch(a, file)
			if err != nil {
				return err
			}
			if verdictOnly {
				req.Explain = ptr(false)
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.AuthorizeBatchWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			rows := make([][]string, len(resp.JSON200.Results))
			denied := false
			for i, v := range resp.JSON200.Results {
				layer := ""
				if v.Explanation != nil {
					layer = string(v.Explanation.Layer)
				}
				rows[i] = []string{fmt.Sprint(i), v.PrincipalID.String(), req.Checks[i].Action, string(v.Decision), layer}
				denied = denied || !v.Allowed
			}
			if a.structured() {
				err = a.writeData(resp.Body)
			} else {
				err = a.printList(nil, []string{"#", "PRINCIPAL", "ACTION", "DECISION", "LAYER"}, rows)
			}
			if err == nil && denied {
				return ErrDenied
			}
			return err
		},
	}
	cmd.Flags().StringVar(&file, "file", "-", "the file of checks (-: standard input)")
	cmd.Flags().BoolVar(&verdictOnly, "brief", false, "answer each check with its verdict alone (\"explain\": false)")
	return cmd
}

// readBatch reads the checks of `keyward authorize batch` from name ("-":
// standard input): an array of checks, or the API's request object.
func readBatch(a *app, name string) (client.AuthorizeBatchReq, error) {
	var req client.AuthorizeBatchReq
	b, err := readFileOrStdin(a, name)
	if err != nil {
		return req, fmt.Errorf("--file: %w", err)
	}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return req, fmt.Errorf("--file %s: no checks", name)
	case b[0] == '[':
		err = json.Unmarshal(b, &req.Checks)
	default:
		err = json.Unmarshal(b, &req)
	}
	if err != nil {
		return req, fmt.Errorf("--file %s: the checks are not JSON: %w", name, err)
	}
	if len(req.Checks) == 0 {
		return req, fmt.Errorf("--file %s: no checks", name)
	}
	return req, nil
}

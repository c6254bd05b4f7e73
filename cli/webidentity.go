package cli

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// webIdentityFlags are the flags of `keyward assume` that exchange an
// external OIDC token for a session instead of using a keyward key.
type webIdentityFlags struct {
	tokenFile string
	org       string
}

func (f *webIdentityFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.tokenFile, "web-identity-token-file", "",
		`assume with the OIDC token (JWT) in this file, "-" for stdin, instead of a keyward key (needs --organization)`)
	cmd.Flags().StringVar(&f.org, "organization", "", "the role's organization ID, for --web-identity-token-file (default $KEYWARD_ORGANIZATION)")
}

// set reports whether the web identity mode was asked for.
func (f *webIdentityFlags) set() bool { return f.tokenFile != "" }

// assumeWithWebIdentity runs `keyward assume --web-identity-token-file`:
// it reads the token, exchanges it for a session of role and prints the
// session, whose token is the credential to use next.
func (a *app) assumeWithWebIdentity(cmd *cobra.Command, f *webIdentityFlags, role, name string, duration int) error {
	roleID, err := parseID("role", role)
	if err != nil {
		return err
	}
	org := f.org
	if org == "" {
		org = a.getenv("KEYWARD_ORGANIZATION")
	}
	if org == "" {
		return fmt.Errorf("--web-identity-token-file needs --organization (or $KEYWARD_ORGANIZATION): the token carries no keyward organization")
	}
	orgID, err := parseID("organization", org)
	if err != nil {
		return err
	}
	raw, err := readFileOrStdin(a, f.tokenFile)
	if err != nil {
		return fmt.Errorf("read the web identity token: %w", err)
	}
	token := strings.TrimSpace(string(raw))
	if token == "" {
		return fmt.Errorf("the web identity token file %s is empty", f.tokenFile)
	}
	c, err := a.publicClient()
	if err != nil {
		return err
	}
	req := client.WebIdentityReq{OrganizationID: orgID, RoleID: roleID, WebIdentityToken: token}
	if name != "" {
		req.SessionName = &name
	}
	if duration != 0 {
		req.Duration = &duration
	}
	resp, err := c.AssumeRoleWithWebIdentityWithResponse(cmd.Context(), req)
	if err := check(resp, err, http.StatusCreated); err != nil {
		return err
	}
	return a.printNewSession(resp.JSON201, resp.Body)
}

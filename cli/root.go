// Package cli is keyward's command-line client: the cobra commands behind
// `keyward org`, `user`, `group`, `role`, `policy`, `token`, `audit`,
// `catalog`, `authorize`, `who-can` and `whoami`, one or more per API
// operation. It talks to a server only through the generated client in
// api/client, as any other API client would, and imports no other keyward
// package. cmd/keyward adds the `server` command and executes the root.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// DefaultURL is the server the commands talk to when neither --url nor
// KEYWARD_URL is set.
const DefaultURL = "http://127.0.0.1:8080"

// requestTimeout bounds each HTTP request the commands make.
const requestTimeout = 30 * time.Second

// errNoToken is returned by every command that calls the API when no key is
// configured.
var errNoToken = errors.New("no API key: set KEYWARD_TOKEN or pass --token")

// app holds what every command shares: the process's environment and
// streams, and the global flags.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	url    string // --url; "" means KEYWARD_URL, then DefaultURL
	token  string // --token; "" means KEYWARD_TOKEN
	output string // --output: "table" or "json"
	org    string // --org; "" means KEYWARD_ORG, then the key's own organization
}

// NewRoot returns the `keyward` root command with every client subcommand.
// Commands read the environment through getenv and use the given streams
// only. The root prints a failing command's error to stderr as
// "Error: <message>" (an API error reads
// "<message> (status N, code C, field F)") and Execute returns it, so the
// caller only has to choose the exit code.
func NewRoot(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "keyward",
		Short: "keyward is a multi-tenant IAM server; these commands are its API client",
		Long: `keyward is a multi-tenant IAM server. Apart from "keyward server", every
command is a client of its REST API.

The server and the API key come from --url and --token, or else from the
KEYWARD_URL and KEYWARD_TOKEN environment variables. Prefer the variable for
the key: a flag shows in the process list.`,
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())
	})

	pf := root.PersistentFlags()
	pf.StringVar(&a.url, "url", "", "server URL (default $KEYWARD_URL, then "+DefaultURL+")")
	pf.StringVar(&a.token, "token", "", "API key (default $KEYWARD_TOKEN)")
	pf.StringVarP(&a.output, "output", "o", "table", "output format: table or json")
	pf.StringVar(&a.org, "org", "", "the organization to act in (default $KEYWARD_ORG); the key must belong to it")

	root.AddCommand(a.orgCommand(), a.userCommand(), a.groupCommand(), a.roleCommand(), a.policyCommand(),
		a.trustCommand(), a.assumeCommand(), a.sessionCommand(), a.tokenCommand(), a.auditCommand(), a.catalogCommand(), a.authorizeCommand(), a.whoCanCommand(), a.whoamiCommand(),
		a.oidcCommand(), a.inviteCommand(), a.mailCommand(), a.loginCommand(), a.logoutCommand(), a.passwordCommand(), a.mfaCommand(),
		a.projectCommand(), a.resourceCommand(), a.bindingCommand(), a.overrideCommand(), a.fleetCommand(), a.idpCommand(), a.scimCommand())
	return root
}

// client returns an API client for the configured server and key.
func (a *app) client() (*client.ClientWithResponses, error) {
	if _, err := a.format(); err != nil {
		return nil, err
	}
	base, err := a.serverURL()
	if err != nil {
		return nil, err
	}
	token := a.token
	if token == "" {
		token = a.getenv("KEYWARD_TOKEN")
	}
	if token == "" {
		return nil, errNoToken
	}
	auth := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("User-Agent", "keyward-cli")
		return nil
	}
	c, err := client.NewClientWithResponses(base,
		client.WithHTTPClient(&http.Client{Timeout: requestTimeout}),
		client.WithRequestEditorFn(auth))
	if err != nil {
		return nil, err
	}
	org := a.org
	if org == "" {
		org = a.getenv("KEYWARD_ORG")
	}
	if org != "" {
		if err := checkOrg(c, token, org); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// serverURL returns the server's base URL: --url, KEYWARD_URL or DefaultURL.
func (a *app) serverURL() (string, error) {
	s := a.url
	if s == "" {
		s = a.getenv("KEYWARD_URL")
	}
	if s == "" {
		return DefaultURL, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("invalid server URL %q: want http://host[:port] or https://host[:port]", s)
	}
	return s, nil
}

// group makes cmd a command that only holds subcommands: alone it prints
// help, and an unknown subcommand is an error rather than more help.
func group(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	cmd.AddCommand(subs...)
	return cmd
}

// exactArgs is cobra.ExactArgs(n) with a pointer to the command's help.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())
		}
		return nil
	}
}

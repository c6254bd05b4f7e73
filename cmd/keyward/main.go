// Command keyward is keyward's one binary: `keyward server` runs the IAM
// server, and every other subcommand is a client of its REST API (package
// cli). This is the only package that wires the others together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/keyward-iam/keyward/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, cli.ErrDenied) { // the verdict is printed already
			fmt.Fprintln(os.Stderr, "keyward:", err)
		}
		os.Exit(1)
	}
}

// run runs the keyward command line args (args[0] is the program name) with
// the given environment and standard streams, until the command ends or ctx
// is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := cli.NewRoot(getenv, stdin, stdout, stderr)
	root.AddCommand(newServerCommand(getenv, stdout, stderr), newVersionCommand(), newBackupCommand(getenv, stdout))
	root.Version = buildVersion()
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetArgs(args[1:])
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SilenceUsage = true
	root.SilenceErrors = true
	return root.ExecuteContext(ctx)
}

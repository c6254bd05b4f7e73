package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion describes the running binary from the build information the
// Go toolchain embeds: the module's version ("(devel)" for a build from a
// checkout), the commit and whether the tree had local changes, and the Go
// version. No version is written by hand, so it cannot go stale.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "keyward (unknown version: built without module information)"
	}
	return formatVersion(bi)
}

// formatVersion is buildVersion for bi: "keyward VERSION (commit REV[,
// modified], TIME, GOVERSION)", the parts it lacks left out.
func formatVersion(bi *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	detail := ""
	if rev := settings["vcs.revision"]; rev != "" {
		detail = "commit " + rev[:min(12, len(rev))]
		if settings["vcs.modified"] == "true" {
			detail += ", modified"
		}
		if t := settings["vcs.time"]; t != "" {
			detail += ", " + t
		}
		detail += ", "
	}
	return fmt.Sprintf("keyward %s (%s%s)", v, detail, bi.GoVersion)
}

// newVersionCommand returns `keyward version`, which prints what
// `keyward --version` prints.
func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print keyward's version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), buildVersion())
			return err
		},
	}
}

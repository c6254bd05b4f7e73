package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// configFile is the CLI's configuration: named profiles, as gh and the
// oxide CLI keep them.
//
//	default: prod
//	profiles:
//	  prod:
//	    url: https://iam.example.com
//	    token_command: pass show keyward/prod   # or token_file: ~/.config/keyward/prod.token
//	    org: 0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81
type configFile struct {
	Default  string              `yaml:"default"`
	Profiles map[string]*profile `yaml:"profiles"`
}

// profile is one server, credential and organization. The token is never
// written in the file: it is read from a file or printed by a command (a
// password manager), each time the CLI runs.
type profile struct {
	URL          string `yaml:"url"`
	TokenFile    string `yaml:"token_file"`
	TokenCommand string `yaml:"token_command"`
	Org          string `yaml:"org"`
}

// configPath is $KEYWARD_CONFIG, else $XDG_CONFIG_HOME/keyward/config.yaml,
// else ~/.config/keyward/config.yaml; "" when none can be named.
func (a *app) configPath() string {
	if p := a.getenv("KEYWARD_CONFIG"); p != "" {
		return p
	}
	if d := a.getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "keyward", "config.yaml")
	}
	if h := a.getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "keyward", "config.yaml")
	}
	return ""
}

// activeProfile returns the profile chosen by --profile, $KEYWARD_PROFILE
// or the file's default, or nil when none is (no file, no default). A
// profile asked for by name must exist; a file that does not parse, or has
// a key it does not know, is an error naming its line.
func (a *app) activeProfile() (*profile, error) {
	if a.loaded {
		return a.prof, a.profErr
	}
	a.loaded = true
	a.prof, a.profErr = a.loadProfile()
	return a.prof, a.profErr
}

func (a *app) loadProfile() (*profile, error) {
	name := a.profileName
	if name == "" {
		name = a.getenv("KEYWARD_PROFILE")
	}
	path := a.configPath()
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) || path == "":
		if name != "" {
			return nil, fmt.Errorf("profile %q: no configuration file (%s)", name, orDash(path))
		}
		return nil, nil
	case err != nil:
		return nil, err
	}
	var cf configFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if name == "" {
		name = cf.Default
	}
	if name == "" {
		return nil, nil
	}
	p, ok := cf.Profiles[name]
	if !ok || p == nil {
		return nil, fmt.Errorf("%s: no profile %q", path, name)
	}
	return p, nil
}

// token returns the profile's token: the file's content or the command's
// output (run by sh, at most 30 seconds), trimmed.
func (p *profile) token(ctx context.Context) (string, error) {
	switch {
	case p.TokenFile != "" && p.TokenCommand != "":
		return "", errors.New("profile: give token_file or token_command, not both")
	case p.TokenFile != "":
		b, err := os.ReadFile(p.TokenFile)
		if err != nil {
			return "", fmt.Errorf("profile token_file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	case p.TokenCommand != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "sh", "-c", p.TokenCommand).Output()
		if err != nil {
			return "", fmt.Errorf("profile token_command %q: %w", p.TokenCommand, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	return "", nil
}

// setting is the value of a setting given by flag (its flag's value),
// else by the environment variable env, else by the active profile's
// field; "" when none gives it.
func (a *app) setting(flag, env string, field func(*profile) string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if v := a.getenv(env); v != "" {
		return v, nil
	}
	p, err := a.activeProfile()
	if err != nil || p == nil {
		return "", err
	}
	return field(p), nil
}

// bearer is the credential: --token, $KEYWARD_TOKEN, or the active
// profile's token; "" when none gives one.
func (a *app) bearer(ctx context.Context) (string, error) {
	if t, err := a.setting(a.token, "KEYWARD_TOKEN", func(*profile) string { return "" }); t != "" || err != nil {
		return t, err
	}
	p, err := a.activeProfile()
	if err != nil || p == nil {
		return "", err
	}
	return p.token(ctx)
}

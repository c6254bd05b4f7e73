package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// maxInputFile bounds what a command reads from a file or stdin.
const maxInputFile = 1 << 20

// readFileOrStdin reads name, or the command's standard input for "-", up
// to maxInputFile bytes.
func readFileOrStdin(a *app, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(a.stdin, maxInputFile))
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxInputFile))
}

// readJSONFile decodes the JSON in name ("-": stdin), given with flag,
// into out; an error names the flag and the file.
func readJSONFile(a *app, flag, name string, out any) error {
	b, err := readFileOrStdin(a, name)
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: %w", flag, name, err)
	}
	return nil
}

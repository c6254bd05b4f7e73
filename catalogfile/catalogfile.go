// Package catalogfile reads a provider's action catalog from files: YAML or
// JSON documents in the shape of policy.CatalogPart, checked entry by entry
// with errors that name the file, the line and the field.
//
// It is the adapter between the files an operator writes and the pure
// policy package, which takes parts already read (policy.Compose).
package catalogfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/keyward-iam/keyward/policy"
)

// file is a catalog file: policy.CatalogPart with YAML field names.
type file struct {
	Actions []struct {
		Name        string `yaml:"name"`
		Level       string `yaml:"level"`
		Description string `yaml:"description"`
	} `yaml:"actions"`
	ResourceTypes []struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		GridGroup   string `yaml:"grid_group"`
	} `yaml:"resource_types"`
	GridGroups []struct {
		ID   string `yaml:"id"`
		Name string `yaml:"name"`
	} `yaml:"grid_groups"`
}

// Extensions are the file name extensions Load reads in a directory.
var Extensions = []string{".json", ".yaml", ".yml"}

// Load reads the catalog part of each file named by path: the file itself,
// or every file of the directory whose name ends in one of Extensions, in
// name order. Each part's Source is "file:" and the file's path. Every
// problem of every file is reported, joined.
func Load(path string) ([]policy.CatalogPart, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		files = files[:0]
		for _, e := range entries {
			if !e.IsDir() && slices.Contains(Extensions, strings.ToLower(filepath.Ext(e.Name()))) {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no catalog file (%s)", path, strings.Join(Extensions, ", "))
		}
	}
	var parts []policy.CatalogPart
	var errs []error
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := Parse(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		parts = append(parts, p)
	}
	return parts, errors.Join(errs...)
}

// Parse reads one catalog file, YAML or JSON, named name (for errors and
// the part's Source). Unknown fields, keys given twice and malformed
// entries (policy.CatalogPart.Check) are errors of the form
// "name:LINE: actions[2].level: …".
func Parse(name string, data []byte) (policy.CatalogPart, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return policy.CatalogPart{}, fmt.Errorf("%s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		return policy.CatalogPart{}, fmt.Errorf("%s: %w", name, err)
	}
	part := policy.CatalogPart{Source: "file:" + name}
	for _, a := range f.Actions {
		part.Actions = append(part.Actions, policy.Action{Name: a.Name, Level: policy.Level(a.Level), Description: a.Description})
	}
	for _, t := range f.ResourceTypes {
		part.ResourceTypes = append(part.ResourceTypes, policy.ResourceType{Name: t.Name, Description: t.Description, GridGroup: t.GridGroup})
	}
	for _, g := range f.GridGroups {
		part.GridGroups = append(part.GridGroups, policy.GridGroup{ID: g.ID, Name: g.Name})
	}
	if len(part.Actions) == 0 {
		return policy.CatalogPart{}, fmt.Errorf("%s:%d: actions: a catalog file lists at least one action", name, root.Line)
	}
	var errs []error
	for _, e := range part.Check() {
		var pe *policy.PartError
		if errors.As(e, &pe) {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, lineOf(&root, pe), e))
		} else {
			errs = append(errs, fmt.Errorf("%s: %w", name, e))
		}
	}
	return part, errors.Join(errs...)
}

// lineOf finds the line of the field pe names in the document root: the
// field's value, or its entry when the field is absent.
func lineOf(root *yaml.Node, pe *policy.PartError) int {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	list := field(doc, pe.Kind)
	if list == nil || list.Kind != yaml.SequenceNode || pe.Index >= len(list.Content) {
		return doc.Line
	}
	entry := list.Content[pe.Index]
	if v := field(entry, pe.Field); v != nil {
		return v.Line
	}
	return entry.Line
}

// field returns the value of key in the mapping m, or nil.
func field(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

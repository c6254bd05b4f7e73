package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The corpus:
//
//	testdata/decide/NAME.json    policies and requests  →  NAME.golden: each request's Explanation
//	testdata/parse/NAME.json     a document             →  NAME.golden: its canonical JSON or its errors
//
// Review the diff after `go test ./policy -update`.

type goldenCase struct {
	Description string         `json:"description"`
	Policies    []goldenPolicy `json:"policies"`
	// Narrowing, when given, is a second layer (a token's inline policy): each request is
	// then explained by ExplainLayers over the layers "policies" and "narrowing".
	Narrowing []goldenPolicy  `json:"narrowing"`
	Requests  []goldenRequest `json:"requests"`
}

// goldenPolicy is a document given inline or a managed policy given by name.
type goldenPolicy struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Via      string          `json:"via"`
	Managed  string          `json:"managed"`
	Document json.RawMessage `json:"document"`
}

type goldenRequest struct {
	Action   string `json:"action"`
	Resource string `json:"resource,omitempty"`
	Type     string `json:"type,omitempty"`
	Project  string `json:"project,omitempty"`
	Org      string `json:"org,omitempty"`
	Context  struct {
		Time          string            `json:"time,omitempty"`
		SourceIP      string            `json:"source_ip,omitempty"`
		MFA           *bool             `json:"mfa,omitempty"`
		PrincipalTags map[string]string `json:"principal_tags,omitempty"`
		SessionTags   map[string]string `json:"session_tags,omitempty"`
	} `json:"context"`
}

func (g goldenRequest) request(t *testing.T) Request {
	r := Request{Action: g.Action, Resource: g.Resource, Type: g.Type, Project: g.Project, Org: g.Org}
	c := g.Context
	if c.Time != "" {
		tm, err := time.Parse(time.RFC3339, c.Time)
		if err != nil {
			t.Fatalf("request time: %v", err)
		}
		r.Context.Time = tm
	}
	if c.SourceIP != "" {
		r.Context.SourceIP = netip.MustParseAddr(c.SourceIP)
	}
	if c.MFA != nil {
		r.Context.MFA = FlagOf(*c.MFA)
	}
	r.Context.PrincipalTags, r.Context.SessionTags = c.PrincipalTags, c.SessionTags
	return r
}

type goldenResult struct {
	Request     goldenRequest `json:"request"`
	Explanation any           `json:"explanation"` // an Explanation or a LayeredExplanation
}

func TestGoldenDecide(t *testing.T) {
	forEachGolden(t, "decide", func(t *testing.T, file string) {
		var gc goldenCase
		readJSON(t, file, &gc)
		in := goldenInputs(t, gc.Policies)
		set := Compile(nil, in)
		var narrowing []Input
		var layers []Layer
		if len(gc.Narrowing) > 0 {
			narrowing = goldenInputs(t, gc.Narrowing)
			layers = []Layer{{"policies", set}, {"narrowing", Compile(nil, narrowing)}}
		}
		var results []goldenResult
		for _, gr := range gc.Requests {
			r := gr.request(t)
			if layers != nil {
				ex := ExplainLayers(&r, layers...)
				if d, _ := DecideLayers(&r, layers...); d != ex.Decision {
					t.Errorf("%+v: DecideLayers = %v, ExplainLayers = %v", r, d, ex.Decision)
				}
				if want := refLayers(DefaultCatalog(), [][]Input{in, narrowing}, r); want != ex.Decision {
					t.Errorf("%+v: engine says %v, reference %v", r, ex.Decision, want)
				}
				results = append(results, goldenResult{gr, ex})
				continue
			}
			ex := set.Explain(&r)
			if d := set.Decide(&r); d != ex.Decision {
				t.Errorf("%+v: Decide = %v, Explain = %v", r, d, ex.Decision)
			}
			if want := refDecide(DefaultCatalog(), in, r).decision; want != ex.Decision {
				t.Errorf("%+v: engine says %v, reference %v", r, ex.Decision, want)
			}
			results = append(results, goldenResult{gr, ex})
		}
		checkGolden(t, strings.TrimSuffix(file, ".json")+".golden", results)
	})
}

// goldenInputs turns a case's policies into inputs: documents are parsed, managed policies
// looked up by name.
func goldenInputs(t *testing.T, ps []goldenPolicy) []Input {
	t.Helper()
	var in []Input
	for _, p := range ps {
		if p.Managed != "" {
			m, ok := ManagedPolicyByName(nil, p.Managed)
			if !ok {
				t.Fatalf("no managed policy %q", p.Managed)
			}
			in = append(in, Input{ID: m.ID, Name: m.Name, Via: p.Via, Doc: m.Doc})
			continue
		}
		doc, err := Parse(nil, p.Document)
		if err != nil {
			t.Fatalf("policy %s: %v", p.ID, err)
		}
		in = append(in, Input{ID: p.ID, Name: p.Name, Via: p.Via, Doc: doc})
	}
	return in
}

func TestGoldenParse(t *testing.T) {
	forEachGolden(t, "parse", func(t *testing.T, file string) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var got any
		doc, err := Parse(nil, data)
		var ve ValidationErrors
		switch {
		case err == nil:
			got = map[string]any{"canonical": doc}
		case errors.As(err, &ve):
			got = map[string]any{"errors": ve}
		default:
			t.Fatalf("Parse error %T: %v", err, err)
		}
		checkGolden(t, strings.TrimSuffix(file, ".json")+".golden", got)
	})
}

// forEachGolden runs test on each golden case of testdata/dir (its .json
// files), as a subtest named by the file; there must be some.
func forEachGolden(t *testing.T, dir string, test func(t *testing.T, file string)) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if len(files) == 0 {
		t.Fatal("no golden cases in testdata/" + dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) { test(t, file) })
	}
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// checkGolden compares v, as indented JSON, with the golden file, or rewrites the file with -update.
func checkGolden(t *testing.T, file string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./policy -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./policy -update and review the diff):\n got:\n%s", file, got)
	}
}

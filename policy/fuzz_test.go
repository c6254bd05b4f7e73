package policy

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzDecide builds a random catalog, policy set (with invalid statements) and requests from
// the fuzzer's bytes and requires the engine to agree with the reference evaluator.
func FuzzDecide(f *testing.F) {
	for seed := range uint64(16) {
		c := rand.New(rand.NewPCG(seed, 3))
		b := make([]byte, 64+c.IntN(512))
		for i := range b {
			b[i] = byte(c.IntN(256))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &byteChooser{data: data}
		w := genWorld(c)
		ps := genPolicies(c, w, true)
		set := Compile(w.cat, ps)
		for range 8 {
			r := genRequest(c, w)
			if msg := agree(w.cat, ps, set, r); msg != "" {
				t.Fatalf("%s\n%s", msg, describe(ps, r))
			}
		}
	})
}

// parseSeeds are FuzzParse's starting points, besides the golden corpus.
var parseSeeds = []string{
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	`{"Version":"2026-03-20","Statement":[{"Sid":"a","Effect":"Deny","Action":["compute.instance.Get*","iam.*"],"Resource":["*","0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a"],"Condition":{"Bool":{"keyward:MultiFactorAuthPresent":false},"IpAddress":{"keyward:SourceIp":["10.0.0.0/8","::1"]},"StringLike":{"keyward:PrincipalTag/team":"r?d*"}}}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.*"],"Resource":"*","Condition":{"DateLessThan":{"keyward:CurrentTime":"2026-12-31T23:59:59Z"}}}],"Extra":1}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":null,"Resource":[]}]}`,
	`{"Version":"2026-03-20","Statement":[]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"a\u003cb","Resource":"*","Sid":"\u2028"}]}`,
	`[]`, `null`, `{"Version":1}`, ``,
}

// FuzzParse requires that Parse never panics, that what it rejects it explains, and that
// every document it accepts is valid and round-trips through its canonical JSON unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	cat := DefaultCatalog()
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(cat, data)
		if err != nil {
			var ve ValidationErrors
			if !errors.As(err, &ve) || len(ve) == 0 {
				t.Fatalf("Parse(%q) error %v is not a non-empty ValidationErrors", data, err)
			}
			for _, e := range ve {
				if e.Message == "" {
					t.Fatalf("Parse(%q): error without a message at %q", data, e.Path)
				}
			}
			return
		}
		if err := doc.Validate(cat); err != nil {
			t.Fatalf("Parse(%q) accepted a document Validate rejects: %v", data, err)
		}
		canon, err := doc.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of parsed %q: %v", data, err)
		}
		doc2, err := Parse(cat, canon)
		if err != nil {
			t.Fatalf("canonical form %s of %q does not parse: %v", canon, data, err)
		}
		if !reflect.DeepEqual(doc, doc2) {
			t.Fatalf("round trip changed the document:\n in  %q\n out %s\n %#v\n %#v", data, canon, doc, doc2)
		}
		canon2, _ := doc2.MarshalJSON()
		if !bytes.Equal(canon, canon2) {
			t.Fatalf("canonical JSON is not a fixed point:\n %s\n %s", canon, canon2)
		}
	})
}

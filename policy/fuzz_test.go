package policy

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/policy/policytest"
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
	// Keys given twice or in two spellings, at each level.
	`{"Version":"2026-03-20","version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","\u0045ffect":"Deny"}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","\u017fid":"x"}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/team":"a","keyward:PrincipalTag/Team":"b"}}}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/\u212aey":"a","keyward:PrincipalTag/key":"b"}}}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":true},"BOOL":{"keyward:MultiFactorAuthPresent":true}}}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.instance.*","storage.*"],"Resource":["compute.instance/*","Storage.Block/arn:acme:eu-1/vol-7","compute.instance/0B6E2D1C-5f0a-4c7e-9a51-2f1e8c3d4b5a"]}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"compute.instance.Read","Resource":["compute.instance/vm*","storage.block/*","compute.instance/"]}]}`,
	`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"keyward:MultiFactorAuthAge":["3600","0099"]},"NumericGreaterThanEquals":{"keyward:MultiFactorAuthAge":"-1"}}}]}`,
}

// FuzzResourceRef requires that a statement resource either is rejected with a reason or
// covers the request it names: TYPE/ID the resource ID of TYPE (in any case), and TYPE/*
// a resource of TYPE; and that neither covers a request about another type.
func FuzzResourceRef(f *testing.F) {
	for _, s := range []string{"*", "compute.instance/*", "compute.instance/vm-42", "a.b/arn:x:y/z", "a.b/0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a", "vm-42", "a.b/", "a.b/c*", "/x", "a.b.c/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, star, msg := parseRef(s)
		if msg != "" || star || ref.kind == refUUID {
			// Rejected, "*" or a UUID: of a request with no ids, only "*" covers.
			if CoversResource(s, &Request{Action: "a.b.C"}) != star {
				t.Fatalf("%q (reason %q, star %v): CoversResource = %v", s, msg, star, !star)
			}
			return
		}
		typ, id, _ := strings.Cut(s, "/")
		if !CoversResource(s, &Request{Action: "x.y.Z", Type: strings.ToUpper(typ), Resource: strings.ToLower(id)}) {
			t.Fatalf("%q does not cover its own resource", s)
		}
		if ref.kind == refTypedID && !CoversResource(s, &Request{Action: typ + ".Read", Resource: id}) {
			t.Fatalf("%q does not cover its resource through the action's type", s)
		}
		if CoversResource(s, &Request{Action: "x.y.Z", Type: typ + "x", Resource: id}) {
			t.Fatalf("%q covers a request about another type", s)
		}
	})
}

// addParseSeeds adds to f's corpus parseSeeds and the documents of the
// parse golden cases.
func addParseSeeds(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// FuzzParse requires that Parse never panics, that what it rejects it explains, and that
// every document it accepts is valid, has no key twice or in two spellings in any object,
// and round-trips through its canonical JSON unchanged.
func FuzzParse(f *testing.F) {
	addParseSeeds(f)
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
		if policytest.RepeatedKey(data) {
			t.Fatalf("Parse(%q) accepted an object with a key twice or in two spellings", data)
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

package policy

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestParse_accepts(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      *Document
		wantCanon string
	}{
		{
			name:      "bare strings become lists",
			in:        `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`,
			want:      &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: []string{"compute.instance.Read"}, Resource: []string{"*"}}}},
			wantCanon: `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.instance.Read"],"Resource":["*"]}]}`,
		},
		{
			name: "field order, whitespace and case of names",
			in: `{ "Statement" : [ { "Resource" : [ "0B6E2D1C-5F0A-4C7E-9A51-2F1E8C3D4B5A" ], "Action" : [ "COMPUTE.instance.read", "comp*" ],
			       "Effect" : "Deny", "Sid" : "NoTouch" } ], "Version" : "2026-03-20" }`,
			want: &Document{Version: Version, Statement: []Statement{{Sid: "NoTouch", Effect: EffectDeny,
				Action: []string{"COMPUTE.instance.read", "comp*"}, Resource: []string{"0B6E2D1C-5F0A-4C7E-9A51-2F1E8C3D4B5A"}}}},
			wantCanon: `{"Version":"2026-03-20","Statement":[{"Sid":"NoTouch","Effect":"Deny","Action":["COMPUTE.instance.read","comp*"],"Resource":["0B6E2D1C-5F0A-4C7E-9A51-2F1E8C3D4B5A"]}]}`,
		},
		{
			name: "every wildcard form",
			in:   `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["*","compute.*","compute.instance.*","storage.object.Get*","comp*","*.instance.Create","compute.*.Create","compute.inst*.Read"],"Resource":"*"}]}`,
			want: &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow,
				Action:   []string{"*", "compute.*", "compute.instance.*", "storage.object.Get*", "comp*", "*.instance.Create", "compute.*.Create", "compute.inst*.Read"},
				Resource: []string{"*"}}}},
			wantCanon: `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["*","compute.*","compute.instance.*","storage.object.Get*","comp*","*.instance.Create","compute.*.Create","compute.inst*.Read"],"Resource":["*"]}]}`,
		},
		{
			name: "conditions: JSON bools kept as strings, keys sorted, nulls dropped",
			in: `{"Version":"2026-03-20","Statement":[{"Sid":null,"Effect":"Allow","Action":["iam.*"],"Resource":["*"],
			  "Condition":{"StringLike":{"keyward:SessionTag/env":"prod-<*>"},"Bool":{"keyward:MultiFactorAuthPresent":true},
			  "IpAddress":{"keyward:SourceIp":["10.0.0.0/8","2001:db8::/32","192.0.2.7"]},
			  "DateGreaterThan":{"keyward:CurrentTime":"2026-03-20T00:00:00+01:00"}}},
			  {"Effect":"Deny","Action":"iam.user.Delete","Resource":"*","Condition":null}]}`,
			want: &Document{Version: Version, Statement: []Statement{
				{Effect: EffectAllow, Action: []string{"iam.*"}, Resource: []string{"*"}, Condition: Condition{
					OpStringLike:      {"keyward:SessionTag/env": {"prod-<*>"}},
					OpBool:            {KeyMultiFactorAuthPresent: {"true"}},
					OpIpAddress:       {KeySourceIp: {"10.0.0.0/8", "2001:db8::/32", "192.0.2.7"}},
					OpDateGreaterThan: {KeyCurrentTime: {"2026-03-20T00:00:00+01:00"}},
				}},
				{Effect: EffectDeny, Action: []string{"iam.user.Delete"}, Resource: []string{"*"}},
			}},
			wantCanon: `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.*"],"Resource":["*"],"Condition":{"Bool":{"keyward:MultiFactorAuthPresent":["true"]},"DateGreaterThan":{"keyward:CurrentTime":["2026-03-20T00:00:00+01:00"]},"IpAddress":{"keyward:SourceIp":["10.0.0.0/8","2001:db8::/32","192.0.2.7"]},"StringLike":{"keyward:SessionTag/env":["prod-\u003c*\u003e"]}}},{"Effect":"Deny","Action":["iam.user.Delete"],"Resource":["*"]}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(nil, []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			canon, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if string(canon) != tt.wantCanon {
				t.Errorf("canonical JSON:\n got  %s\n want %s", canon, tt.wantCanon)
			}
			var again Document
			if err := json.Unmarshal(canon, &again); err != nil {
				t.Fatalf("json.Unmarshal(canonical) error = %v", err)
			}
			if !reflect.DeepEqual(&again, tt.want) {
				t.Errorf("json.Unmarshal(canonical) = %#v, want %#v", &again, tt.want)
			}
		})
	}
}

func TestDocument_MarshalJSON_neverNull(t *testing.T) {
	d := &Document{Version: Version, Statement: []Statement{{Effect: EffectDeny}}}
	got, _ := d.MarshalJSON()
	want := `{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":[],"Resource":[]}]}`
	if string(got) != want {
		t.Errorf("MarshalJSON() = %s, want %s", got, want)
	}
}

func TestDocument_UnmarshalJSON_strict(t *testing.T) {
	var d Document
	err := json.Unmarshal([]byte(`{"Version":"2026-03-20","Statement":[{"effect":"Allow","Action":"*","Resource":"*"}]}`), &d)
	var ve ValidationErrors
	if !errors.As(err, &ve) || ve[0].Path != "Statement[0].effect" {
		t.Errorf("json.Unmarshal(lower-case field) error = %v, want a ValidationErrors at Statement[0].effect", err)
	}
}

// TestDocument_Validate checks documents built in Go, which have no JSON shape to get wrong.
func TestDocument_Validate(t *testing.T) {
	tests := []struct {
		name string
		doc  *Document
		want []string
	}{
		{"valid", &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}, nil},
		{"empty", &Document{}, []string{"Version: missing", "Statement: must contain at least one statement"}},
		{"bad statement", &Document{Version: Version, Statement: []Statement{
			{Effect: "Maybe", Resource: []string{"*"}, Condition: Condition{OpBool: {KeyMultiFactorAuthPresent: nil}}},
		}}, []string{
			`Statement[0].Effect: invalid effect "Maybe" (want "Allow" or "Deny")`,
			"Statement[0].Action: must list at least one action",
			"Statement[0].Condition.Bool.keyward:MultiFactorAuthPresent: no values",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.doc.Validate(nil)
			var got []string
			var ve ValidationErrors
			if errors.As(err, &ve) {
				for _, e := range ve {
					got = append(got, e.Error())
				}
			} else if err != nil {
				t.Fatalf("Validate() error %T is not ValidationErrors", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

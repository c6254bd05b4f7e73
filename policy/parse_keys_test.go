package policy

import "testing"

// TestParse_keySpellings checks the refusal of names in another case, which a reader that
// folds case (encoding/json's structs) would take for the documented name, and of two
// condition keys of one operator that differ only in case. (The same key twice is
// TestParse_errors's.)
func TestParse_keySpellings(t *testing.T) {
	tests := []struct {
		name, in string
		want     []FieldError
	}{
		{"statement field in two spellings", stmtDoc(`{"Effect":"Allow","EFFECT":"Deny","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].EFFECT", "EFFECT", `unknown field: field names are case-sensitive (did you mean "Effect"?)`}}},
		{"statement field with a Kelvin sign", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","\u212aeep":1}`),
			[]FieldError{{"Statement[0].\u212aeep", "\u212aeep", `unknown field (allowed: Sid, Effect, Action, Resource, Condition)`}}},
		{"statement field with a long s", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","\u017fid":"x"}`),
			[]FieldError{{"Statement[0].\u017fid", "\u017fid", `unknown field: field names are case-sensitive (did you mean "Sid"?)`}}},
		{"tag keys in two spellings", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/team":"red","keyward:PrincipalTag/Team":"blue"}}}`),
			[]FieldError{{"Statement[0].Condition.StringEquals.keyward:PrincipalTag/team", "Condition",
				`condition key differs from "keyward:PrincipalTag/Team" only in case: tag names are case-sensitive, but one operator may name a key only once, in one spelling`}}},
		{"operators in two spellings", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":true},"bool":{"keyward:MultiFactorAuthPresent":"false"}}}`),
			[]FieldError{{"Statement[0].Condition.bool", "Condition", `unknown condition operator: operators are case-sensitive (did you mean "Bool"?)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkParseErrors(t, tt.in, tt.want) })
	}
}

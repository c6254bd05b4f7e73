package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

type issuerBody struct {
	Issuer struct {
		ID        string   `json:"id"`
		Name      string   `json:"name"`
		Source    string   `json:"source"`
		URI       string   `json:"uri"`
		Audiences []string `json:"audiences"`
		Kid       string   `json:"kid"`
		N         string   `json:"n"`
	} `json:"issuer"`
}

// TestOIDCIssuers registers, reads, lists and removes issuers through
// Vultr's /v2/oidc/issuer endpoints, with keyward's name and audiences.
func TestOIDCIssuers(t *testing.T) {
	a := newAPI(t)
	var gh, vultr issuerBody
	a.do("POST", "/v2/oidc/issuer", a.root,
		`{"issuer":{"source":"external","uri":"https://token.actions.githubusercontent.com","name":"GitHub","audiences":["keyward"," keyward","sts"]}}`,
		http.StatusCreated, &gh)
	if gh.Issuer.ID == "" || gh.Issuer.Source != "external" || gh.Issuer.Name != "GitHub" || !slices.Equal(gh.Issuer.Audiences, []string{"keyward", "sts"}) {
		t.Errorf("created issuer = %+v", gh.Issuer)
	}
	// Vultr's client sends the JWK fields and no audiences.
	a.do("POST", "/v2/oidc/issuer", a.root,
		`{"issuer":{"source":"external","uri":"https://idp.example/realms/acme","kty":"RSA","kid":"k1","n":"AQAB-n","e":"AQAB","alg":"RS256","use":"sig"}}`,
		http.StatusCreated, &vultr)
	if vultr.Issuer.Kid != "k1" || vultr.Issuer.N != "AQAB-n" || vultr.Issuer.Audiences == nil || len(vultr.Issuer.Audiences) != 0 {
		t.Errorf("Vultr-style issuer = %+v", vultr.Issuer)
	}

	var got issuerBody
	a.do("GET", "/v2/oidc/issuer/"+gh.Issuer.ID, a.root, "", http.StatusOK, &got)
	if got.Issuer.URI != "https://token.actions.githubusercontent.com" {
		t.Errorf("get = %+v", got.Issuer)
	}
	var list struct {
		Issuers []struct{ ID string } `json:"issuers"`
		Meta    struct{ Total int }   `json:"meta"`
	}
	a.do("GET", "/v2/oidc/issuer", a.root, "", http.StatusOK, &list)
	if len(list.Issuers) != 2 || list.Issuers[0].ID != gh.Issuer.ID || list.Meta.Total != 2 {
		t.Errorf("list = %+v", list)
	}

	var e apiError
	a.do("POST", "/v2/oidc/issuer", a.root, `{"issuer":{"uri":"https://token.actions.githubusercontent.com"}}`, http.StatusConflict, &e)
	if e.Field != "uri" || !strings.Contains(e.Error, "already registered") {
		t.Errorf("duplicate URL: %+v", e)
	}

	a.do("DELETE", "/v2/oidc/issuer/"+gh.Issuer.ID, a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/oidc/issuer/"+gh.Issuer.ID, a.root, "", http.StatusNotFound, nil)
	a.do("DELETE", "/v2/oidc/issuer/"+gh.Issuer.ID, a.root, "", http.StatusNotFound, nil)
	// The URL is free again.
	a.do("POST", "/v2/oidc/issuer", a.root, `{"issuer":{"uri":"https://token.actions.githubusercontent.com"}}`, http.StatusCreated, nil)

	want := []string{"oidc.issuer.Create", "oidc.issuer.Create", "oidc.issuer.Delete", "oidc.issuer.Create"}
	if actions := a.auditActions("oidc.issuer."); !slices.Equal(actions, want) {
		t.Errorf("issuer audit actions = %v, want %v", actions, want)
	}
}

func TestOIDCIssuerBadInput(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"no uri", `{"issuer":{"source":"external"}}`, 400, "uri"},
		{"no body", ``, 400, "uri"},
		{"relative uri", `{"issuer":{"uri":"idp.example"}}`, 400, "uri"},
		{"http uri", `{"issuer":{"uri":"http://idp.example"}}`, 400, "uri"},
		{"uri with query", `{"issuer":{"uri":"https://idp.example/?a=b"}}`, 400, "uri"},
		{"instance source", `{"issuer":{"source":"instance","uri":"https://idp.example"}}`, 400, "source"},
		{"source id", `{"issuer":{"source_id":"x","uri":"https://idp.example"}}`, 400, "issuer.source_id"},
		{"empty audience", `{"issuer":{"uri":"https://idp.example","audiences":[""]}}`, 400, "audiences"},
		{"audiences not a list", `{"issuer":{"uri":"https://idp.example","audiences":"keyward"}}`, 400, "issuer.audiences"},
		{"unknown field", `{"issuer":{"uri":"https://idp.example","url":"x"}}`, 400, "url"},
		{"flat body", `{"uri":"https://idp.example"}`, 400, "uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			a.in(t).do("POST", "/v2/oidc/issuer", a.root, tt.body, tt.status, &e)
			if e.Field != tt.field || e.Code != "invalid" {
				t.Errorf("error %+v, want invalid naming %q", e, tt.field)
			}
		})
	}
	a.do("GET", "/v2/oidc/issuer/not-an-id", a.root, "", http.StatusBadRequest, nil)
}

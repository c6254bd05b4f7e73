package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// samlAPI is the real server whose organization signs its people in
// through a real SAML IdP in the test process.
type samlAPI struct {
	*api
	idp *keywardtest.SAMLIdP
}

// newSAMLAPI starts the server and the IdP, puts the organization in the
// idp identity mode and configures the IdP by its metadata URL, with ada
// (groups ops, dev) as its person.
func newSAMLAPI(t *testing.T) *samlAPI {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := newAPIOn(t, service.Options{PublicURL: "http://" + l.Addr().String(), OIDCAllowHTTP: true,
		SAML: identity.NewSAML(identity.Options{AllowPrivate: true})}, l)
	s := &samlAPI{a, keywardtest.NewSAMLIdP(t)}
	s.samlOrg(a.orgID, a.root, "")
	s.idp.SetUser(keywardtest.SAMLUser{NameID: "ada-1", Email: "ada@example.com", Name: "Ada", Groups: []string{"ops", "dev"}})
	return s
}

// samlOrg makes org (token's) sign in through s.idp, with extra fields of
// the provider's configuration.
func (s *samlAPI) samlOrg(org, token, extra string) {
	s.t.Helper()
	s.do("PUT", "/v2/fleet/organizations/"+org+"/identity-mode", s.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	s.do("PUT", "/v2/identity-provider", token, `{"type":"saml","saml_metadata_url":"`+s.idp.MetadataURL+`"`+extra+`}`, http.StatusOK, nil)
}

// spInitiated starts a sign-in into org at keyward and returns the form
// the IdP answers with, not yet posted.
func (s *samlAPI) spInitiated(org, query string) keywardtest.SAMLForm {
	s.t.Helper()
	f, err := s.idp.SignIn(keywardtest.Browser(s.t), s.srv.URL+"/v2/auth/sso/"+org+query)
	if err != nil {
		s.t.Fatal(err)
	}
	return f
}

// idpInitiated returns the form of a sign-in started at the IdP into
// org's SP.
func (s *samlAPI) idpInitiated(org, relayState string) keywardtest.SAMLForm {
	s.t.Helper()
	f, err := s.idp.IdPInitiated(s.srv.URL+"/v2/auth/saml/"+org+"/metadata", relayState)
	if err != nil {
		s.t.Fatal(err)
	}
	return f
}

// post posts f to acs and checks the status; it decodes a 201.
func (s *samlAPI) post(acs string, f keywardtest.SAMLForm, want int) (ssoOut, string) {
	s.t.Helper()
	return s.postT(s.t, acs, f, want)
}

// postT is post failing t.
func (s *samlAPI) postT(t testing.TB, acs string, f keywardtest.SAMLForm, want int) (ssoOut, string) {
	t.Helper()
	once := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := once.PostForm(acs, f.Values())
	if err != nil {
		t.Fatal(err)
	}
	return s.api.ssoAnswer(t, "POST "+acs, res, want)
}

// acs is org's ACS URL.
func (s *samlAPI) acs(org string) string { return s.srv.URL + "/v2/auth/saml/" + org + "/acs" }

// TestSAMLSignIn: an SP-initiated sign-in through a real SAML IdP opens a
// login session, imports the person and their groups, follows the IdP's
// changes at the next sign-in and keeps return_to.
func TestSAMLSignIn(t *testing.T) {
	s := newSAMLAPI(t)
	f := s.spInitiated(s.orgID, "?return_to=/console/users")
	if f.ACS != s.acs(s.orgID) {
		t.Fatalf("the IdP posts to %s, want %s", f.ACS, s.acs(s.orgID))
	}
	out, _ := s.post(f.ACS, f, http.StatusSeeOther) // with a return_to: back to the console, signed in
	if !strings.HasPrefix(out.Session.Token, "kws_") || out.ReturnTo != "/console/users" {
		t.Fatalf("sign-in = %+v, want a kws_ token and return_to /console/users", out)
	}
	if got, want := []string{out.User.Email, out.User.Name, out.User.Source}, []string{"ada@example.com", "Ada", "idp"}; !slices.Equal(got, want) {
		t.Errorf("user = %v, want %v", got, want)
	}
	if got, want := (&ssoAPI{api: s.api}).groupsOf(out.User.ID), []string{"dev:idp", "ops:idp"}; !slices.Equal(got, want) {
		t.Errorf("groups = %v, want %v", got, want)
	}
	var me struct {
		User struct{ Email string } `json:"user"`
	}
	s.do("GET", "/v2/users/"+out.User.ID, out.Session.Token, "", http.StatusOK, &me)
	if me.User.Email != "ada@example.com" {
		t.Errorf("the session reads %q, want ada@example.com", me.User.Email)
	}

	var audit struct {
		Events []struct {
			After json.RawMessage `json:"after"`
		} `json:"audit_events"`
	}
	s.do("GET", "/v2/audit-events?action=iam.user.Login", s.root, "", http.StatusOK, &audit)
	if len(audit.Events) != 1 || !strings.Contains(string(audit.Events[0].After), `"method":"saml","external_id":"`+s.idp.MetadataURL+`#ada-1"`) {
		t.Errorf("sign-in events = %s, want one naming the method saml and ada's entity id and NameID", audit.Events)
	}

	s.idp.SetUser(keywardtest.SAMLUser{NameID: "ada-1", Email: "ada@example.com", Name: "Ada L.", Groups: []string{"ops"}})
	again, _ := s.post(s.acs(s.orgID), s.spInitiated(s.orgID, ""), http.StatusCreated)
	if again.User.ID != out.User.ID || again.User.Name != "Ada L." {
		t.Errorf("second sign-in = %+v, want the same user renamed Ada L.", again.User)
	}
	if got, want := (&ssoAPI{api: s.api}).groupsOf(out.User.ID), []string{"ops:idp"}; !slices.Equal(got, want) {
		t.Errorf("groups after the IdP dropped dev = %v, want %v", got, want)
	}
}

// samlResponseXML is f's response decoded; withXML encodes it back.
func samlResponseXML(t *testing.T, f keywardtest.SAMLForm) string {
	b, err := base64.StdEncoding.DecodeString(f.SAMLResponse)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func withXML(f keywardtest.SAMLForm, doc string) keywardtest.SAMLForm {
	f.SAMLResponse = base64.StdEncoding.EncodeToString([]byte(doc))
	return f
}

var dsSignature = regexp.MustCompile(`(?s)<ds:Signature[ >].*?</ds:Signature>`)

// TestSAMLRefusals: each assertion below is refused, and signs nobody in.
func TestSAMLRefusals(t *testing.T) {
	s := newSAMLAPI(t)
	orgB, tokenB := s.otherOrg("B")
	s.samlOrg(orgB, tokenB, `,"allow_idp_initiated":true`)
	mutated := func(f func(*saml.Assertion)) func(t *testing.T) (string, keywardtest.SAMLForm) {
		return func(t *testing.T) (string, keywardtest.SAMLForm) {
			s.idp.Mutate(f)
			defer s.idp.Mutate(nil)
			return s.acs(s.orgID), s.spInitiated(s.orgID, "")
		}
	}
	tests := []struct {
		name string
		// run returns the ACS URL and the form posted to it.
		run  func(t *testing.T) (string, keywardtest.SAMLForm)
		want int
	}{
		{"replayed", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			s.postT(t, s.acs(s.orgID), f, http.StatusCreated)
			return s.acs(s.orgID), f
		}, http.StatusUnauthorized},
		{"replayed IdP-initiated", func(t *testing.T) (string, keywardtest.SAMLForm) {
			// ada's account is org A's alone: org B's IdP may not claim it.
			s.idp.SetUser(keywardtest.SAMLUser{NameID: "bob-1", Email: "bob@example.com", Name: "Bob"})
			defer s.idp.SetUser(keywardtest.SAMLUser{NameID: "ada-1", Email: "ada@example.com", Name: "Ada", Groups: []string{"ops", "dev"}})
			f := s.idpInitiated(orgB, "")
			s.postT(t, s.acs(orgB), f, http.StatusCreated)
			return s.acs(orgB), f
		}, http.StatusUnauthorized},
		{"signature broken (email changed)", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			doc := samlResponseXML(t, f)
			if !strings.Contains(doc, "ada@example.com") {
				t.Fatal("the response does not carry the email")
			}
			return s.acs(s.orgID), withXML(f, strings.ReplaceAll(doc, "ada@example.com", "eve@example.com"))
		}, http.StatusUnauthorized},
		{"unsigned", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			doc := samlResponseXML(t, f)
			if n := len(dsSignature.FindAllString(doc, -1)); n != 2 {
				t.Fatalf("the response has %d signatures, want 2 (response and assertion)", n)
			}
			return s.acs(s.orgID), withXML(f, dsSignature.ReplaceAllString(doc, ""))
		}, http.StatusUnauthorized},
		{"expired", mutated(func(a *saml.Assertion) {
			past := saml.TimeNow().Add(-10 * time.Minute)
			a.Conditions.NotOnOrAfter = past
			for i := range a.Subject.SubjectConfirmations {
				a.Subject.SubjectConfirmations[i].SubjectConfirmationData.NotOnOrAfter = past
			}
		}), http.StatusUnauthorized},
		{"not yet valid", mutated(func(a *saml.Assertion) {
			a.Conditions.NotBefore = saml.TimeNow().Add(10 * time.Minute)
		}), http.StatusUnauthorized},
		{"wrong audience", mutated(func(a *saml.Assertion) {
			a.Conditions.AudienceRestrictions = []saml.AudienceRestriction{{Audience: saml.Audience{Value: "https://other.example/sp"}}}
		}), http.StatusUnauthorized},
		{"no audience restriction", mutated(func(a *saml.Assertion) {
			a.Conditions.AudienceRestrictions = nil
		}), http.StatusUnauthorized},
		{"wrong recipient", mutated(func(a *saml.Assertion) {
			for i := range a.Subject.SubjectConfirmations {
				a.Subject.SubjectConfirmations[i].SubjectConfirmationData.Recipient = "https://other.example/acs"
			}
		}), http.StatusUnauthorized},
		{"answers another request", mutated(func(a *saml.Assertion) {
			for i := range a.Subject.SubjectConfirmations {
				a.Subject.SubjectConfirmations[i].SubjectConfirmationData.InResponseTo = "id-not-keywards"
			}
		}), http.StatusUnauthorized},
		{"org A's SP-initiated response posted to org B", func(t *testing.T) (string, keywardtest.SAMLForm) {
			return s.acs(orgB), s.spInitiated(s.orgID, "")
		}, http.StatusUnauthorized},
		{"org A's IdP-initiated response posted to org B", func(t *testing.T) (string, keywardtest.SAMLForm) {
			return s.acs(orgB), s.idpInitiated(s.orgID, "")
		}, http.StatusUnauthorized},
		{"org A's response without its relay state posted to org B", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			f.RelayState = ""
			return s.acs(orgB), f
		}, http.StatusUnauthorized},
		{"IdP-initiated, refused by default", func(t *testing.T) (string, keywardtest.SAMLForm) {
			return s.acs(s.orgID), s.idpInitiated(s.orgID, "")
		}, http.StatusForbidden},
		{"unknown relay state", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			f.RelayState = strings.Repeat("0", 64)
			return s.acs(s.orgID), f
		}, http.StatusUnauthorized},
		{"no SAMLResponse", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			f.SAMLResponse = ""
			return s.acs(s.orgID), f
		}, http.StatusBadRequest},
		{"not base64", func(t *testing.T) (string, keywardtest.SAMLForm) {
			f := s.spInitiated(s.orgID, "")
			f.SAMLResponse = "%%%"
			return s.acs(s.orgID), f
		}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.sessionCount(s.root, tokenB)
			acs, f := tt.run(t)
			mid := s.sessionCount(s.root, tokenB)
			_, body := s.postT(t, acs, f, tt.want)
			var e struct {
				Error  string
				Status int
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Status != tt.want || e.Error == "" {
				t.Errorf("body = %s, want a Vultr error with status %d", body, tt.want)
			}
			if got := s.sessionCount(s.root, tokenB); got != mid {
				t.Errorf("sign-ins: %d before the refused post, %d after (%d at the start)", mid, got, before)
			}
		})
	}
}

// sessionCount counts the sign-ins (iam.user.Login events) into the
// organizations of tokens so far.
func (s *samlAPI) sessionCount(tokens ...string) int {
	s.t.Helper()
	n := 0
	for _, token := range tokens {
		var out struct {
			Events []struct{ Action string } `json:"audit_events"`
		}
		s.do("GET", "/v2/audit-events?action=iam.user.Login&per_page=500", token, "", http.StatusOK, &out)
		n += len(out.Events)
	}
	return n
}

// TestSAMLIdPInitiated: an organization that allows IdP-initiated
// sign-in takes a response that answers no request, with a relay state
// that is a path on this server as return_to and any other ignored; an
// unsolicited response that claims to answer a request is refused.
func TestSAMLIdPInitiated(t *testing.T) {
	s := newSAMLAPI(t)
	s.samlOrg(s.orgID, s.root, `,"allow_idp_initiated":true`)
	tests := []struct {
		relayState, wantReturnTo string
	}{
		{"", ""},
		{"/console/groups", "/console/groups"},
		{"https://evil.example/phish", ""},
		{"//evil.example/phish", ""},
	}
	for _, tt := range tests {
		want := http.StatusCreated
		if tt.wantReturnTo != "" {
			want = http.StatusSeeOther
		}
		out, _ := s.post(s.acs(s.orgID), s.idpInitiated(s.orgID, tt.relayState), want)
		if out.ReturnTo != tt.wantReturnTo || out.User.Email != "ada@example.com" {
			t.Errorf("relay state %q: return_to %q, user %q; want %q, ada@example.com", tt.relayState, out.ReturnTo, out.User.Email, tt.wantReturnTo)
		}
	}

	sp := s.spInitiated(s.orgID, "")
	sp.RelayState = ""
	s.post(s.acs(s.orgID), sp, http.StatusUnauthorized)
}

// TestSAMLConfiguration: the SAML provider's configuration round-trips,
// with keyward's SP entity id and ACS URL; bad metadata is a 4xx naming
// the field; the SP metadata names the ACS URL.
func TestSAMLConfiguration(t *testing.T) {
	s := newSAMLAPI(t)
	var got struct {
		IdentityProvider map[string]any `json:"identity_provider"`
	}
	s.do("GET", "/v2/identity-provider", s.root, "", http.StatusOK, &got)
	base := s.srv.URL + "/v2/auth/saml/" + s.orgID
	want := map[string]any{"type": "saml", "issuer": s.idp.MetadataURL, "saml_metadata_url": s.idp.MetadataURL,
		"sp_entity_id": base + "/metadata", "redirect_uri": base + "/acs", "allow_idp_initiated": false,
		"email_claim": "email", "name_claim": "name", "groups_claim": "groups"}
	for k, v := range want {
		if !cmp.Equal(got.IdentityProvider[k], v) {
			t.Errorf("%s = %v, want %v", k, got.IdentityProvider[k], v)
		}
	}

	md := s.idp.Metadata()
	bad := []struct {
		name, body string
		want       int
		field      string
	}{
		{"no metadata", `{"type":"saml"}`, http.StatusBadRequest, "saml_metadata"},
		{"not XML", `{"type":"saml","saml_metadata":"hello"}`, http.StatusBadRequest, "saml_metadata"},
		{"no signing certificate", `{"type":"saml","saml_metadata":` + jsonString(regexp.MustCompile(`(?s)<KeyDescriptor.*</KeyDescriptor>`).ReplaceAllString(md, "")) + `}`, http.StatusBadRequest, "saml_metadata"},
		{"unreachable URL", `{"type":"saml","saml_metadata_url":"http://127.0.0.1:1/metadata"}`, http.StatusUnprocessableEntity, "saml_metadata_url"},
		{"ftp URL", `{"type":"saml","saml_metadata_url":"ftp://idp.example/metadata"}`, http.StatusBadRequest, "saml_metadata_url"},
		{"OIDC fields", `{"type":"saml","saml_metadata":` + jsonString(md) + `,"client_id":"x"}`, http.StatusBadRequest, "client_id"},
		{"unknown type", `{"type":"ldap"}`, http.StatusBadRequest, "type"},
	}
	for _, tt := range bad {
		var e struct{ Field string }
		s.do("PUT", "/v2/identity-provider", s.root, tt.body, tt.want, &e)
		if e.Field != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, e.Field, tt.field)
		}
	}
	s.do("PUT", "/v2/identity-provider", s.root, `{"type":"saml","saml_metadata":`+jsonString(md)+`,"email_claim":"mail"}`, http.StatusOK, &got)
	if got.IdentityProvider["issuer"] != s.idp.MetadataURL || got.IdentityProvider["email_claim"] != "mail" {
		t.Errorf("configured by XML: %v", got.IdentityProvider)
	}

	res, err := http.Get(base + "/metadata")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `Location="`+base+`/acs"`) || !strings.Contains(string(b), `entityID="`+base+`/metadata"`) {
		t.Errorf("SP metadata = %d %s", res.StatusCode, b)
	}
	if res, err := http.Get(s.srv.URL + "/v2/auth/saml/not-an-id/metadata"); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("SP metadata of a bad id = %v, %v; want 400", res.StatusCode, err)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

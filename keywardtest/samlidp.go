package keywardtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
)

// SAMLIdP is a real SAML 2.0 identity provider in the test process:
// crewjam/saml's IdentityProvider, signing responses and assertions with
// its own RSA key and self-signed certificate, serving its metadata at
// MetadataURL and single sign-on (HTTP-Redirect in, HTTP-POST out) at
// /sso. It signs in one person, the test's to change, without a login
// page, and reads each service provider's metadata from its entity id (a
// metadata URL, as keyward's are).
type SAMLIdP struct {
	URL         string // the base URL
	MetadataURL string // also its entity id

	idp *saml.IdentityProvider

	mu     sync.Mutex
	user   SAMLUser
	mutate func(*saml.Assertion)
}

// SAMLUser is the person the IdP signs in: NameID is the subject, and
// the other fields go out as the attributes "email", "name" and "groups".
type SAMLUser struct {
	NameID, Email, Name string
	Groups              []string
}

// SAMLForm is what the IdP's page posts to a service provider's ACS URL.
type SAMLForm struct {
	ACS          string
	SAMLResponse string
	RelayState   string
}

// Values is the form's body.
func (f SAMLForm) Values() url.Values {
	return url.Values{"SAMLResponse": {f.SAMLResponse}, "RelayState": {f.RelayState}}
}

// NewSAMLIdP starts a SAML IdP; tb stops it when it ends.
func NewSAMLIdP(tb testing.TB) *SAMLIdP {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "keywardtest SAML IdP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	p := &SAMLIdP{}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	p.URL, p.MetadataURL = srv.URL, srv.URL+"/metadata"
	meta, _ := url.Parse(p.MetadataURL)
	sso, _ := url.Parse(srv.URL + "/sso")
	p.idp = &saml.IdentityProvider{
		Key: key, Certificate: cert, Logger: logger.DefaultLogger, MetadataURL: *meta, SSOURL: *sso,
		SessionProvider: samlSessions{p}, ServiceProviderProvider: spByMetadataURL{}, AssertionMaker: samlAssertions{p},
	}
	mux.HandleFunc("/metadata", p.idp.ServeMetadata)
	mux.HandleFunc("/sso", p.idp.ServeSSO)
	return p
}

// Metadata returns the IdP's metadata XML.
func (p *SAMLIdP) Metadata() string {
	b, err := xml.MarshalIndent(p.idp.Metadata(), "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

// SetUser makes u the person the IdP signs in.
func (p *SAMLIdP) SetUser(u SAMLUser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// Mutate makes the IdP pass each assertion it makes through f before it
// signs it (nil: no more), as a misconfigured or malicious IdP would:
// expired, for another audience, and so on.
func (p *SAMLIdP) Mutate(f func(*saml.Assertion)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mutate = f
}

// SignIn follows, with browser, keyward's redirect from startURL (GET
// /v2/auth/sso/{organization_id}) to the IdP and returns the form the
// IdP's page would post to keyward's ACS URL.
func (p *SAMLIdP) SignIn(browser *http.Client, startURL string) (SAMLForm, error) {
	res, err := browser.Get(startURL)
	if err != nil {
		return SAMLForm{}, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return SAMLForm{}, fmt.Errorf("GET %s (to %s) = %d %s", startURL, res.Request.URL, res.StatusCode, b)
	}
	return postForm(string(b))
}

// IdPInitiated returns the form of a sign-in started at the IdP into the
// service provider whose entity id (metadata URL) is sp, with relayState.
func (p *SAMLIdP) IdPInitiated(sp, relayState string) (SAMLForm, error) {
	w := httptest.NewRecorder()
	p.idp.ServeIDPInitiated(w, httptest.NewRequest(http.MethodGet, p.URL+"/sso", nil), sp, relayState)
	if w.Code != http.StatusOK {
		return SAMLForm{}, fmt.Errorf("IdP-initiated sign-in into %s: %d %s", sp, w.Code, w.Body)
	}
	return postForm(w.Body.String())
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	formInput  = regexp.MustCompile(`<input type="hidden" name="(SAMLResponse|RelayState)" value="([^"]*)"`)
)

// postForm reads the auto-posting form of crewjam's response page.
func postForm(page string) (SAMLForm, error) {
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		return SAMLForm{}, errors.New("the IdP's page has no form: " + page)
	}
	f := SAMLForm{ACS: html.UnescapeString(m[1])}
	for _, in := range formInput.FindAllStringSubmatch(page, -1) {
		if in[1] == "SAMLResponse" {
			f.SAMLResponse = html.UnescapeString(in[2])
		} else {
			f.RelayState = html.UnescapeString(in[2])
		}
	}
	return f, nil
}

type samlSessions struct{ p *SAMLIdP }

func (s samlSessions) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	s.p.mu.Lock()
	u := s.p.user
	s.p.mu.Unlock()
	attr := func(name string, values ...string) saml.Attribute {
		a := saml.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}
		for _, v := range values {
			a.Values = append(a.Values, saml.AttributeValue{Type: "xs:string", Value: v})
		}
		return a
	}
	return &saml.Session{
		ID: "session-" + u.NameID, CreateTime: saml.TimeNow(), ExpireTime: saml.TimeNow().Add(time.Hour), Index: "1",
		NameID: u.NameID, NameIDFormat: string(saml.PersistentNameIDFormat),
		CustomAttributes: []saml.Attribute{attr("email", u.Email), attr("name", u.Name), attr("groups", u.Groups...)},
	}
}

type samlAssertions struct{ p *SAMLIdP }

func (a samlAssertions) MakeAssertion(req *saml.IdpAuthnRequest, session *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
		return err
	}
	a.p.mu.Lock()
	f := a.p.mutate
	a.p.mu.Unlock()
	if f != nil {
		f(req.Assertion)
	}
	return nil
}

// spByMetadataURL reads a service provider's metadata from its entity id.
type spByMetadataURL struct{}

func (spByMetadataURL) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	res, err := http.Get(id)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, os.ErrNotExist
	}
	ed := &saml.EntityDescriptor{}
	if err := xml.NewDecoder(res.Body).Decode(ed); err != nil {
		return nil, err
	}
	return ed, nil
}

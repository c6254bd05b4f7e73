package identity

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/crewjam/saml"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/federation"
)

// maxSAMLDocument bounds an IdP's metadata and a posted response: real
// ones are a few kilobytes, and each is parsed whole.
const maxSAMLDocument = 1 << 20

// SAML signs people in through SAML 2.0 identity providers, as the service
// provider of each organization: an HTTP-Redirect AuthnRequest out, an
// HTTP-POST Response back. It is stateless (the service keeps the request
// ids and the assertions seen in the database) and safe for concurrent
// use.
//
// Its time checks use crewjam/saml's clock (saml.TimeNow, the system
// clock) with its skew (saml.MaxClockSkew, 3 minutes), not Options.Now.
type SAML struct {
	client *http.Client
}

// NewSAML returns a SAML with opts (HTTPClient and AllowPrivate are used:
// they reach the IdPs' metadata URLs).
func NewSAML(opts Options) *SAML {
	if opts.HTTPClient == nil {
		opts.HTTPClient = federation.PublicClient(opts.AllowPrivate)
	}
	return &SAML{client: opts.HTTPClient}
}

// FetchMetadata reads an IdP's metadata from u. A URL that cannot be read
// is CodeUnprocessable naming field.
func (s *SAML) FetchMetadata(ctx context.Context, field, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", keyward.FieldError(field, "%s is not a URL.", field)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return "", &keyward.Error{Code: keyward.CodeUnprocessable, Field: field, Err: err, Message: "Could not read the identity provider's metadata at " + u + "."}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", &keyward.Error{Code: keyward.CodeUnprocessable, Field: field, Message: fmt.Sprintf("The identity provider's metadata URL %s answered %d.", u, res.StatusCode)}
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxSAMLDocument+1))
	if err != nil || len(b) > maxSAMLDocument {
		return "", &keyward.Error{Code: keyward.CodeUnprocessable, Field: field, Message: "Could not read the identity provider's metadata at " + u + " (at most 1 MiB)."}
	}
	return string(b), nil
}

// CheckMetadata parses an IdP's metadata and returns its entity id. It
// must name an HTTP-Redirect single sign-on endpoint and a signing
// certificate: keyward sends its requests by redirect and accepts only
// signed responses. A failure is CodeInvalid naming field.
func (*SAML) CheckMetadata(field, metadata string) (string, error) {
	ed, err := parseMetadata(metadata)
	if err != nil {
		return "", keyward.FieldError(field, "%s is not SAML 2.0 metadata: %v", field, err)
	}
	if ed.EntityID == "" {
		return "", keyward.FieldError(field, "The identity provider's metadata has no entityID.")
	}
	sp := saml.ServiceProvider{IDPMetadata: ed}
	if sp.GetSSOBindingLocation(saml.HTTPRedirectBinding) == "" {
		return "", keyward.FieldError(field, "The identity provider's metadata has no SingleSignOnService with the HTTP-Redirect binding.")
	}
	if !hasSigningKey(ed) {
		return "", keyward.FieldError(field, "The identity provider's metadata has no signing certificate.")
	}
	return ed.EntityID, nil
}

func parseMetadata(metadata string) (*saml.EntityDescriptor, error) {
	if len(metadata) > maxSAMLDocument {
		return nil, errors.New("over 1 MiB")
	}
	ed := &saml.EntityDescriptor{}
	if err := xml.Unmarshal([]byte(metadata), ed); err != nil {
		// An EntitiesDescriptor holding the IdP is also metadata.
		var all saml.EntitiesDescriptor
		if err2 := xml.Unmarshal([]byte(metadata), &all); err2 != nil || len(all.EntityDescriptors) != 1 {
			return nil, err
		}
		ed = &all.EntityDescriptors[0]
	}
	if len(ed.IDPSSODescriptors) == 0 {
		return nil, errors.New("no IDPSSODescriptor")
	}
	return ed, nil
}

func hasSigningKey(ed *saml.EntityDescriptor) bool {
	for _, d := range ed.IDPSSODescriptors {
		for _, k := range d.KeyDescriptors {
			if (k.Use == "" || k.Use == "signing") && len(k.KeyInfo.X509Data.X509Certificates) > 0 {
				return true
			}
		}
	}
	return false
}

// serviceProvider is crewjam's service provider for sp. Its audience
// check demands that the assertion be restricted to sp's entity id
// (crewjam accepts an assertion with no AudienceRestriction at all).
func serviceProvider(sp keyward.SAMLServiceProvider) (*saml.ServiceProvider, error) {
	ed, err := parseMetadata(sp.IdPMetadata)
	if err != nil {
		return nil, keyward.Errorf(keyward.CodeConflict, "The identity provider's stored metadata cannot be read: %v; set it again (PUT /v2/identity-provider).", err)
	}
	acs, err := url.Parse(sp.ACSURL)
	if err != nil {
		return nil, err
	}
	meta, err := url.Parse(sp.EntityID)
	if err != nil {
		return nil, err
	}
	return &saml.ServiceProvider{
		EntityID: sp.EntityID, MetadataURL: *meta, AcsURL: *acs, IDPMetadata: ed,
		AuthnNameIDFormat: saml.UnspecifiedNameIDFormat,
		ValidateAudienceRestriction: func(a *saml.Assertion) error {
			if a.Conditions == nil || !slices.ContainsFunc(a.Conditions.AudienceRestrictions, func(r saml.AudienceRestriction) bool {
				return r.Audience.Value == sp.EntityID
			}) {
				return fmt.Errorf("the assertion is not restricted to the audience %q", sp.EntityID)
			}
			return nil
		},
	}, nil
}

// AuthnRequestURL returns the IdP's URL that starts a sign-in: an
// AuthnRequest by the HTTP-Redirect binding, with relayState, and the
// request's id, which the response must answer (InResponseTo).
func (s *SAML) AuthnRequestURL(sp keyward.SAMLServiceProvider, relayState string) (string, string, error) {
	p, err := serviceProvider(sp)
	if err != nil {
		return "", "", err
	}
	req, err := p.MakeAuthenticationRequest(p.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", "", err
	}
	u, err := req.Redirect(url.QueryEscape(relayState), p)
	if err != nil {
		return "", "", err
	}
	return u.String(), req.ID, nil
}

// Metadata returns keyward's SP metadata for an organization: its entity
// id and ACS URL, and that it wants assertions signed. It needs no IdP.
func (*SAML) Metadata(entityID, acsURL string) ([]byte, error) {
	meta, err := url.Parse(entityID)
	if err != nil {
		return nil, err
	}
	acs, err := url.Parse(acsURL)
	if err != nil {
		return nil, err
	}
	p := saml.ServiceProvider{EntityID: entityID, MetadataURL: *meta, AcsURL: *acs, AuthnNameIDFormat: saml.UnspecifiedNameIDFormat}
	return xml.MarshalIndent(p.Metadata(), "", "  ")
}

// ParseResponse verifies a posted SAMLResponse (base64) for sp and
// returns its assertion: signed by a certificate of the IdP's metadata
// (the response or the assertion), issued by the IdP's entity id, sent to
// sp's ACS URL (Destination and the bearer confirmation's Recipient),
// restricted to sp's entity id, inside its time window (NotBefore,
// NotOnOrAfter, with crewjam's skew) and answering requestID. An empty
// requestID is an IdP-initiated sign-in: the response must then answer no
// request at all, since one that answers a request keyward no longer
// knows is a stale or stolen one.
//
// Every refusal is CodeUnauthenticated; its message tells why, since the
// reason is about the IdP's configuration and not a secret.
func (s *SAML) ParseResponse(sp keyward.SAMLServiceProvider, samlResponse, requestID string) (a *keyward.SAMLAssertion, err error) {
	p, err := serviceProvider(sp)
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(samlResponse)
	if err != nil || len(raw) > maxSAMLDocument {
		return nil, keyward.FieldError("SAMLResponse", "SAMLResponse is not a base64-encoded SAML response of at most 1 MiB.")
	}
	var ids []string
	if requestID == "" {
		p.AllowIDPInitiated = true
		p.ValidateRequestID = func(r saml.Response, _ []string) error {
			if r.InResponseTo != "" {
				return fmt.Errorf("the response answers a request (%q) that no sign-in in progress made", r.InResponseTo)
			}
			return nil
		}
	} else {
		ids = []string{requestID}
	}
	defer func() {
		// crewjam dereferences a signed assertion's optional parts.
		if r := recover(); r != nil {
			a, err = nil, refused(fmt.Errorf("malformed assertion: %v", r))
		}
	}()
	acs, _ := url.Parse(sp.ACSURL)
	got, err := p.ParseXMLResponse(raw, ids, *acs)
	if err != nil {
		return nil, refused(err)
	}
	return assertionOf(got, sp)
}

// assertionOf checks what crewjam leaves optional and reads the claims.
func assertionOf(got *saml.Assertion, sp keyward.SAMLServiceProvider) (*keyward.SAMLAssertion, error) {
	if got.ID == "" {
		return nil, refused(errors.New("the assertion has no ID"))
	}
	if got.Subject == nil || got.Subject.NameID == nil || got.Subject.NameID.Value == "" {
		return nil, refused(errors.New("the assertion names no subject (NameID)"))
	}
	// Without a bearer confirmation crewjam checks no Recipient.
	bearer := slices.ContainsFunc(got.Subject.SubjectConfirmations, func(c saml.SubjectConfirmation) bool {
		return c.Method == "urn:oasis:names:tc:SAML:2.0:cm:bearer" && c.SubjectConfirmationData != nil && c.SubjectConfirmationData.Recipient == sp.ACSURL
	})
	if !bearer || got.Conditions == nil || got.Conditions.NotOnOrAfter.IsZero() {
		return nil, refused(errors.New("the assertion has no bearer confirmation for this ACS URL or no NotOnOrAfter"))
	}
	expires := got.Conditions.NotOnOrAfter
	for _, c := range got.Subject.SubjectConfirmations {
		if c.SubjectConfirmationData != nil && c.SubjectConfirmationData.NotOnOrAfter.After(expires) {
			expires = c.SubjectConfirmationData.NotOnOrAfter
		}
	}
	if issued := got.IssueInstant.Add(saml.MaxIssueDelay); issued.After(expires) {
		expires = issued
	}
	claims := map[string]any{"iss": got.Issuer.Value, "sub": got.Subject.NameID.Value}
	for _, st := range got.AttributeStatements {
		for _, at := range st.Attributes {
			var v any
			if len(at.Values) == 1 {
				v = at.Values[0].Value
			} else {
				vs := make([]any, len(at.Values))
				for i, x := range at.Values {
					vs[i] = x.Value
				}
				v = vs
			}
			for _, name := range []string{at.Name, at.FriendlyName} {
				if _, ok := claims[name]; name != "" && !ok {
					claims[name] = v
				}
			}
		}
	}
	return &keyward.SAMLAssertion{ID: got.ID, Expires: expires.Add(saml.MaxClockSkew), Claims: claims}, nil
}

// refused is the answer to a response that fails a check. crewjam keeps
// the reason in InvalidResponseError.PrivateErr.
func refused(err error) error {
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		err = ire.PrivateErr
	}
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return &keyward.Error{Code: keyward.CodeUnauthenticated, Err: err, Message: "The SAML response was refused: " + string(bytes.ToValidUTF8([]byte(msg), nil)) + "."}
}

package identity_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/keywardtest"
)

// TestCheckMetadata: an IdP's metadata is taken only with an entity id,
// an HTTP-Redirect SSO endpoint and a signing certificate.
func TestCheckMetadata(t *testing.T) {
	idp := keywardtest.NewSAMLIdP(t)
	md := idp.Metadata()
	tests := []struct {
		name, metadata string
		want           string // the entity id, or "" for a refusal
	}{
		{"crewjam's IdP", md, idp.MetadataURL},
		{"in an EntitiesDescriptor", `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` + md + `</EntitiesDescriptor>`, idp.MetadataURL},
		{"no signing certificate", regexp.MustCompile(`(?s)<KeyDescriptor.*</KeyDescriptor>`).ReplaceAllString(md, ""), ""},
		{"no HTTP-Redirect endpoint", strings.ReplaceAll(md, "HTTP-Redirect", "HTTP-Artifact"), ""},
		{"no entity id", strings.Replace(md, `entityID="`+idp.MetadataURL+`"`, "", 1), ""},
		{"not XML", "hello", ""},
		{"an SP's metadata", `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example"><SPSSODescriptor/></EntityDescriptor>`, ""},
	}
	s := identity.NewSAML(identity.Options{})
	for _, tt := range tests {
		got, err := s.CheckMetadata("saml_metadata", tt.metadata)
		if got != tt.want {
			t.Errorf("%s: entity id %q, want %q", tt.name, got, tt.want)
		}
		if tt.want == "" && (keyward.ErrorCode(err) != keyward.CodeInvalid || keyward.AsError(err).Field != "saml_metadata") {
			t.Errorf("%s: error %v, want invalid naming saml_metadata", tt.name, err)
		}
	}
}

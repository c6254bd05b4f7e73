package claims

import (
	"net/url"
	"strings"

	"github.com/keyward-iam/keyward"
)

// CheckIssuerURL checks that s can be an issuer URL: absolute https
// (http only when allowHTTP, for development and tests), with a host and
// no query, fragment or user info, at most 512 bytes. It is compared with
// the tokens' iss byte for byte, so it is not normalised. field names the
// request field in errors.
func CheckIssuerURL(field, s string, allowHTTP bool) error {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return keyward.FieldError(field, "%s is required: the issuer URL, as the tokens' iss claim spells it.", field)
	case len(s) > 512:
		return keyward.FieldError(field, "%s is longer than 512 characters.", field)
	case err != nil || u.Host == "" || !u.IsAbs():
		return keyward.FieldError(field, "%s %q is not an absolute URL such as https://token.actions.githubusercontent.com.", field, s)
	case u.Scheme != "https" && !(allowHTTP && u.Scheme == "http"):
		return keyward.FieldError(field, "%s %q must use https.", field, s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#"):
		return keyward.FieldError(field, "%s %q must not carry user info, a query or a fragment.", field, s)
	}
	return nil
}

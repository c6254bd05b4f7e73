package claims

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
)

// Identity is a verified token: who the issuer says the workload is.
type Identity struct {
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
	// AudienceChecked says whether Verify checked the audience against the
	// issuer's allowed audiences (it cannot when the issuer has none).
	AudienceChecked bool
	// Claims are all the token's claims, as JSON decodes them.
	Claims map[string]any
}

// Meets checks the identity against a trust's claim conditions. When the
// issuer has no allowed audiences, the trust must pin aud itself, since a
// token minted for some other service must not open keyward. The error
// is CodePermissionDenied and names the condition that failed.
func (id *Identity) Meets(conds ClaimConditions) error {
	if !id.AudienceChecked && conds["aud"] == "" {
		return keyward.Errorf(keyward.CodePermissionDenied,
			"The issuer %s has no allowed audiences and the trust does not pin aud, so no token of it is accepted.", id.Issuer)
	}
	return conds.Check(id.Claims)
}

// ErrToken is the error for a web identity token that is refused,
// CodeUnauthenticated, its message saying why.
func ErrToken(format string, args ...any) *keyward.Error {
	return &keyward.Error{Code: keyward.CodeUnauthenticated, Message: "Web identity token refused: " + fmt.Sprintf(format, args...)}
}

// Header is the part of a JWT's header read before verification, to
// refuse early and say why.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// Decode decodes a JWT's header and payload without verifying anything;
// the error is ErrToken's, saying what is malformed.
func Decode(token string) (Header, map[string]any, error) {
	var h Header
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return h, nil, ErrToken("it is not a JWT (three dot-separated parts).")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil {
		return h, nil, ErrToken("its header is not base64url-encoded JSON.")
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(pb, &claims) != nil {
		return h, nil, ErrToken("its payload is not base64url-encoded JSON.")
	}
	return h, claims, nil
}

// Peek returns the iss and sub a token claims, without verifying
// anything, so that a caller can pick the issuer to verify it against. A
// token that is not a JWT, or names no issuer, is CodeUnauthenticated.
func Peek(token string) (issuer, subject string, err error) {
	_, claims, err := Decode(strings.TrimSpace(token))
	if err != nil {
		return "", "", err
	}
	issuer, _ = claims["iss"].(string)
	subject, _ = claims["sub"].(string)
	if issuer == "" {
		return "", "", ErrToken("it has no iss claim naming its issuer.")
	}
	return issuer, subject, nil
}

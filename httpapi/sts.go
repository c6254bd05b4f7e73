package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// AWS STS compatibility (Vultr's POST /v2/assumed-roles/compatibility/aws/sts):
// AWS's Query protocol in (form-encoded Action=... parameters), AWS's XML
// out, so that AWS tooling (SDKs, the CLI, credential_process helpers) can
// obtain keyward role sessions. Only AssumeRole and
// AssumeRoleWithWebIdentity exist. RoleArn is
// arn:aws:iam::<organization id>:role/<role id>; Policy and PolicyArns
// narrow the session (stspolicy.go). The returned credentials
// carry the keyward session token as SessionToken (send it as a Bearer
// token to keyward); AccessKeyId is the session id and SecretAccessKey a
// random value keyward does not keep, since keyward verifies no SigV4.

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type stsAssumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type stsResult struct {
	Credentials                 stsCredentials     `xml:"Credentials"`
	AssumedRoleUser             stsAssumedRoleUser `xml:"AssumedRoleUser"`
	SubjectFromWebIdentityToken string             `xml:"SubjectFromWebIdentityToken,omitempty"`
	Audience                    string             `xml:"Audience,omitempty"`
	Provider                    string             `xml:"Provider,omitempty"`
	PackedPolicySize            int                `xml:"PackedPolicySize"`
}

type stsMetadata struct {
	RequestID string `xml:"RequestId"`
}

type stsAssumeRoleResponse struct {
	XMLName  xml.Name    `xml:"AssumeRoleResponse"`
	Xmlns    string      `xml:"xmlns,attr"`
	Result   stsResult   `xml:"AssumeRoleResult"`
	Metadata stsMetadata `xml:"ResponseMetadata"`
}

type stsWebIdentityResponse struct {
	XMLName  xml.Name    `xml:"AssumeRoleWithWebIdentityResponse"`
	Xmlns    string      `xml:"xmlns,attr"`
	Result   stsResult   `xml:"AssumeRoleWithWebIdentityResult"`
	Metadata stsMetadata `xml:"ResponseMetadata"`
}

type stsErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// stsError is an error in AWS's terms: its code and HTTP status.
type stsError struct {
	status int
	code   string
	msg    string
}

func (e *stsError) Error() string { return e.code + ": " + e.msg }

// stsErrorOf maps a keyward error to AWS STS's error codes.
func stsErrorOf(err error, webIdentity bool) *stsError {
	var se *stsError
	if errors.As(err, &se) {
		return se
	}
	msg := keyward.ErrorMessage(err)
	if e := keyward.AsError(err); e != nil && e.Field != "" {
		// A session policy that is no valid document is STS's Policy.
		if field, ok := strings.CutPrefix(e.Field, "session_policy"); ok && e.Code == keyward.CodeInvalid {
			return &stsError{http.StatusBadRequest, "MalformedPolicyDocument", "Policy" + field + ": " + strings.ReplaceAll(msg, "session_policy", "Policy")}
		}
		msg = e.Field + ": " + msg
	}
	switch keyward.ErrorCode(err) {
	case keyward.CodeInvalid, keyward.CodeTooLarge:
		return &stsError{http.StatusBadRequest, "ValidationError", msg}
	case keyward.CodeUnauthenticated:
		switch {
		case webIdentity && errors.Is(err, keyward.ErrExpired):
			return &stsError{http.StatusBadRequest, "ExpiredTokenException", msg}
		case webIdentity:
			return &stsError{http.StatusBadRequest, "InvalidIdentityToken", msg}
		}
		return &stsError{http.StatusForbidden, "InvalidClientTokenId", msg}
	case keyward.CodePermissionDenied, keyward.CodeNotFound, keyward.CodeConflict:
		return &stsError{http.StatusForbidden, "AccessDenied", msg}
	case keyward.CodeUnavailable:
		if webIdentity {
			return &stsError{http.StatusBadRequest, "IDPCommunicationError", msg}
		}
		return &stsError{http.StatusServiceUnavailable, "ServiceUnavailable", msg}
	case keyward.CodeRateLimited:
		return &stsError{http.StatusBadRequest, "Throttling", msg}
	}
	return &stsError{http.StatusInternalServerError, "InternalFailure", "Internal error."}
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		b, status = []byte(`<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>`), http.StatusInternalServerError
	}
	b = append([]byte(xml.Header), b...)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *server) writeSTSError(w http.ResponseWriter, r *http.Request, err error, webIdentity bool) {
	se := stsErrorOf(err, webIdentity)
	SetRetryAfter(w.Header(), err) // AWS's Throttling is a 400; it says when all the same
	if se.status >= 500 {
		s.log.ErrorContext(r.Context(), "internal error", "err", err, "request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path)
	}
	body := stsErrorResponse{Xmlns: stsNamespace, RequestID: requestID(r.Context())}
	body.Error.Type, body.Error.Code, body.Error.Message = "Sender", se.code, se.msg
	if se.status >= 500 {
		body.Error.Type = "Receiver"
	}
	writeXML(w, se.status, body)
}

// parseRoleArn reads arn:aws:iam::<org id>:role/<role id>; a role path
// (role/path/<id>) is allowed and ignored.
func parseRoleArn(arn string) (keyward.OrgID, keyward.RoleID, error) {
	org, role, ok := splitIAMArn(arn, "role")
	if !ok {
		return "", "", &stsError{http.StatusBadRequest, "ValidationError",
			"RoleArn " + strconv.Quote(arn) + " is not arn:aws:iam::<organization id>:role/<role id>."}
	}
	org, role = strings.ToLower(org), strings.ToLower(role)
	if !keyward.ValidID(org) || !keyward.ValidID(role) {
		return "", "", &stsError{http.StatusBadRequest, "ValidationError",
			"RoleArn " + strconv.Quote(arn) + ": the account and the role must be keyward ids (UUIDs)."}
	}
	return keyward.OrgID(org), keyward.RoleID(role), nil
}

// durationParam reads DurationSeconds; absent is 0 (the default).
func durationParam(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, &stsError{http.StatusBadRequest, "ValidationError", "DurationSeconds must be a positive integer."}
	}
	return n, nil
}

// randomSecret is the SecretAccessKey of the credentials: AWS tools need
// one, keyward has no use for it.
func randomSecret() string {
	var b [30]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

func stsResultOf(d *service.SessionDetail) stsResult {
	return stsResult{
		Credentials: stsCredentials{
			AccessKeyID: string(d.ID), SecretAccessKey: randomSecret(), SessionToken: d.Token,
			Expiration: d.ExpiresAt.UTC().Format(time.RFC3339),
		},
		AssumedRoleUser: stsAssumedRoleUser{
			Arn:           "arn:aws:sts::" + string(d.OrgID) + ":assumed-role/" + string(d.RoleID) + "/" + d.Name,
			AssumedRoleID: string(d.RoleID) + ":" + d.Name,
		},
	}
}

// handleSTS serves AWS STS's AssumeRole and AssumeRoleWithWebIdentity.
// It is public to the authentication middleware, because
// AssumeRoleWithWebIdentity carries no keyward credential; AssumeRole
// authenticates its Bearer key here.
func (s *server) handleSTS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.writeSTSError(w, r, keyward.Errorf(keyward.CodeTooLarge, "Request body is larger than %d bytes.", tooBig.Limit), false)
				return
			}
			s.writeSTSError(w, r, &stsError{http.StatusBadRequest, "MalformedQueryString", "The form body is malformed."}, false)
			return
		}
		if err := oneReading(r.Form); err != nil {
			s.writeSTSError(w, r, err, r.Form.Get("Action") == "AssumeRoleWithWebIdentity")
			return
		}
		switch action := r.Form.Get("Action"); action {
		case "AssumeRole":
			s.stsAssumeRole(w, r)
		case "AssumeRoleWithWebIdentity":
			s.stsAssumeRoleWithWebIdentity(w, r)
		default:
			s.writeSTSError(w, r, &stsError{http.StatusBadRequest, "InvalidAction",
				"Action " + strconv.Quote(action) + " is not supported; keyward serves AssumeRole and AssumeRoleWithWebIdentity."}, false)
		}
	})
}

func (s *server) stsAssumeRole(w http.ResponseWriter, r *http.Request) {
	f := r.Form
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		s.writeSTSError(w, r, &stsError{http.StatusForbidden, "MissingAuthenticationToken",
			"AssumeRole needs a keyward API key or session token: send Authorization: Bearer <token>."}, false)
		return
	}
	p, err := s.svc.Authenticate(r.Context(), strings.TrimSpace(token))
	if err != nil {
		s.writeSTSError(w, r, err, false)
		return
	}
	org, role, err := parseRoleArn(f.Get("RoleArn"))
	if err != nil {
		s.writeSTSError(w, r, err, false)
		return
	}
	if org != p.OrgID {
		// Like a missing role: another organization's roles are not visible.
		s.writeSTSError(w, r, &stsError{http.StatusForbidden, "AccessDenied",
			"No role " + string(role) + " in organization " + string(org) + " that your credential can assume."}, false)
		return
	}
	dur, err := durationParam(f.Get("DurationSeconds"))
	if err != nil {
		s.writeSTSError(w, r, err, false)
		return
	}
	pol, named, err := stsSessionPolicy(r, org)
	if err != nil {
		s.writeSTSError(w, r, err, false)
		return
	}
	ctx := keyward.NewContextWithPrincipal(r.Context(), p)
	d, err := s.svc.AssumeRole(ctx, service.AssumeInput{RoleID: role, SessionName: f.Get("RoleSessionName"), Duration: dur,
		SessionPolicy: pol, SessionPolicies: named})
	if err != nil {
		s.writeSTSError(w, r, err, false)
		return
	}
	writeXML(w, http.StatusOK, stsAssumeRoleResponse{Xmlns: stsNamespace, Result: stsResultOf(d), Metadata: stsMetadata{requestID(r.Context())}})
}

func (s *server) stsAssumeRoleWithWebIdentity(w http.ResponseWriter, r *http.Request) {
	f := r.Form
	org, role, err := parseRoleArn(f.Get("RoleArn"))
	if err != nil {
		s.writeSTSError(w, r, err, true)
		return
	}
	dur, err := durationParam(f.Get("DurationSeconds"))
	if err != nil {
		s.writeSTSError(w, r, err, true)
		return
	}
	pol, named, err := stsSessionPolicy(r, org)
	if err != nil {
		s.writeSTSError(w, r, err, true)
		return
	}
	token := f.Get("WebIdentityToken")
	if scheme, bearer, ok := strings.Cut(r.Header.Get("Authorization"), " "); token == "" && ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(bearer) // Vultr's documented form: the JWT as the Bearer
	}
	d, err := s.svc.AssumeRoleWithWebIdentity(r.Context(), service.WebIdentityInput{
		OrgID: org, RoleID: role, Token: token, SessionName: f.Get("RoleSessionName"), Duration: dur,
		SessionPolicy: pol, SessionPolicies: named,
	})
	if err != nil {
		s.writeSTSError(w, r, err, true)
		return
	}
	res := stsResultOf(d.SessionDetail)
	res.Provider, res.SubjectFromWebIdentityToken, res.Audience = d.Issuer, d.Subject, strings.Join(d.Audience, ",")
	writeXML(w, http.StatusOK, stsWebIdentityResponse{Xmlns: stsNamespace, Result: res, Metadata: stsMetadata{requestID(r.Context())}})
}

// oneReading refuses a form in which a parameter is given twice (in the
// body and the query string, or twice in one) or in two spellings that
// differ only in case: a proxy that reads the first one must not see
// another request than keyward.
func oneReading(form url.Values) error {
	seen := make(map[string]string, len(form))
	for _, k := range slices.Sorted(maps.Keys(form)) {
		if len(form[k]) > 1 {
			return stsInvalid(k + " is given more than once (in the body and the query string, or twice in one); give it once.")
		}
		if other, ok := seen[strings.ToLower(k)]; ok {
			return stsInvalid(other + " and " + k + " differ only in case; give the parameter once, spelled as documented.")
		}
		seen[strings.ToLower(k)] = k
	}
	return nil
}

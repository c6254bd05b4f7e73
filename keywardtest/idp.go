package keywardtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// IdP is a real OpenID provider in the test process: zitadel/oidc's OP
// (authorization-code flow with PKCE, ID tokens signed with its own RSA
// key, discovery and JWKS) on the library's in-memory example storage and
// login page, with one confidential web client. Its users, their groups
// and whether they may sign in are the test's to change at any time,
// as an administrator changes them in Okta or Keycloak.
type IdP struct {
	// URL is the issuer URL.
	URL string
	// ClientID and ClientSecret are the web client's; RedirectURI is the
	// one redirect URI it allows.
	ClientID, ClientSecret, RedirectURI string

	mu    sync.Mutex
	users map[string]*IdPUser // by username
}

// IdPUser is a person of the IdP. Subject is the sub of their ID tokens.
type IdPUser struct {
	Subject, Username, Password string
	Email, Name                 string
	Groups                      []string
	// Disabled users cannot sign in at the IdP, as a deactivated or
	// removed account cannot.
	Disabled bool
}

// NewIdP starts an IdP whose client sends browsers back to redirectURI;
// tb stops it when it ends.
func NewIdP(tb testing.TB, redirectURI string) *IdP {
	tb.Helper()
	p := &IdP{ClientID: "keyward", ClientSecret: "keyward-client-secret", RedirectURI: redirectURI, users: map[string]*IdPUser{}}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	tb.Cleanup(srv.Close)
	p.URL = srv.URL
	st := storage.NewStorageWithClients(idpUsers{p}, map[string]*storage.Client{
		p.ClientID: storage.WebClient(p.ClientID, p.ClientSecret, redirectURI),
	})
	h = exampleop.SetupServer(p.URL, idpStorage{st, p}, nil, false, op.WithAllowInsecure())
	return p
}

// SetUser adds or replaces a user.
func (p *IdP) SetUser(u IdPUser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u.Groups = append([]string(nil), u.Groups...)
	p.users[u.Username] = &u
}

// Update changes the user username with edit.
func (p *IdP) Update(username string, edit func(*IdPUser)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	edit(p.users[username])
}

func (p *IdP) user(match func(*IdPUser) bool) *IdPUser {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.users {
		if match(u) {
			c := *u
			return &c
		}
	}
	return nil
}

// Authorize drives a browser sign-in with client (which must have a cookie
// jar): it follows the redirects from start (a relying party's sign-in
// URL, or the IdP's own authorization URL) to the IdP's login page, signs
// in there as username with password, and follows the IdP's redirects up
// to the relying party's redirect URI, which it returns without visiting
// (with its code and state). A login the IdP refuses is an error.
func (p *IdP) Authorize(client *http.Client, start, username, password string) (*url.URL, error) {
	c := *client
	var callback *url.URL
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), p.RedirectURI) {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		if len(via) > 10 {
			return errors.New("too many redirects")
		}
		return nil
	}
	res, err := c.Get(start)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if callback != nil {
		return callback, nil // signed in at the IdP already
	}
	if res.StatusCode != http.StatusOK || id == "" {
		return nil, fmt.Errorf("GET %s ended at %s with %d %s, not at the IdP's login page", start, res.Request.URL, res.StatusCode, body)
	}
	res, err = c.PostForm(p.URL+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		return nil, err
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if callback == nil {
		return nil, fmt.Errorf("the IdP refused the login of %s: %d %s", username, res.StatusCode, body)
	}
	return callback, nil
}

// Browser returns an HTTP client with a cookie jar, as a browser is.
func Browser(tb testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// idpUsers is the example storage's user store over the IdP's users: a
// disabled user is unknown to the login page.
type idpUsers struct{ p *IdP }

func (s idpUsers) GetUserByID(id string) *storage.User {
	return toStorageUser(s.p.user(func(u *IdPUser) bool { return u.Subject == id }))
}

func (s idpUsers) GetUserByUsername(name string) *storage.User {
	return toStorageUser(s.p.user(func(u *IdPUser) bool { return u.Username == name && !u.Disabled }))
}

func (s idpUsers) ExampleClientID() string { return storage.ServiceUserID }

func toStorageUser(u *IdPUser) *storage.User {
	if u == nil {
		return nil
	}
	return &storage.User{ID: u.Subject, Username: u.Username, Password: u.Password, Email: u.Email, EmailVerified: true, FirstName: u.Name}
}

// idpStorage is the example storage with the claims of real IdPs: the
// ID token carries email, name and the groups claim (as Okta's groups
// scope and Keycloak's group mapper put them there), and the client may
// ask for any scope.
type idpStorage struct {
	*storage.Storage
	p *IdP
}

func (s idpStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return idpClient{c}, nil
}

func (s idpStorage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	u := s.p.user(func(u *IdPUser) bool { return u.Subject == req.GetSubject() })
	if u == nil {
		return errors.New("no such user")
	}
	info.Subject = u.Subject
	info.Email, info.EmailVerified, info.Name = u.Email, true, u.Name
	info.AppendClaims("groups", u.Groups)
	return nil
}

type idpClient struct{ op.Client }

func (idpClient) IsScopeAllowed(string) bool           { return true }
func (idpClient) IDTokenUserinfoClaimsAssertion() bool { return true }

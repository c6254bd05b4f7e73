package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// userJSON is Vultr's User object plus keyward's kind, status and dates.
type userJSON struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	APIEnabled    bool     `json:"api_enabled"`
	APIKey        string   `json:"api_key,omitempty"`
	ACLs          []string `json:"acls"`
	ServiceUser   bool     `json:"service_user"`
	Kind          string   `json:"kind"`
	Status        string   `json:"status"`
	HasPassword   bool     `json:"has_password"`
	DateCreated   string   `json:"date_created"`
	DateUpdated   string   `json:"date_updated"`
	DateSuspended string   `json:"date_suspended"`
	Source        string   `json:"source"`
}

func toUserJSON(u *keyward.User) userJSON {
	acls := u.ACLs
	if acls == nil {
		acls = []string{}
	}
	return userJSON{
		ID: string(u.Account.ID), Name: u.Name, Email: u.Email, APIEnabled: u.APIEnabled, ACLs: acls,
		ServiceUser: u.Service, Kind: string(u.Kind()), Status: string(u.Status), HasPassword: u.PasswordHash != "",
		DateCreated: timeJSON(&u.Member.CreatedAt), DateUpdated: timeJSON(&u.Member.UpdatedAt),
		DateSuspended: timeJSON(u.SuspendedAt), Source: u.SourceName(),
	}
}

type userBody struct {
	User userJSON `json:"user"`
}

// userReq is Vultr's UserReq.
type userReq struct {
	Email       string   `json:"email"`
	Name        string   `json:"name"`
	Password    string   `json:"password"`
	APIEnabled  *bool    `json:"api_enabled"`
	ACLs        []string `json:"acls"`
	ServiceUser bool     `json:"service_user"`
}

func (q userReq) input() service.UserInput {
	return service.UserInput{Email: q.Email, Name: q.Name, Password: q.Password, APIEnabled: q.APIEnabled, ACLs: q.ACLs, ServiceUser: q.ServiceUser}
}

func (s *server) handleCreateUser() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *userReq) (any, error) {
		u, key, err := s.svc.CreateUser(r.Context(), req.input())
		if err != nil {
			return nil, err
		}
		j := toUserJSON(u)
		j.APIKey = key
		return userBody{j}, nil
	})
}

func (s *server) handleListUsers() http.Handler {
	return listHandler(s, "users", nil, func(r *http.Request, _ string, page keyward.Page) ([]userJSON, keyward.PageInfo, error) {
		q := r.URL.Query()
		f := keyward.UserFilter{
			Kind: keyward.UserKind(q.Get("kind")), Status: keyward.UserStatus(q.Get("status")), Email: q.Get("email"), Page: page,
		}
		users, info, err := s.svc.ListUsers(r.Context(), f)
		return jsons(users, toUserJSON), info, err
	})
}

func (s *server) handleMe() http.Handler {
	return callHandler(s, nil, http.StatusOK, func(r *http.Request, _ string, _ *noBody) (any, error) {
		u, err := s.svc.Me(r.Context())
		if err != nil {
			return nil, err
		}
		return userBody{toUserJSON(u)}, nil
	})
}

func (s *server) handleGetUser() http.Handler {
	return callHandler(s, inPath("user_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		u, err := s.svc.GetUser(r.Context(), keyward.UserID(id))
		if err != nil {
			return nil, err
		}
		return userBody{toUserJSON(u)}, nil
	})
}

func (s *server) handleUpdateUser() http.Handler {
	return callHandler(s, inPath("user_id"), http.StatusNoContent, func(r *http.Request, id string, req *userReq) (any, error) {
		return nil, s.svc.UpdateUser(r.Context(), keyward.UserID(id), req.input())
	})
}

func (s *server) handleDeleteUser() http.Handler {
	return callHandler(s, inPath("user_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteUser(r.Context(), keyward.UserID(id))
	})
}

package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
)

// tagsJSON is the body of the tag routes, request and response alike: a
// user's tags (at most service.MaxTags, so never paged).
type tagsJSON struct {
	Tags []keyward.Tag `json:"tags"`
}

func (s *server) handleListUserTags() http.Handler {
	return s.userTags(func(r *http.Request, id keyward.UserID) ([]keyward.Tag, error) {
		return s.svc.ListUserTags(r.Context(), id)
	})
}

// handleTagUser adds or changes the tags of its body (AWS's TagUser).
func (s *server) handleTagUser() http.Handler {
	return s.userTags(func(r *http.Request, id keyward.UserID) ([]keyward.Tag, error) {
		var req tagsJSON
		if err := decodeJSON(r, &req); err != nil {
			return nil, err
		}
		return s.svc.TagUser(r.Context(), id, req.Tags)
	})
}

// handleUntagUser removes the tags whose keys its query names, key=K once
// per key (AWS's UntagUser).
func (s *server) handleUntagUser() http.Handler {
	return s.userTags(func(r *http.Request, id keyward.UserID) ([]keyward.Tag, error) {
		return s.svc.UntagUser(r.Context(), id, r.URL.Query()["key"])
	})
}

// userTags serves a tag route of the user in the path: call's tags, or
// its error.
func (s *server) userTags(call func(*http.Request, keyward.UserID) ([]keyward.Tag, error)) http.Handler {
	return callHandler(s, inPath("user_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		tags, err := call(r, keyward.UserID(id))
		if err != nil {
			return nil, err
		}
		return tagsJSON{tags}, nil
	})
}

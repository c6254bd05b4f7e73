package httpapi

import (
	"context"
	"net/http"
)

// restoreHandler serves PATCH .../{param}/restore of a kind deleted
// softly (roles, policies, groups): it restores the object the path names
// and answers with write, or as writeError does.
func restoreHandler[ID ~string, T any](s *server, param string, restore func(context.Context, ID) (T, error),
	write func(http.ResponseWriter, T)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, param)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		v, err := restore(r.Context(), ID(id))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		write(w, v)
	})
}

package httpapi

import "net/http"

// okBody is the body of health answers. It has no top-level "status" key
// because Vultr's client reads that key as a number.
type okBody struct {
	OK bool `json:"ok"`
}

// handleHealth is liveness: 200 while the process can get a database
// connection within a few seconds (service.Service.Live), so that a replica
// whose connections are all held by transactions that never end is
// restarted, rather than kept alive answering nothing else.
func (s *server) handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.svc.Live(r.Context()); err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, okBody{OK: true})
	})
}

// handleReady is readiness: 200 when every check of service.Service.Ready
// passes, else 503 whose errors name the checks that failed.
func (s *server) handleReady() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.svc.Ready(r.Context()); err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, okBody{OK: true})
	})
}

func (s *server) handleSpec() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(s.spec)
	})
}

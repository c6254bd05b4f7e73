package httpapi

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
)

// Route is a route of the server, for the tests that visit every one.
type Route = route

// Routes returns every route of the server, in registration order.
func Routes() []Route {
	s := &server{}
	s.routes(http.NewServeMux(), prometheus.NewRegistry())
	return s.table
}

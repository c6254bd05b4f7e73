package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// weekdays are the trust form's day boxes, Monday first as a calendar
// shows them; their values are the names the service reads.
var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// trustConditions reads the trust form's conditions (hours of the day in
// UTC, days of the week, source address ranges) into the service's input;
// nil when the form sets none. The service validates the values and names
// the field of a bad one (conditions.ip_address[1]); what is read here is
// only what a form's text cannot be: an hour that is not a number, or one
// end of a time window without the other.
func trustConditions(r *http.Request) (*service.ConditionsInput, error) {
	var in service.ConditionsInput
	start, end := strings.TrimSpace(r.PostFormValue("time_start")), strings.TrimSpace(r.PostFormValue("time_end"))
	if start != "" || end != "" {
		w := &keyward.TimeOfDay{}
		for _, f := range []struct {
			name, v string
			to      *int
		}{{"start", start, &w.Start}, {"end", end, &w.End}} {
			h, err := strconv.Atoi(f.v)
			if err != nil {
				return nil, keyward.FieldError("conditions.time_of_day."+f.name, "time_of_day.%s %q is not an hour from 0 to 23 (UTC); give both ends of the window, or neither.", f.name, f.v)
			}
			*f.to = h
		}
		in.TimeOfDay = w
	}
	in.DaysOfWeek = r.PostForm["days_of_week"]
	in.IPAddress = strings.FieldsFunc(r.PostFormValue("ip_address"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
	if in.TimeOfDay == nil && len(in.DaysOfWeek) == 0 && len(in.IPAddress) == 0 {
		return nil, nil
	}
	return &in, nil
}

// claimConditions reads the form's claim conditions of an OIDC issuer
// trust, one claim=value a line (a value may be a glob with *); nil for
// none.
func claimConditions(r *http.Request) (map[string]string, error) {
	var out map[string]string
	for i, line := range strings.Split(r.PostFormValue("claim_conditions"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, keyward.FieldError("claim_conditions", "Line %d, %q, is not claim=value.", i+1, line)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
)

// trustStart is a Wednesday, 10:00 UTC.
var trustStart = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// newClockAPI is newAPI on a fake clock that both the store and the
// service read, starting at trustStart.
func newClockAPI(t *testing.T) (*api, *keywardtest.Clock) {
	t.Helper()
	return newClockAPILog(t, io.Discard)
}

// newClockAPILog is newClockAPI with the server's log written to w.
func newClockAPILog(t *testing.T, w io.Writer) (*api, *keywardtest.Clock) {
	t.Helper()
	store, clock := openClockedStore(t, trustStart)
	logger := slog.New(slog.NewTextHandler(w, nil))
	svc := service.New(store, service.Options{Logger: logger, Now: clock.Now})
	return serveAPI(t, svc, logger, nil), clock
}

// openClockedStore opens a store, on the last of the dialects the tests
// run on, whose clock is a fake one starting at start.
func openClockedStore(t *testing.T, start time.Time) (*sqlstore.DB, *keywardtest.Clock) {
	t.Helper()
	clock := keywardtest.NewClock(start)
	ds := keywardtest.Dialects()
	return keywardtest.OpenDialect(t, ds[len(ds)-1], sqlstore.Config{Now: clock.Now}), clock
}

type trustOut struct {
	ID             string `json:"id"`
	RoleID         string `json:"role_id"`
	RoleName       string `json:"role_name"`
	TrustType      string `json:"trust_type"`
	AssumptionMode string `json:"assumption_mode"`
	TrustedUserID  string `json:"trusted_user_id"`
	TrustedGroupID string `json:"trusted_group_id"`
	Conditions     struct {
		TimeOfDay *struct {
			Start int `json:"start"`
			End   int `json:"end"`
		} `json:"time_of_day"`
		IPAddress  []string `json:"ip_address"`
		DaysOfWeek []string `json:"days_of_week"`
	} `json:"conditions"`
	ValidUntil string `json:"valid_until"`
}

// assumableRole creates an assumable role with a policy of doc attached
// and returns its id.
func (a *api) assumableRole(name string, maxSeconds int, doc string) string {
	a.t.Helper()
	var r struct{ ID string }
	a.do("POST", "/v2/roles", a.root, `{"name":"`+name+`","description":"","role_type":"assumable","max_session_duration":`+strconv.Itoa(maxSeconds)+`}`, http.StatusCreated, &r)
	p := a.createPolicy(name+"-policy", doc)
	a.do("POST", "/v2/roles/"+r.ID+"/policies/"+p, a.root, "", http.StatusCreated, nil)
	return r.ID
}

func (a *api) createTrust(body string) trustOut {
	a.t.Helper()
	var t trustOut
	a.do("POST", "/v2/role-trusts", a.root, body, http.StatusCreated, &t)
	return t
}

func TestRoleTrustLifecycle(t *testing.T) {
	a, clock := newClockAPI(t)
	alice, _ := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	role := a.assumableRole("deployer", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	until := clock.Now().Add(24 * time.Hour).Format(time.RFC3339)

	created := a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + alice +
		`","conditions":{"time_of_day":{"start":0,"end":23},"ip_address":["0.0.0.0/0"]},"valid_until":"` + until + `"}`)
	if created.RoleName != "deployer" || created.AssumptionMode != "manual" || created.TrustedUserID != alice ||
		created.Conditions.TimeOfDay == nil || created.Conditions.TimeOfDay.End != 23 || created.ValidUntil != until {
		t.Errorf("created = %+v", created)
	}

	var got struct {
		RoleTrust trustOut `json:"role_trust"`
	}
	a.do("GET", "/v2/role-trusts/"+created.ID, a.root, "", http.StatusOK, &got)
	if got.RoleTrust.ID != created.ID {
		t.Errorf("get = %+v, want the wrapped trust %s", got, created.ID)
	}

	// A partial update changes valid_until only.
	later := clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	var upd trustOut
	a.do("PUT", "/v2/role-trusts/"+created.ID, a.root, `{"valid_until":"`+later+`"}`, http.StatusOK, &upd)
	if upd.ValidUntil != later || upd.TrustedUserID != alice || upd.Conditions.TimeOfDay == nil || len(upd.Conditions.IPAddress) != 1 {
		t.Errorf("after a partial update = %+v", upd)
	}

	var list struct {
		RoleTrusts []trustOut `json:"role_trusts"`
		Meta       struct{ Total int }
	}
	for _, path := range []string{"/v2/role-trusts?per_page=5", "/v2/role-trusts/by-role/" + role} {
		a.do("GET", path, a.root, "", http.StatusOK, &list)
		if len(list.RoleTrusts) != 1 || list.RoleTrusts[0].ID != created.ID || list.Meta.Total != 1 {
			t.Errorf("GET %s = %+v", path, list)
		}
	}
	var mine struct {
		AssumableRoles []trustOut `json:"assumable_roles"`
	}
	a.do("GET", "/v2/role-trusts/assumable/"+alice, a.root, "", http.StatusOK, &mine)
	if len(mine.AssumableRoles) != 1 {
		t.Errorf("assumable roles of alice = %+v", mine)
	}

	// The role cannot become assignable while it has a trust.
	var e apiError
	a.do("PUT", "/v2/roles/"+role, a.root, `{"name":"deployer","description":"","role_type":"assignable","max_session_duration":0}`, http.StatusConflict, &e)
	if e.Field != "role_type" {
		t.Errorf("convert with a trust: field %q, want role_type", e.Field)
	}

	a.do("DELETE", "/v2/role-trusts/"+created.ID, a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/role-trusts/"+created.ID, a.root, "", http.StatusNotFound, nil)
	a.do("PATCH", "/v2/role-trusts/"+created.ID+"/restore", a.root, "", http.StatusOK, &got)
	if got.RoleTrust.ID != created.ID {
		t.Errorf("restore = %+v, want the wrapped trust", got)
	}

	// Only assumable roles take trusts.
	var plain struct{ ID string }
	a.do("POST", "/v2/roles", a.root, `{"name":"plain","description":"","role_type":"assignable","max_session_duration":0}`, http.StatusCreated, &plain)
	a.do("POST", "/v2/role-trusts", a.root, `{"role_id":"`+plain.ID+`","trust_type":"TemporaryAssumption","trusted_user_id":"`+alice+`"}`, http.StatusConflict, &e)
	if e.Field != "role_id" {
		t.Errorf("trust on an assignable role: field %q, want role_id", e.Field)
	}
}

func TestRoleTrustBadInput(t *testing.T) {
	a, clock := newClockAPI(t)
	alice, _ := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	var g struct{ ID string }
	a.do("POST", "/v2/groups", a.root, `{"display_name":"ops","description":""}`, http.StatusCreated, &g)
	role := a.assumableRole("deployer", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	head := `{"role_id":"` + role + `","trust_type":"TemporaryAssumption",`
	past := clock.Now().Add(-time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name, body, field string
	}{
		{"no role", `{"trust_type":"TemporaryAssumption","trusted_user_id":"` + alice + `"}`, "role_id"},
		{"bad type", `{"role_id":"` + role + `","trust_type":"Forever","trusted_user_id":"` + alice + `"}`, "trust_type"},
		{"no type", `{"role_id":"` + role + `","trusted_user_id":"` + alice + `"}`, "trust_type"},
		{"bad mode", head + `"assumption_mode":"sometimes","trusted_user_id":"` + alice + `"}`, "assumption_mode"},
		{"no trustee", head + `"conditions":{}}`, "trusted_user_id"},
		{"two trustees", head + `"trusted_user_id":"` + alice + `","trusted_group_id":"` + g.ID + `"}`, "trusted_user_id"},
		{"unknown user", head + `"trusted_user_id":"0193a000-0000-7000-8000-00000000beef"}`, "trusted_user_id"},
		{"hour 24", head + `"trusted_user_id":"` + alice + `","conditions":{"time_of_day":{"start":9,"end":24}}}`, "conditions.time_of_day.end"},
		{"hours as strings", head + `"trusted_user_id":"` + alice + `","conditions":{"time_of_day":{"start":"09:00","end":17}}}`, "conditions.time_of_day.start"},
		{"bad cidr", head + `"trusted_user_id":"` + alice + `","conditions":{"ip_address":["10.0.0.0/33"]}}`, "conditions.ip_address[0]"},
		{"bad day", head + `"trusted_user_id":"` + alice + `","conditions":{"days_of_week":["someday"]}}`, "conditions.days_of_week[0]"},
		{"timezone", head + `"trusted_user_id":"` + alice + `","conditions":{"time_of_day":{"start":9,"end":17,"timezone":"Europe/Paris"}}}`, "conditions.time_of_day.timezone"},
		{"past expiry", head + `"trusted_user_id":"` + alice + `","valid_until":"` + past + `"}`, "valid_until"},
		{"bad expiry", head + `"trusted_user_id":"` + alice + `","valid_until":"next week"}`, "valid_until"},
		{"claims on a user trust", head + `"trusted_user_id":"` + alice + `","claim_conditions":{"sub":"x"}}`, "claim_conditions"},
		{"federated without issuer", `{"role_id":"` + role + `","trust_type":"FederatedAssumption","trusted_user_id":"` + alice + `"}`, "trusted_oidc_issuer_id"},
		{"unknown field", head + `"trusted_user_id":"` + alice + `","trusted_org":"x"}`, "trusted_org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			a.in(t).do("POST", "/v2/role-trusts", a.root, tc.body, http.StatusBadRequest, &e)
			if e.Field != tc.field {
				t.Errorf("field = %q (%s), want %q", e.Field, e.Error, tc.field)
			}
		})
	}
}

// TestIssuerTrustMode: a trust of an OIDC issuer is automatic, whatever
// its type, since its issuer's tokens take the role through the
// web-identity exchange; asking for manual is a 400 naming
// assumption_mode. A trust that stops trusting an issuer takes its
// type's default again rather than staying automatic unasked.
func TestIssuerTrustMode(t *testing.T) {
	a := newAPI(t)
	alice, _ := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	role := a.assumableRole("deployer", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	var iss issuerBody
	a.do("POST", "/v2/oidc/issuer", a.root, `{"issuer":{"name":"ci","uri":"https://ci.example.com","audiences":["keyward"]}}`, http.StatusCreated, &iss)
	issuer := `"trusted_oidc_issuer_id":"` + iss.Issuer.ID + `"`
	for _, tc := range []struct {
		name, body string
		status     int
		want       string // the mode, or the field of the 400
	}{
		{"federated, no mode", `"trust_type":"FederatedAssumption",` + issuer, http.StatusCreated, "automatic"},
		{"temporary, no mode", `"trust_type":"TemporaryAssumption",` + issuer, http.StatusCreated, "automatic"},
		{"automatic", `"trust_type":"FederatedAssumption","assumption_mode":"automatic",` + issuer, http.StatusCreated, "automatic"},
		{"manual", `"trust_type":"FederatedAssumption","assumption_mode":"manual",` + issuer, http.StatusBadRequest, "assumption_mode"},
		{"manual, temporary", `"trust_type":"TemporaryAssumption","assumption_mode":"Manual",` + issuer, http.StatusBadRequest, "assumption_mode"},
		{"user, no mode", `"trust_type":"TemporaryAssumption","trusted_user_id":"` + alice + `"`, http.StatusCreated, "manual"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				trustOut
				apiError
			}
			a.in(t).do("POST", "/v2/role-trusts", a.root, `{"role_id":"`+role+`",`+tc.body+`}`, tc.status, &got)
			if g := got.AssumptionMode + got.Field; g != tc.want {
				t.Errorf("mode or field = %q (%s), want %q", g, got.Error, tc.want)
			}
		})
	}

	tr := a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption",` + issuer + `}`)
	var e apiError
	a.do("PUT", "/v2/role-trusts/"+tr.ID, a.root, `{"assumption_mode":"manual"}`, http.StatusBadRequest, &e)
	if e.Field != "assumption_mode" {
		t.Errorf("update of an issuer's trust to manual: field %q (%s), want assumption_mode", e.Field, e.Error)
	}
	var got trustOut
	a.do("PUT", "/v2/role-trusts/"+tr.ID, a.root, `{"trusted_user_id":"`+alice+`"}`, http.StatusOK, &got)
	if got.AssumptionMode != "manual" {
		t.Errorf("the issuer's trust given to Alice is %q, want manual (TemporaryAssumption's default)", got.AssumptionMode)
	}
}

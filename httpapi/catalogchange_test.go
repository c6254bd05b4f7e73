package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
)

// widgetsPart is a provider's catalog part with publishing, and without
// when publish is false.
func widgetsPart(publish bool) string {
	actions := `{"name":"myapp.widget.Read","level":"read","description":"Read a widget"}`
	if publish {
		actions += `,{"name":"myapp.widget.Publish","level":"write","description":"Publish a widget"}`
	}
	return `{"actions":[` + actions + `],"grid_groups":[{"id":"widgets","name":"Widgets"}],` +
		`"resource_types":[{"name":"myapp.widget","grid_group":"widgets"}]}`
}

type catalogChange struct {
	Change struct {
		Revision int64    `json:"revision"`
		Applied  bool     `json:"applied"`
		Added    []string `json:"added"`
		Removed  []string `json:"removed"`
		Affected []struct {
			Name           string `json:"name"`
			OrganizationID string `json:"organization_id"`
			Reason         string `json:"reason"`
		} `json:"affected_policies"`
	} `json:"catalog_change"`
}

// TestCatalogChange changes the catalog at run time as a fleet
// administrator: new actions are policies' vocabulary at once; removing one
// in use is refused naming the policy, and forced, leaves its statement
// allowing nothing.
func TestCatalogChange(t *testing.T) {
	a := newAPI(t)
	alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	publish := `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["myapp.widget.Publish","myapp.widget.Read"],"Resource":"*"}]}`
	var e apiError
	a.do("POST", "/v2/policies", a.root, `{"name":"publisher","policy_document":`+publish+`}`, http.StatusBadRequest, &e)

	var c catalogChange
	a.do("PUT", "/v2/catalog", a.root, widgetsPart(true), http.StatusOK, &c)
	if !c.Change.Applied || c.Change.Revision != 1 || strings.Join(c.Change.Added, " ") != "myapp.widget.Read myapp.widget.Publish" {
		t.Fatalf("apply: %+v", c.Change)
	}
	var actions struct {
		Actions []struct{ Name, Source, GridGroup string } `json:"actions"`
	}
	a.do("GET", "/v2/actions?source=api", aliceKey, "", http.StatusOK, &actions)
	if len(actions.Actions) != 2 {
		t.Errorf("GET /v2/actions?source=api: %+v", actions)
	}
	pid := a.createPolicy("publisher", publish)
	a.attach(pid, alice)
	ask := `{"action":"myapp.widget.Publish","resource":{"id":"0193a000-0000-7000-8000-0000000000aa"}}`
	var v verdict
	a.do("POST", "/v2/authorize", aliceKey, ask, http.StatusOK, &v)
	if !v.Allowed {
		t.Fatalf("after the apply, publish: %+v", v)
	}

	// Removing Publish: the diff names the policy; applying is refused
	// until forced, and changes nothing while refused.
	a.do("POST", "/v2/catalog/diff", a.root, widgetsPart(false), http.StatusOK, &c)
	if c.Change.Applied || strings.Join(c.Change.Removed, " ") != "myapp.widget.Publish" || len(c.Change.Affected) != 1 ||
		c.Change.Affected[0].Name != "publisher" || c.Change.Affected[0].OrganizationID != a.orgID {
		t.Errorf("diff: %+v", c.Change)
	}
	a.do("PUT", "/v2/catalog", a.root, widgetsPart(false), http.StatusConflict, &e)
	if !strings.Contains(e.Error, "publisher") {
		t.Errorf("refused apply: %q, want it to name the policy", e.Error)
	}
	a.do("POST", "/v2/authorize", aliceKey, ask, http.StatusOK, &v)
	if !v.Allowed {
		t.Errorf("after the refused apply, publish: %+v", v)
	}
	a.do("PUT", "/v2/catalog?force=true", a.root, widgetsPart(false), http.StatusOK, &c)
	if !c.Change.Applied || c.Change.Revision != 2 {
		t.Errorf("forced apply: %+v", c.Change)
	}
	// The statement naming the removed action allows nothing now, not
	// even the action that is still in the catalog.
	a.do("POST", "/v2/authorize", aliceKey, `{"action":"myapp.widget.Read","resource":{"id":"0193a000-0000-7000-8000-0000000000aa"}}`, http.StatusOK, &v)
	if v.Allowed {
		t.Errorf("after the forced apply, read: %+v, want a deny", v)
	}
	a.do("POST", "/v2/authorize", aliceKey, ask, http.StatusBadRequest, &e)
	if e.Field != "action" {
		t.Errorf("authorize a removed action: %+v, want a 400 naming action", e)
	}
}

// TestCatalogChange_refused: bad parts are refused naming what is wrong, and
// nobody but a fleet administrator changes or reads the stored part.
func TestCatalogChange_refused(t *testing.T) {
	a := newAPI(t)
	_, adminKey := a.member("admin@example.com", "*")
	for _, tt := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"bad level", `{"actions":[{"name":"myapp.widget.Read","level":"superuser"}]}`, http.StatusBadRequest, "actions[0].level"},
		{"bad name", `{"actions":[{"name":"myapp.widget","level":"read"}]}`, http.StatusBadRequest, "actions[0].name"},
		{"unknown field", `{"actions":[{"name":"myapp.widget.Read","level":"read","colour":"red"}]}`, http.StatusBadRequest, "colour"},
		{"Vultr's action", `{"actions":[{"name":"compute.instance.Create","level":"write"}]}`, http.StatusConflict, "actions"},
		{"keyward's service", `{"actions":[{"name":"iam.widget.Read","level":"read"}]}`, http.StatusConflict, "actions"},
		{"undeclared grid group", `{"actions":[{"name":"myapp.widget.Read","level":"read"}],"resource_types":[{"name":"myapp.widget","grid_group":"nope"}]}`, http.StatusConflict, "actions"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			a.do("PUT", "/v2/catalog", a.root, tt.body, tt.status, &e)
			if e.Field != tt.field {
				t.Errorf("field = %q, want %q (%s)", e.Field, tt.field, e.Error)
			}
		})
	}
	for _, rt := range []struct{ method, path, body string }{
		{"GET", "/v2/catalog", ""}, {"PUT", "/v2/catalog", widgetsPart(true)}, {"POST", "/v2/catalog/diff", widgetsPart(true)},
	} {
		var e apiError
		a.do(rt.method, rt.path, adminKey, rt.body, http.StatusForbidden, &e)
	}
	var st struct {
		Catalog struct{ Revision int64 } `json:"catalog"`
	}
	a.do("GET", "/v2/catalog", a.root, "", http.StatusOK, &st)
	if st.Catalog.Revision != 0 {
		t.Errorf("after refusals, revision %d, want 0", st.Catalog.Revision)
	}
}

// TestCatalogChange_replicas: a change applied through one replica reaches
// another on the same database within seconds, without a restart.
func TestCatalogChange_replicas(t *testing.T) {
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		a, b := replicas(t, dialect)
		token := a.root
		b.do("GET", "/v2/actions/myapp.widget.Publish", token, "", http.StatusNotFound, nil)
		a.do("PUT", "/v2/catalog", token, widgetsPart(true), http.StatusOK, nil)
		deadline := time.Now().Add(10 * time.Second)
		for b.raw("GET", "/v2/actions/myapp.widget.Publish", token, "") != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatal("replica B never saw the new action")
			}
			time.Sleep(100 * time.Millisecond)
		}
		var g struct {
			Groups []struct {
				ID      string   `json:"id"`
				Actions []string `json:"actions"`
			} `json:"grid_groups"`
		}
		b.do("GET", "/v2/grid-groups?per_page=100", token, "", http.StatusOK, &g)
		found := false
		for _, x := range g.Groups {
			found = found || x.ID == "widgets" && fmt.Sprint(x.Actions) == "[myapp.widget.Publish myapp.widget.Read]"
		}
		if !found {
			out, _ := json.Marshal(g)
			t.Errorf("replica B's grid has no widgets row with both actions: %s", out)
		}
	})
}

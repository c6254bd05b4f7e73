package cli

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/keyward-iam/keyward/api/client"
)

// checkOrg checks that the API key token acts in organization org. A key
// works in exactly one organization (the server decides it from the key),
// so --org cannot switch organizations: it guards a script against running
// with the key of another one, and says how to get a key for org.
func checkOrg(c *client.ClientWithResponses, token, org string) error {
	want, err := parseID("organization", org)
	if err != nil {
		return err
	}
	rest, ok := strings.CutPrefix(token, "kw_")
	keyID, err2 := uuid.Parse(strings.SplitN(rest, "_", 2)[0])
	if !ok || err2 != nil {
		return fmt.Errorf("--org works with API keys (kw_...); this credential's organization cannot be checked")
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	me, err := c.GetCurrentUserWithResponse(ctx)
	if err := check(me, err, http.StatusOK); err != nil {
		return err
	}
	key, err := c.GetAPIKeyWithResponse(ctx, me.JSON200.User.ID, keyID)
	if err := check(key, err, http.StatusOK); err != nil {
		return err
	}
	if got := key.JSON200.APIKey.OrgID; got != want {
		return fmt.Errorf("this API key belongs to organization %s, not %s; mint one there with: keyward org key %s", got, want, want)
	}
	return nil
}

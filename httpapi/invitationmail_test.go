package httpapi_test

import (
	"net/http"
	"testing"
)

// TestRefusedInvitationsSendNoMail: an invitation or resend that is
// refused queues no email, so it spends none of the budget of emails to
// its address; and the budget is the organization's own: another
// organization's invitations to the same address are not held up.
func TestRefusedInvitationsSendNoMail(t *testing.T) {
	m := newMailAPI(t, false)
	const missingRole = "0192f4a0-0000-7000-8000-000000000000"
	for range 10 {
		m.do("POST", "/v2/invitation", m.root, `{"email_invited":"ada@example.com","role_ids":["`+missingRole+`"]}`, http.StatusBadRequest, nil)
	}
	id := m.invite(`{"email_invited":"ada@example.com"}`)
	for range 10 {
		m.do("POST", "/v2/invitation", m.root, `{"email_invited":"ada@example.com"}`, http.StatusConflict, nil)
	}
	for range 5 - 1 {
		m.do("POST", "/v2/invitation/"+id+"/resend", m.root, "", http.StatusOK, nil)
	}
	m.do("POST", "/v2/invitation/"+id+"/resend", m.root, "", http.StatusTooManyRequests, nil)

	_, other := m.otherOrg("B")
	m.do("POST", "/v2/invitation", other, `{"email_invited":"ada@example.com"}`, http.StatusCreated, nil)
}

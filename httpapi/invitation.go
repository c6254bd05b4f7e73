package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// permissionsJSON is Vultr's invitation permissions object.
type permissionsJSON struct {
	APIEnabled bool `json:"api_enabled"`
}

// invitationJSON is Vultr's Invitation object plus keyward's role_ids and
// group_ids. It has no "status" key: Vultr's client reads a top-level
// "status" of every body as the error probe's number, so a bare invitation
// carries its state in invite_status and status_full only (see
// invitationItemJSON for the list).
type invitationJSON struct {
	ID              string            `json:"id"`
	InviterName     string            `json:"inviter_name"`
	InviterEmail    string            `json:"inviter_email"`
	EmailInvited    string            `json:"email_invited"`
	EmailRegistered string            `json:"email_registered"`
	Permissions     *permissionsJSON  `json:"permissions"`
	OrgID           string            `json:"org_id"`
	OrgName         string            `json:"org_name"`
	InviteStatus    string            `json:"invite_status"`
	StatusFull      string            `json:"status_full"`
	DateCreated     string            `json:"date_created"`
	DateResponded   string            `json:"date_responded"`
	ExpirationDate  string            `json:"expiration_date"`
	RoleIDs         []keyward.RoleID  `json:"role_ids"`
	GroupIDs        []keyward.GroupID `json:"group_ids"`
}

// invitationItemJSON is an invitation inside the "invites" list, where a
// string status is safe and Vultr's client reads it.
type invitationItemJSON struct {
	invitationJSON
	Status string `json:"status"`
}

// statusFull spells out an invitation's state for people.
var statusFull = map[keyward.InvitationStatus]string{
	keyward.InvitationPending:  "Pending: waiting for the invitee to accept",
	keyward.InvitationAccepted: "Accepted",
	keyward.InvitationRevoked:  "Revoked",
	keyward.InvitationExpired:  "Expired: resend it to send a new link",
}

func toInvitationJSON(i *keyward.Invitation, now time.Time) invitationJSON {
	state := i.State(now)
	j := invitationJSON{
		ID: string(i.ID), InviterName: i.InviterName, InviterEmail: i.InviterEmail, EmailInvited: i.Email,
		Permissions: &permissionsJSON{APIEnabled: i.APIEnabled}, OrgID: string(i.OrgID), OrgName: i.OrgName,
		InviteStatus: string(state), StatusFull: statusFull[state], DateCreated: timeJSON(&i.CreatedAt),
		DateResponded: timeJSON(i.RespondedAt), ExpirationDate: timeJSON(&i.ExpiresAt),
		RoleIDs: i.RoleIDs, GroupIDs: i.GroupIDs,
	}
	if i.Status == keyward.InvitationAccepted {
		j.EmailRegistered = i.Email
	}
	if j.RoleIDs == nil {
		j.RoleIDs = []keyward.RoleID{}
	}
	if j.GroupIDs == nil {
		j.GroupIDs = []keyward.GroupID{}
	}
	return j
}

// invitationReq is Vultr's InvitationReq plus keyward's grants.
type invitationReq struct {
	EmailInvited string            `json:"email_invited"`
	Permissions  *permissionsJSON  `json:"permissions"`
	RoleIDs      []keyward.RoleID  `json:"role_ids"`
	GroupIDs     []keyward.GroupID `json:"group_ids"`
}

func (s *server) handleCreateInvitation() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *invitationReq) (any, error) {
		in := service.InvitationInput{Email: req.EmailInvited, RoleIDs: req.RoleIDs, GroupIDs: req.GroupIDs}
		if req.Permissions != nil {
			in.APIEnabled = req.Permissions.APIEnabled
		}
		inv, err := s.svc.CreateInvitation(r.Context(), in)
		if err != nil {
			return nil, err
		}
		return toInvitationJSON(inv, s.svc.Now()), nil
	})
}

func (s *server) handleGetInvitation() http.Handler {
	return callHandler(s, inPath("invitation_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		inv, err := s.svc.GetInvitation(r.Context(), keyward.InvitationID(id))
		if err != nil {
			return nil, err
		}
		return toInvitationJSON(inv, s.svc.Now()), nil
	})
}

func (s *server) handleListInvitations() http.Handler {
	return listHandler(s, "invites", nil, func(r *http.Request, _ string, page keyward.Page) ([]invitationItemJSON, keyward.PageInfo, error) {
		q := r.URL.Query()
		f := keyward.InvitationFilter{Status: keyward.InvitationStatus(q.Get("status")), Email: q.Get("email"), Page: page}
		invs, info, err := s.svc.ListInvitations(r.Context(), f)
		now := s.svc.Now()
		return jsons(invs, func(inv *keyward.Invitation) invitationItemJSON {
			j := toInvitationJSON(inv, now)
			return invitationItemJSON{j, j.InviteStatus}
		}), info, err
	})
}

func (s *server) handleResendInvitation() http.Handler {
	return callHandler(s, inPath("invitation_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		inv, err := s.svc.ResendInvitation(r.Context(), keyward.InvitationID(id))
		if err != nil {
			return nil, err
		}
		return toInvitationJSON(inv, s.svc.Now()), nil
	})
}

func (s *server) handleRevokeInvitation() http.Handler {
	return callHandler(s, inPath("invitation_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.RevokeInvitation(r.Context(), keyward.InvitationID(id))
	})
}

// invitationLinkJSON describes the invitation behind a link, for the
// invitee.
type invitationLinkJSON struct {
	InvitationID   string `json:"invitation_id"`
	OrgID          string `json:"org_id"`
	OrgName        string `json:"org_name"`
	InviterName    string `json:"inviter_name"`
	InviterEmail   string `json:"inviter_email"`
	EmailInvited   string `json:"email_invited"`
	ExpirationDate string `json:"expiration_date"`
	AccountExists  bool   `json:"account_exists"`
	// HowToAccept says what to POST, so the link alone explains itself.
	HowToAccept string `json:"how_to_accept"`
}

func (s *server) handleDescribeInvitationLink() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("token")
		if token == "" {
			s.writeError(w, r, keyward.FieldError("token", "token is required: open the link from the invitation email."))
			return
		}
		p, err := s.svc.DescribeInvitation(r.Context(), token)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		how := `POST /v2/invitations/accept with {"token": "...", "name": "...", "password": "..."} to create your account.`
		if p.AccountExists {
			how = `POST /v2/invitations/accept with {"token": "..."} and your account's API key as the bearer.`
		}
		writeJSON(w, http.StatusOK, invitationLinkJSON{
			InvitationID: string(p.ID), OrgID: string(p.OrgID), OrgName: p.OrgName, InviterName: p.InviterName,
			InviterEmail: p.InviterEmail, EmailInvited: p.Email, ExpirationDate: timeJSON(&p.ExpiresAt),
			AccountExists: p.AccountExists, HowToAccept: how,
		})
	})
}

type acceptReq struct {
	Token    string `json:"token"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// handleAcceptInvitation is public (the link is the credential), but an
// existing account accepts with its bearer, which is checked here.
func (s *server) handleAcceptInvitation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req acceptReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if req.Token == "" {
			s.writeError(w, r, keyward.FieldError("token", "token is required: the token parameter of the invitation link."))
			return
		}
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				s.writeError(w, r, keyward.Errorf(keyward.CodeUnauthenticated, "Authorization must be Bearer <API key>."))
				return
			}
			p, err := s.svc.Authenticate(ctx, strings.TrimSpace(token))
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			ctx = keyward.NewContextWithPrincipal(ctx, p)
		}
		acc, err := s.svc.AcceptInvitation(ctx, service.AcceptInput{Token: req.Token, Name: req.Name, Password: req.Password})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		j := toUserJSON(acc.User)
		j.APIKey = acc.APIKey
		writeJSON(w, http.StatusCreated, struct {
			User  userJSON `json:"user"`
			OrgID string   `json:"org_id"`
		}{j, string(acc.User.OrgID)})
	})
}

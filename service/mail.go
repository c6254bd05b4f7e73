package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
)

// enqueueInvitation queues the email that carries inv's current link, in
// tx, so it is sent if and only if tx commits.
func (s *Service) enqueueInvitation(ctx context.Context, tx keyward.Tx, key []byte, inv *keyward.Invitation) error {
	link := s.linkURL(linkToken(key, inv))
	inviter := inv.InviterName
	if inviter == "" {
		inviter = "An administrator"
	}
	if inv.InviterEmail != "" {
		inviter += " (" + inv.InviterEmail + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s invited you to join the organization %q on keyward.\n\n", inviter, inv.OrgName)
	fmt.Fprintf(&b, "Accept the invitation here (the link works once and expires at %s):\n\n%s\n\n",
		inv.ExpiresAt.UTC().Format(time.RFC1123), link)
	b.WriteString("From the command line:\n\n    keyward invite accept '" + link + "' --name 'Your Name'\n\n")
	b.WriteString("If you did not expect this invitation, ignore this email.\n")
	return tx.EnqueueMail(ctx, &keyward.MailMessage{
		OrgID: inv.OrgID, To: inv.Email, Subject: "You are invited to join " + inv.OrgName + " on keyward",
		Text: b.String(), Kind: "invitation", RefID: string(inv.ID),
	})
}

// wakeMail tells the mail sender, if one runs, that new mail is queued;
// with none it logs where the mail waits.
func (s *Service) wakeMail(ctx context.Context) {
	if s.invites.wake != nil {
		s.invites.wake()
		return
	}
	s.log.InfoContext(ctx, "mail queued in the development outbox (no SMTP server): see `keyward mail list --full` or GET /v2/mail")
}

// ListMail lists the messages of the caller's organization's outbox,
// newest first, sent or not. With no SMTP server configured this is where
// invitation links are found (the development outbox). The messages hold
// live invitation links, which are credentials: only the root owner reads
// them (iam.mail.List besides), and every reading is audited.
func (s *Service) ListMail(ctx context.Context, f keyward.MailFilter) ([]*keyward.MailMessage, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if p.Kind != keyward.KindRootOwner || p.Session != nil {
		return nil, keyward.PageInfo{}, refuse("iam.mail.List", authz.LayerRootOwner,
			"the mail outbox holds live invitation links: only the organization's root owner may read it")
	}
	if err := s.authorize(ctx, p, "iam.mail.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	var out []*keyward.MailMessage
	var info keyward.PageInfo
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if out, info, err = tx.ListMail(ctx, p.OrgID, f); err != nil {
			return err
		}
		return s.record(ctx, tx, p, p.OrgID, change{Action: "iam.mail.List", TargetType: "mail", TargetID: string(p.OrgID),
			After: map[string]any{"messages": len(out)}})
	})
	return out, info, err
}

package service

import (
	"context"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
)

// maxIdPGroups bounds the groups one sign-in imports; a token naming more
// is refused rather than cut, since a cut list would take memberships
// away at random.
const maxIdPGroups = 200

// idpClaims is what a sign-in takes from a verified ID token.
type idpClaims struct {
	issuer, subject string
	email, name     string
	groups          []string
}

// readClaims reads the claims idp's configuration names. An email outside
// its allowed domains, and a groups claim that is not a string or a list
// of strings, are refused.
func readClaims(idp *keyward.IdentityProvider, claims map[string]any) (*idpClaims, error) {
	c := &idpClaims{}
	c.issuer, _ = claims["iss"].(string)
	c.subject, _ = claims["sub"].(string)
	c.email, _ = claims[idp.EmailClaim].(string)
	c.name, _ = claims[idp.NameClaim].(string)
	c.email, c.name = strings.TrimSpace(c.email), strings.TrimSpace(c.name)
	if c.email == "" {
		return nil, keyward.Errorf(keyward.CodePermissionDenied,
			"The identity provider's ID token has no %q claim with the person's email; ask for the email scope or set email_claim.", idp.EmailClaim)
	}
	email, err := cleanEmail("email", c.email)
	if err != nil {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "The identity provider's %q claim is not an email address.", idp.EmailClaim)
	}
	c.email = email
	if len(idp.AllowedDomains) > 0 {
		_, domain, _ := strings.Cut(strings.ToLower(email), "@")
		if !slices.Contains(idp.AllowedDomains, domain) {
			return nil, keyward.Errorf(keyward.CodePermissionDenied,
				"The email domain %s is not one the organization's identity provider configuration allows.", domain)
		}
	}
	if n, err := cleanName("name", c.name, false); err == nil {
		c.name = n
	} else {
		c.name = ""
	}
	switch g := claims[idp.GroupsClaim].(type) {
	case nil:
	case string:
		c.groups = []string{g}
	case []any:
		for _, v := range g {
			s, ok := v.(string)
			if !ok {
				return nil, keyward.Errorf(keyward.CodePermissionDenied, "The identity provider's %q claim lists something that is not a group name.", idp.GroupsClaim)
			}
			c.groups = append(c.groups, s)
		}
	default:
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "The identity provider's %q claim is neither a group name nor a list of them.", idp.GroupsClaim)
	}
	if len(c.groups) > maxIdPGroups {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "The identity provider names %d groups; keyward imports at most %d.", len(c.groups), maxIdPGroups)
	}
	var names []string
	for _, g := range c.groups {
		n, err := cleanName("display_name", g, true)
		if err != nil {
			return nil, keyward.Errorf(keyward.CodePermissionDenied, "The identity provider's group %q cannot be a keyward group name: %s", shorten(g), keyward.ErrorMessage(err))
		}
		if !slices.ContainsFunc(names, func(m string) bool { return strings.EqualFold(m, n) }) {
			names = append(names, n)
		}
	}
	c.groups = names
	return c, nil
}

// importIdPUser creates or updates, inside tx, the member of idp's
// organization that the verified claims name (by issuer and subject), and
// replaces its memberships of IdP groups with the groups the claims list,
// creating those that are missing. Every change is an audit event whose
// actor is the provider. It returns the member, which must be active.
//
// A person new to the organization whose email is that of an existing
// account is linked to it only if that account is already a member (an
// invited one, say) with no identity provider yet, and not its root
// owner: the provider may not claim an account of another organization,
// nor the account's own powers. A SCIM user of that email is
// that person: SCIM and sign-in agree on the email as the key, and SCIM
// stays the source of the user's profile and of its SCIM groups.
func (s *Service) importIdPUser(ctx context.Context, tx keyward.Tx, idp *keyward.IdentityProvider, claims map[string]any) (*keyward.User, error) {
	c, err := readClaims(idp, claims)
	if err != nil {
		return nil, err
	}
	ctx = withActor(ctx, keyward.ActorIdP, []string{"idp:" + c.issuer, "sub:" + c.subject})
	org := idp.OrgID
	ext := keyward.OIDCExternalID(c.issuer, c.subject)
	u, err := tx.GetUserByExternalID(ctx, org, keyward.SourceIdP, ext)
	switch {
	case keyward.ErrorCode(err) == keyward.CodeNotFound:
		u, err = s.linkIdPUser(ctx, tx, org, ext, c)
	case err == nil:
		err = s.updateIdPUser(ctx, tx, u, c)
	}
	if err != nil {
		return nil, err
	}
	if u.Status != keyward.StatusActive {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "Your membership of the organization is suspended; ask its administrators.")
	}
	if err := s.syncIdPGroups(ctx, tx, u, c.groups); err != nil {
		return nil, err
	}
	return u, nil
}

// linkIdPUser makes the person of claims c the IdP member ext of org: a
// new account, or the existing member with the same email that has no
// external identity yet.
func (s *Service) linkIdPUser(ctx context.Context, tx keyward.Tx, org keyward.OrgID, ext string, c *idpClaims) (*keyward.User, error) {
	member := keyward.Member{Status: keyward.StatusActive, External: keyward.External{Source: keyward.SourceIdP, ExternalID: ext}}
	acct, err := tx.GetAccountByEmail(ctx, c.email)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return s.insertUser(ctx, tx, nil, org, &keyward.Account{Email: c.email, Name: c.name}, &member, "iam.user.Create")
	}
	if err != nil {
		return nil, err
	}
	u, err := tx.GetUser(ctx, org, acct.ID)
	if err == nil && u.Source == keyward.SourceSCIM {
		// Provisioned through SCIM, keyed by the same email: the same
		// person, whose profile and groups SCIM keeps.
		return u, nil
	}
	if err == nil && u.Owner {
		// The account's powers are never the provider's to hand out: the
		// root owner signs in with its password (and MFA) alone.
		return nil, keyward.Errorf(keyward.CodeConflict,
			"The email %s is the organization's root owner's, which signs in with its password, not through the identity provider.", c.email)
	}
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && (u.Service || u.ExternalID != "") {
		return nil, keyward.Errorf(keyward.CodeConflict,
			"The email %s belongs to a keyward account that the organization cannot link to its identity provider; invite that account to the organization first.", c.email)
	}
	if err != nil {
		return nil, err
	}
	before := viewUser(u)
	u.External, u.Member.UpdatedAt = member.External, tx.Now()
	if err := tx.UpdateMember(ctx, &u.Member); err != nil {
		return nil, err
	}
	if err := s.updateIdPUser(ctx, tx, u, c); err != nil {
		return nil, err
	}
	_, err = s.commit(ctx, tx, nil, org, change{Action: "iam.user.Update", TargetType: "user", TargetID: string(u.Account.ID), Before: before, After: viewUser(u)})
	return u, err
}

// updateIdPUser writes the email and name of claims c onto u's account if
// they changed, unless the account is a member of other organizations too
// (a linked one can be): its email and name are then the person's, and
// the other organizations', not this provider's to change — the provider
// could otherwise rename another organization's root owner to an address
// it reads. Such an account keeps its profile and still signs in (SCIM,
// an administrator's tool, refuses the same change with CodeConflict).
func (s *Service) updateIdPUser(ctx context.Context, tx keyward.Tx, u *keyward.User, c *idpClaims) error {
	name := c.name
	if name == "" {
		name = u.Name
	}
	if u.Email == c.email && u.Name == name {
		return nil
	}
	if n, err := tx.CountMemberships(ctx, u.Account.ID); err != nil || n > 1 {
		return err
	}
	before := viewUser(u)
	u.Email, u.Name, u.Account.UpdatedAt = c.email, name, tx.Now()
	if err := tx.UpdateAccount(ctx, &u.Account); keyward.ErrorCode(err) == keyward.CodeConflict {
		return keyward.Errorf(keyward.CodeConflict, "The identity provider's email %s is another keyward account's.", c.email)
	} else if err != nil {
		return err
	}
	_, err := s.commit(ctx, tx, nil, u.OrgID, change{Action: "iam.user.Update", TargetType: "user", TargetID: string(u.Account.ID), Before: before, After: viewUser(u)})
	return err
}

// syncIdPGroups makes u's memberships of IdP groups exactly names (a SCIM
// group is SCIM's to fill and left alone):
// groups missing are created as IdP groups (a local group of that name is
// adopted: the provider becomes its source of truth), memberships of IdP
// groups not named are removed, with the role sessions made through them.
func (s *Service) syncIdPGroups(ctx context.Context, tx keyward.Tx, u *keyward.User, names []string) error {
	org, uid := u.OrgID, u.Account.ID
	have, _, err := tx.ListGroups(ctx, org, keyward.GroupFilter{Member: uid, Page: keyward.Page{Limit: keyward.MaxPerPage}})
	if err != nil {
		return err
	}
	// A deleted group keeps its memberships for its restore: one the IdP
	// no longer names goes too, or the restore would bring it back.
	deleted, _, err := tx.ListGroups(ctx, org, keyward.GroupFilter{Member: uid, Deleted: true, Page: keyward.Page{Limit: keyward.MaxPerPage}})
	if err != nil {
		return err
	}
	// A member of more groups than a page holds keeps the rest: the limit
	// on groups per organization keeps that from happening in practice.
	for _, g := range append(slices.Clone(have), deleted...) {
		if g.Source != keyward.SourceIdP || slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, g.Name) }) {
			continue
		}
		if err := s.removeGroupMember(ctx, tx, nil, org, g.ID, uid); err != nil {
			return err
		}
	}
	for _, name := range names {
		g, err := s.idpGroup(ctx, tx, org, name)
		if err != nil {
			return err
		}
		// SCIM is the source of its groups' memberships, not sign-ins.
		if g.Source == keyward.SourceSCIM || slices.ContainsFunc(have, func(h *keyward.Group) bool { return h.ID == g.ID }) {
			continue
		}
		m := &keyward.GroupMember{OrgID: org, GroupID: g.ID, UserID: uid, AddedAt: tx.Now()}
		if err := tx.AddGroupMember(ctx, m); err != nil {
			return err
		}
		if _, err := s.commit(ctx, tx, nil, org, change{
			Action: "iam.group.AddMember", TargetType: "group", TargetID: string(g.ID), After: memberView{g.ID, uid},
		}); err != nil {
			return err
		}
	}
	return nil
}

// idpGroup returns org's group named name, creating it as an IdP group if
// there is none and making a local one of that name an IdP group.
func (s *Service) idpGroup(ctx context.Context, tx keyward.Tx, org keyward.OrgID, name string) (*keyward.Group, error) {
	found, _, err := tx.ListGroups(ctx, org, keyward.GroupFilter{Name: name, Page: keyward.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	idp := keyward.External{Source: keyward.SourceIdP, ExternalID: name}
	if len(found) == 0 {
		g := &keyward.Group{OrgID: org, Name: name, External: idp}
		return g, s.insertGroup(ctx, tx, nil, g)
	}
	g := found[0]
	if g.FromIdP() {
		return g, nil
	}
	before := viewGroup(g)
	g.External, g.UpdatedAt = idp, tx.Now()
	if err := tx.UpdateGroup(ctx, g); err != nil {
		return nil, err
	}
	_, err = s.commit(ctx, tx, nil, org, change{Action: "iam.group.Update", TargetType: "group", TargetID: string(g.ID), Before: before, After: viewGroup(g)})
	return g, err
}

// errFromIdP is the answer (CodeConflict, naming field) to a change of
// what of an IdP user or group (kind) through keyward's API: the
// organization's identity provider is its source of truth, and the next
// sign-in would undo the change. Roles and policies can still be bound to
// and attached to it.
func errFromIdP(kind, what, field string) error {
	return &keyward.Error{Code: keyward.CodeConflict, Field: field,
		Message: "This " + kind + " comes from the organization's identity provider, its source of truth: change its " + what + " there; keyward imports them at each sign-in."}
}

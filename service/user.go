package service

import (
	"context"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// LegacyACLs are the ACL names Vultr's /v2/users API takes in "acls".
var LegacyACLs = []string{
	"abuse", "activity_logs", "alerts", "billing", "dns", "firewall", "loadbalancer", "manage_users",
	"objstore", "provisioning", "subscriptions", "subscriptions_view", "support", "upgrade", "vke",
}

// UserInput is the body of user create (all fields) and update (nil or
// empty fields are left unchanged, as Vultr's client sends them).
type UserInput struct {
	Email       string
	Name        string
	Password    string
	APIEnabled  *bool
	ACLs        []string // nil: unchanged on update
	ServiceUser bool
}

type userView struct {
	ID         keyward.UserID     `json:"id"`
	Email      string             `json:"email"`
	Name       string             `json:"name"`
	Kind       keyward.UserKind   `json:"kind"`
	Status     keyward.UserStatus `json:"status"`
	APIEnabled bool               `json:"api_enabled"`
	ACLs       []string           `json:"acls"`
	Password   bool               `json:"has_password"`
	Source     string             `json:"source"`
}

func viewUser(u *keyward.User) userView {
	return userView{u.Account.ID, u.Email, u.Name, u.Kind(), u.Status, u.APIEnabled, u.ACLs, u.PasswordHash != "", u.SourceName()}
}

func cleanACLs(acls []string) ([]string, error) {
	out := make([]string, 0, len(acls))
	for i, a := range acls {
		a = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(a, "acl_")))
		if !slices.Contains(LegacyACLs, a) {
			return nil, keyward.FieldError("acls", "acls[%d]: %q is not a Vultr ACL (one of %s).", i, acls[i], strings.Join(LegacyACLs, ", "))
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out, nil
}

// CreateUser creates a user in the caller's organization: a new human
// account with a membership, or a service user (API-only: no password).
// With APIEnabled it also issues an API key, returned once as key.
//
// Returns CodeConflict if a human account with the email already exists
// (it must be invited instead) or the organization has Limits.Users
// members, CodeInvalid for bad fields.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (u *keyward.User, key string, err error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorize(ctx, p, "iam.user.Create", ""); err != nil {
		return nil, "", err
	}
	acct, member, err := s.newUser(in)
	if err != nil {
		return nil, "", err
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := s.checkACLGrants(ctx, p, member.ACLs, nil); err != nil {
			return err
		}
		if u, err = s.insertUser(ctx, tx, p, p.OrgID, acct, member, "iam.user.Create"); err != nil {
			return err
		}
		key = ""
		if member.APIEnabled {
			if err := s.checkMint(ctx, p, u); err != nil {
				return err
			}
			_, key, err = s.issueKey(ctx, tx, p, u, APIKeyInput{Name: "default"})
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, key, nil
}

// insertUser stores a new account and its membership of org, which must
// be under Limits.Users and, for a human account, in the local identity
// mode, and commits the change as action, done by p.
func (s *Service) insertUser(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, acct *keyward.Account, member *keyward.Member, action string) (*keyward.User, error) {
	if err := s.checkUserLimit(ctx, tx, org); err != nil {
		return nil, err
	}
	if !acct.Service && !member.FromIdP() {
		if err := checkLocalIdentity(ctx, tx, org, "create local users"); err != nil {
			return nil, err
		}
	}
	now := tx.Now()
	acct.ID = keyward.UserID(keyward.NewID(now))
	acct.CreatedAt, acct.UpdatedAt = now, now
	member.OrgID, member.UserID, member.CreatedAt, member.UpdatedAt = org, acct.ID, now, now
	if !acct.Service {
		if _, err := tx.GetAccountByEmail(ctx, acct.Email); err == nil {
			return nil, keyward.Errorf(keyward.CodeConflict, "An account with email %s already exists; invite it to the organization instead.", acct.Email)
		} else if keyward.ErrorCode(err) != keyward.CodeNotFound {
			return nil, err
		}
	}
	if err := tx.CreateAccount(ctx, acct); err != nil {
		return nil, err
	}
	if err := tx.CreateMember(ctx, member); err != nil {
		return nil, err
	}
	u := &keyward.User{Account: *acct, Member: *member}
	_, err := s.commit(ctx, tx, p, org, change{Action: action, TargetType: "user", TargetID: string(acct.ID), After: viewUser(u)})
	return u, err
}

// checkLocalIdentity refuses (CodeConflict) to do what, which only an
// organization in the local identity mode allows, in org.
func checkLocalIdentity(ctx context.Context, tx keyward.Tx, org keyward.OrgID, what string) error {
	o, err := tx.GetOrganization(ctx, org)
	if err != nil {
		return err
	}
	if o.IdentityMode == keyward.IdentityIdP {
		return &keyward.Error{Code: keyward.CodeConflict, Field: "identity_mode", Message: "The organization's identity mode is idp: its people come from its identity provider, so keyward cannot " + what + " in it."}
	}
	return nil
}

// newUser validates in and builds the account and membership it describes.
// The password hash is computed here, outside any transaction.
func (s *Service) newUser(in UserInput) (*keyward.Account, *keyward.Member, error) {
	acct := &keyward.Account{Service: in.ServiceUser}
	member := &keyward.Member{Status: keyward.StatusActive, APIEnabled: in.ServiceUser}
	var err error
	if in.APIEnabled != nil {
		member.APIEnabled = *in.APIEnabled
	}
	if in.ServiceUser {
		if in.Password != "" {
			return nil, nil, keyward.FieldError("password", "A service user is API-only and cannot have a password.")
		}
		if strings.TrimSpace(in.Email) != "" {
			if acct.Email, err = cleanEmail("email", in.Email); err != nil {
				return nil, nil, err
			}
		}
		if acct.Name, err = cleanName("name", in.Name, true); err != nil {
			return nil, nil, err
		}
	} else {
		if acct.Email, err = cleanEmail("email", in.Email); err != nil {
			return nil, nil, err
		}
		if acct.Name, err = cleanName("name", in.Name, false); err != nil {
			return nil, nil, err
		}
		if acct.Name == "" {
			acct.Name, _, _ = strings.Cut(acct.Email, "@")
		}
	}
	if member.ACLs, err = cleanACLs(in.ACLs); err != nil {
		return nil, nil, err
	}
	if in.Password != "" {
		if err := credential.CheckPassword("password", in.Password); err != nil {
			return nil, nil, err
		}
		if acct.PasswordHash, err = s.hasher.Hash(in.Password); err != nil {
			return nil, nil, err
		}
	}
	return acct, member, nil
}

// GetUser returns a user of the caller's organization.
func (s *Service) GetUser(ctx context.Context, id keyward.UserID) (*keyward.User, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var u *keyward.User
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if u, err = userOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorize(ctx, p, "iam.user.Read", string(id))
	})
	return u, err
}

// Me returns the caller.
func (s *Service) Me(ctx context.Context) (*keyward.User, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, p.UserID)
}

// userOf returns user id of org, or CodeNotFound.
func userOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.UserID) (*keyward.User, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("User")
	}
	u, err := tx.GetUser(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("User")
	}
	return u, err
}

// ListUsers lists the users of the caller's organization.
func (s *Service) ListUsers(ctx context.Context, f keyward.UserFilter) ([]*keyward.User, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.user.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	switch f.Kind {
	case "", keyward.KindRootOwner, keyward.KindNormal, keyward.KindService:
	default:
		return nil, keyward.PageInfo{}, keyward.FieldError("kind", "kind %q is not one of root_owner, normal, service.", f.Kind)
	}
	switch f.Status {
	case "", keyward.StatusActive, keyward.StatusSuspended:
	default:
		return nil, keyward.PageInfo{}, keyward.FieldError("status", "status %q is not one of active, suspended.", f.Status)
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.User, keyward.PageInfo, error) {
		return tx.ListUsers(ctx, p.OrgID, f)
	})
}

// UpdateUser changes a user of the caller's organization. Empty fields are
// left unchanged. Email, name and password belong to the account, so a change
// shows in every organization the account is a member of.
func (s *Service) UpdateUser(ctx context.Context, id keyward.UserID, in UserInput) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	var hash string
	if in.Password != "" {
		if err := credential.CheckPassword("password", in.Password); err != nil {
			return err
		}
		if hash, err = s.hasher.Hash(in.Password); err != nil {
			return err
		}
	}
	var acls []string
	if in.ACLs != nil {
		if acls, err = cleanACLs(in.ACLs); err != nil {
			return err
		}
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := userOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.user.Update", string(id)); err != nil {
			return err
		}
		if acls != nil {
			if err := s.checkACLGrants(ctx, p, acls, u.ACLs); err != nil {
				return err
			}
		}
		if changesAccount(u, in) {
			if err := checkAccountOwner(ctx, tx, p, u, "email or name"); err != nil {
				return err
			}
		}
		if in.ServiceUser && !u.Service {
			return keyward.FieldError("service_user", "A user cannot be turned into a service user.")
		}
		// A password set through Vultr's PATCH follows the rules of
		// SetPassword: its action, local accounts only, the root owner's
		// by the root owner alone.
		if hash != "" {
			if _, err := s.localUser(ctx, tx, p, id, "iam.user.SetPassword", "password", "password"); err != nil {
				return err
			}
			if _, err := tx.DeleteLoginSessionsOf(ctx, id, ""); err != nil {
				return err
			}
		}
		before := viewUser(u)
		if err := applyUserPatch(ctx, tx, u, in, hash, acls); err != nil {
			return err
		}
		if u.Owner && !u.APIEnabled {
			return keyward.FieldError("api_enabled", "The root owner's API access cannot be disabled.")
		}
		u.Account.UpdatedAt, u.Member.UpdatedAt = tx.Now(), tx.Now()
		if err := tx.UpdateAccount(ctx, &u.Account); err != nil {
			return err
		}
		if err := tx.UpdateMember(ctx, &u.Member); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.user.Update", TargetType: "user", TargetID: string(id), Before: before, After: viewUser(u),
		})
		return err
	})
}

// applyUserPatch writes the non-empty fields of in onto u.
func applyUserPatch(ctx context.Context, tx keyward.Tx, u *keyward.User, in UserInput, hash string, acls []string) error {
	if strings.TrimSpace(in.Name) != "" {
		name, err := cleanName("name", in.Name, true)
		if err != nil {
			return err
		}
		u.Name = name
	}
	if strings.TrimSpace(in.Email) != "" {
		email, err := cleanEmail("email", in.Email)
		if err != nil {
			return err
		}
		if !u.Service && !strings.EqualFold(email, u.Email) {
			if _, err := tx.GetAccountByEmail(ctx, email); err == nil {
				return keyward.Errorf(keyward.CodeConflict, "An account with email %s already exists.", email)
			} else if keyward.ErrorCode(err) != keyward.CodeNotFound {
				return err
			}
		}
		u.Email = email
	}
	if hash != "" {
		if u.Service {
			return keyward.FieldError("password", "A service user is API-only and cannot have a password.")
		}
		u.PasswordHash = hash
	}
	if in.APIEnabled != nil {
		u.APIEnabled = *in.APIEnabled
	}
	if acls != nil {
		u.ACLs = acls
	}
	return nil
}

// DeleteUser removes a user from the caller's organization, as
// RemoveOrgUser does (see removeMember): the membership, its keys and its
// role trusts go, its role sessions end and its pending invitations are
// revoked. A service user's account goes too; a human
// account stays (it may belong to other organizations). The root owner
// cannot be removed.
func (s *Service) DeleteUser(ctx context.Context, id keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := userOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.user.Delete", string(id)); err != nil {
			return err
		}
		if u.Owner {
			return keyward.Errorf(keyward.CodeConflict, "The root owner cannot be removed from the organization.")
		}
		fx, err := removeMember(ctx, tx, p.OrgID, u)
		if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.user.Delete", TargetType: "user", TargetID: string(id), Before: viewUser(u), After: fx.afterDelete(),
		})
		return err
	})
}

// changesAccount reports whether in changes u's account fields (email or
// name), which every organization of the account shows.
func changesAccount(u *keyward.User, in UserInput) bool {
	name, email := strings.TrimSpace(in.Name), strings.TrimSpace(in.Email)
	return name != "" && name != u.Name || email != "" && !strings.EqualFold(email, u.Email)
}

// checkAccountOwner is the one place that decides whose account fields
// (email, name, password) p may change: its own, or, as an administrator
// of its organization, those of an account that belongs to that
// organization alone and is not its root owner. An account in several
// organizations is its owner's: no single organization's admin may change
// what the others see (CodeConflict); the root owner's is the root
// owner's (CodePermissionDenied). what names the fields, for the message.
//
// A member that comes from the organization's identity provider has its
// email, name and password there (errFromIdP), but for the root owner's
// password, the way in when the provider fails.
func checkAccountOwner(ctx context.Context, tx keyward.Tx, p *keyward.Principal, u *keyward.User, what string) error {
	if u.FromIdP() && !(u.Owner && what == "password") {
		return errFromIdP("user", what, "email")
	}
	if u.Account.ID == p.UserID {
		return nil
	}
	if u.Owner {
		return errNotRootOwner("change the root owner's " + what)
	}
	n, err := tx.CountMemberships(ctx, u.Account.ID)
	if err != nil {
		return err
	}
	if n > 1 {
		return keyward.Errorf(keyward.CodeConflict, "This account belongs to other organizations too; only its owner can change its %s.", what)
	}
	return nil
}

package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// MaxRoleAssignments caps the role assignments of one scope, as Oxide caps
// a resource's policy.
const MaxRoleAssignments = 64

// ScopeAssignment is one entry of a role-assignments document (Oxide's
// shape): a user or group holding a role in the document's scope.
type ScopeAssignment struct {
	IdentityID   string `json:"identity_id"`
	IdentityType string `json:"identity_type"` // user or group (Oxide's silo_user, silo_group accepted)
	RoleName     string `json:"role_name"`
}

// ScopeAssignments is the role-assignments document of the organization or
// of one project, with its ETag.
type ScopeAssignments struct {
	Assignments []ScopeAssignment `json:"role_assignments"`
	ETag        string            `json:"-"`
}

// etag is a digest of the document's content: equal documents have equal
// tags, so a stale If-Match is any other document.
func (d *ScopeAssignments) etag() string {
	b, _ := json.Marshal(d.Assignments)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func etagListMatches(ifMatch, tag string) bool {
	v := strings.TrimSpace(ifMatch)
	if v == "" || v == "*" {
		return true
	}
	for _, t := range strings.Split(v, ",") {
		if strings.Trim(strings.TrimPrefix(strings.TrimSpace(t), "W/"), `"`) == tag {
			return true
		}
	}
	return false
}

// scopeOf checks the scope exists in p's organization and returns the
// resource of its authorization: the organization's id or the project's.
func scopeOf(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, project keyward.ProjectID) (string, error) {
	if project == "" {
		if org != p.OrgID {
			return "", notFound("Organization")
		}
		return string(org), nil
	}
	if _, err := projectOf(ctx, tx, p.OrgID, project); err != nil {
		return "", err
	}
	return string(project), nil
}

// roleNames reads the names of the org's live roles by id, and ids by
// lowercased name.
func roleNames(ctx context.Context, tx keyward.Tx, org keyward.OrgID) (map[keyward.RoleID]*keyward.Role, map[string]*keyward.Role, error) {
	byID, byName := map[keyward.RoleID]*keyward.Role{}, map[string]*keyward.Role{}
	page := keyward.Page{Limit: keyward.MaxPerPage}
	for {
		rs, info, err := tx.ListRoles(ctx, org, keyward.RoleFilter{Page: page})
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			byID[r.ID], byName[strings.ToLower(r.Name)] = r, r
		}
		if info.Next == "" {
			return byID, byName, nil
		}
		page.Cursor = info.Next
	}
}

// builtinWireName is the role_name a built-in role shows in a document:
// Oxide's spelling for Oxide's roles, so their documents round-trip.
func builtinWireName(r policy.BuiltinRole) string {
	if r.Family == policy.FamilyOxide && len(r.Aliases) > 0 {
		return r.Aliases[0]
	}
	return r.Name
}

func (s *Service) readAssignments(ctx context.Context, tx keyward.Tx, org keyward.OrgID, project keyward.ProjectID) (*ScopeAssignments, error) {
	bs, err := tx.ScopeBindings(ctx, org, project)
	if err != nil {
		return nil, err
	}
	byID, _, err := roleNames(ctx, tx, org)
	if err != nil {
		return nil, err
	}
	d := &ScopeAssignments{Assignments: []ScopeAssignment{}}
	for _, b := range bs {
		name := ""
		if r, ok := byID[b.RoleID]; ok {
			name = r.Name
		} else if br, ok := policy.BuiltinRoleByID(s.catalog(), string(b.RoleID)); ok {
			name = builtinWireName(br)
		} else {
			continue // a deleted role grants nothing and is not shown
		}
		d.Assignments = append(d.Assignments, ScopeAssignment{IdentityID: b.PrincipalID, IdentityType: string(b.PrincipalType), RoleName: name})
	}
	d.ETag = d.etag()
	return d, nil
}

// GetRoleAssignments returns the role assignments of the organization
// (project "") or of one of its projects. Only the scope's own bindings are
// listed: one inherited from the organization is not in a project's.
func (s *Service) GetRoleAssignments(ctx context.Context, org keyward.OrgID, project keyward.ProjectID) (*ScopeAssignments, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *ScopeAssignments
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		res, err := scopeOf(ctx, tx, p, org, project)
		if err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.binding.Read", res, string(project)); err != nil {
			return err
		}
		d, err = s.readAssignments(ctx, tx, p.OrgID, project)
		return err
	})
	return d, err
}

// PutRoleAssignments replaces the role assignments of a scope with in, if
// ifMatch is empty, "*" or the current ETag (else CodePreconditionFailed):
// unlike Oxide's, two concurrent read-modify-writes cannot lose one. A
// role_name is a built-in role's name or alias (exactly: "Admin" is the
// team role, "admin" Oxide's) or a live assignable role's name (any case).
func (s *Service) PutRoleAssignments(ctx context.Context, org keyward.OrgID, project keyward.ProjectID, in []ScopeAssignment, ifMatch string) (*ScopeAssignments, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if len(in) > MaxRoleAssignments {
		return nil, keyward.FieldError("role_assignments", "role_assignments has %d entries; the limit is %d.", len(in), MaxRoleAssignments)
	}
	var d *ScopeAssignments
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		res, err := scopeOf(ctx, tx, p, org, project)
		if err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.binding.Update", res, string(project)); err != nil {
			return err
		}
		before, err := s.readAssignments(ctx, tx, p.OrgID, project)
		if err != nil {
			return err
		}
		if !etagListMatches(ifMatch, before.ETag) {
			return keyward.Errorf(keyward.CodePreconditionFailed, "The role assignments changed since ETag %s; read them again.", ifMatch)
		}
		bs, err := s.resolveAssignments(ctx, tx, p, in)
		if err != nil {
			return err
		}
		if err := s.checkAssignmentGrants(ctx, tx, p, project, bs); err != nil {
			return err
		}
		if err := tx.ReplaceScopeBindings(ctx, p.OrgID, project, bs); err != nil {
			return err
		}
		if d, err = s.readAssignments(ctx, tx, p.OrgID, project); err != nil {
			return err
		}
		target := "organization"
		if project != "" {
			target = "project"
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.binding.Update", TargetType: target, TargetID: res, Before: before.Assignments, After: d.Assignments,
		})
		return err
	})
	return d, err
}

// resolveAssignments checks each entry and turns it into a binding.
func (s *Service) resolveAssignments(ctx context.Context, tx keyward.Tx, p *keyward.Principal, in []ScopeAssignment) ([]*keyward.RoleBinding, error) {
	_, byName, err := roleNames(ctx, tx, p.OrgID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]*keyward.RoleBinding, 0, len(in))
	for i, a := range in {
		field := "role_assignments[" + strconv.Itoa(i) + "]."
		b := &keyward.RoleBinding{PrincipalID: a.IdentityID, CreatedBy: p.UserID, CreatedAt: tx.Now()}
		switch a.IdentityType {
		case "user", "silo_user":
			b.PrincipalType = keyward.PrincipalUser
			if _, err := userOf(ctx, tx, p.OrgID, keyward.UserID(a.IdentityID)); keyward.ErrorCode(err) == keyward.CodeNotFound {
				return nil, keyward.FieldError(field+"identity_id", "No user %q in this organization.", a.IdentityID)
			} else if err != nil {
				return nil, err
			}
		case "group", "silo_group":
			b.PrincipalType = keyward.PrincipalGroup
			if _, err := groupOf(ctx, tx, p.OrgID, keyward.GroupID(a.IdentityID)); keyward.ErrorCode(err) == keyward.CodeNotFound {
				return nil, keyward.FieldError(field+"identity_id", "No group %q in this organization.", a.IdentityID)
			} else if err != nil {
				return nil, err
			}
		default:
			return nil, keyward.FieldError(field+"identity_type", "identity_type %q is not one of user, group.", a.IdentityType)
		}
		if br, ok := policy.BuiltinRoleByName(s.catalog(), a.RoleName); ok {
			b.RoleID = keyward.RoleID(br.ID)
		} else if r, ok := byName[strings.ToLower(strings.TrimSpace(a.RoleName))]; ok && r.Type == keyward.RoleAssignable {
			b.RoleID = r.ID
		} else if ok {
			return nil, keyward.FieldError(field+"role_name", "Role %q is assumable; only assignable roles are bound.", a.RoleName)
		} else {
			return nil, keyward.FieldError(field+"role_name", "No role named %q.", a.RoleName)
		}
		key := string(b.RoleID) + "/" + string(b.PrincipalType) + "/" + b.PrincipalID
		if seen[key] {
			return nil, keyward.FieldError(field+"role_name", "The same assignment is listed twice.")
		}
		seen[key] = true
		out = append(out, b)
	}
	return out, nil
}

// checkAssignmentGrants checks that p may make the scope's bindings bs: it
// must be allowed to hand out the role of every binding bs adds
// (checkGrant, in the project for a project's document) and to take away
// the role of every binding bs drops (iam.role.DetachUser or DetachGroup).
func (s *Service) checkAssignmentGrants(ctx context.Context, tx keyward.Tx, p *keyward.Principal, project keyward.ProjectID, bs []*keyward.RoleBinding) error {
	old, err := tx.ScopeBindings(ctx, p.OrgID, project)
	if err != nil {
		return err
	}
	key := func(b *keyward.RoleBinding) string {
		return string(b.RoleID) + "/" + string(b.PrincipalType) + "/" + strings.ToLower(b.PrincipalID)
	}
	had, has := map[string]bool{}, map[string]bool{}
	for _, b := range old {
		had[key(b)] = true
	}
	for _, b := range bs {
		has[key(b)] = true
		if !had[key(b)] {
			if err := s.checkGrant(ctx, p, grant{kind: grantRole, id: string(b.RoleID), to: b.PrincipalType, project: string(project)}); err != nil {
				return err
			}
		}
	}
	for _, b := range old {
		if has[key(b)] {
			continue
		}
		action := "iam.role.DetachUser"
		if b.PrincipalType == keyward.PrincipalGroup {
			action = "iam.role.DetachGroup"
		}
		if err := s.authorizeIn(ctx, p, action, string(b.RoleID), string(project)); err != nil {
			return err
		}
	}
	return nil
}

package service

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// PolicyInput is the body of policy create and update. Update replaces
// the name and the description; a nil Document keeps the current one.
type PolicyInput struct {
	Name        string
	Description string
	Document    json.RawMessage
	// IfMatch is the update's If-Match header: "" or "*" updates
	// unconditionally, anything else must name the current version
	// ("3", `"3"` or `W/"3"`), or the update is CodePreconditionFailed.
	IfMatch string
}

// PolicyDetail is a policy as the API shows it: a custom policy of the
// organization or a managed one, which every organization sees.
type PolicyDetail struct {
	ID          keyward.PolicyID
	Name        string
	Description string
	Document    json.RawMessage // canonical: Action and Resource always arrays
	Version     int64           // the ETag; managed policies are at 1
	Managed     bool
	CreatedAt   time.Time // zero for managed policies
	UpdatedAt   time.Time
	DeletedAt   *time.Time
	// FromRole and Source say how the policy reaches a principal, in the
	// user and group views: FromRole is the role it comes through, Source
	// the path ("direct", "group:<name>", "role:<name>" or
	// "group:<name> → role:<name>").
	FromRole keyward.RoleID
	Source   string
}

// PolicyFilter narrows ListPolicies.
type PolicyFilter struct {
	Kind    string // "", "managed" or "custom"
	Deleted bool   // list deleted custom policies instead
	Search  string // a part of the name, case-insensitive (keyward.Matches)
	Page    keyward.Page
}

type policyView struct {
	ID          keyward.PolicyID `json:"id"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Version     int64            `json:"version"`
	Document    json.RawMessage  `json:"policy_document"`
}

func viewPolicy(p *keyward.Policy) policyView {
	return policyView{p.ID, p.Name, p.Description, p.Version, p.Document}
}

func (s *Service) detailPolicy(p *keyward.Policy) *PolicyDetail {
	return &PolicyDetail{
		ID: p.ID, Name: p.Name, Description: p.Description, Document: p.Document, Version: p.Version,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, DeletedAt: p.DeletedAt,
	}
}

// managedDetails are the managed policies of one catalog as the API shows
// them, sorted by name, with an index by id.
type managedDetails struct {
	cat  *policy.Catalog
	list []*PolicyDetail
	byID map[keyward.PolicyID]*PolicyDetail
}

// managedPolicies returns the managed policies of the current catalog as
// the API shows them, sorted by name, with an index by id. They are made
// once per catalog.
func (s *Service) managedPolicies() ([]*PolicyDetail, map[keyward.PolicyID]*PolicyDetail) {
	cat := s.catalog()
	if m := s.managed.Load(); m != nil && m.cat == cat {
		return m.list, m.byID
	}
	mps := policy.ManagedPolicies(cat)
	m := &managedDetails{cat: cat, list: make([]*PolicyDetail, len(mps)), byID: make(map[keyward.PolicyID]*PolicyDetail, len(mps))}
	for i, mp := range mps {
		doc, err := mp.Doc.MarshalJSON()
		if err != nil {
			panic("service: managed policy " + mp.Name + " does not marshal: " + err.Error())
		}
		m.list[i] = &PolicyDetail{
			ID: keyward.PolicyID(mp.ID), Name: mp.Name, Description: mp.Description, Document: doc, Version: 1, Managed: true,
		}
		m.byID[m.list[i].ID] = m.list[i]
	}
	s.managed.Store(m)
	return m.list, m.byID
}

// managedPolicy returns the managed policy with id, if it is one.
func (s *Service) managedPolicy(id keyward.PolicyID) (*PolicyDetail, bool) {
	_, byID := s.managedPolicies()
	mp, ok := byID[keyward.PolicyID(strings.ToLower(string(id)))]
	return mp, ok
}

func errManagedReadOnly() error {
	return keyward.Errorf(keyward.CodeUnprocessable, "Managed policies are read-only: create a custom policy instead.")
}

// customPolicyOf returns the custom policy id of org, deleted or not, or
// CodeNotFound.
func customPolicyOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.PolicyID) (*keyward.Policy, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Policy")
	}
	pol, err := tx.GetPolicy(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Policy")
	}
	return pol, err
}

// livePolicyOf returns policy id as org sees it, managed or custom; a
// deleted custom policy is CodeNotFound.
func (s *Service) livePolicyOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.PolicyID) (*PolicyDetail, error) {
	if mp, ok := s.managedPolicy(id); ok {
		return mp, nil
	}
	pol, err := customPolicyOf(ctx, tx, org, id)
	if err != nil {
		return nil, err
	}
	if pol.DeletedAt != nil {
		return nil, notFound("Policy")
	}
	return s.detailPolicy(pol), nil
}

// parseDocument validates a policy document and returns its canonical
// JSON, or ParsePolicyDocument's error.
func (s *Service) parseDocument(raw json.RawMessage) (json.RawMessage, error) {
	doc, err := s.parsePolicy(raw)
	if err != nil {
		return nil, err
	}
	return doc.MarshalJSON()
}

// ParsePolicyDocument parses a draft of policy id's document (a new
// policy's when id is empty) with the errors CreatePolicy and UpdatePolicy
// give for it, so that an editor can check the draft as it is written. The
// caller needs the right to save it: iam.policy.Create, or
// iam.policy.Update on id.
func (s *Service) ParsePolicyDocument(ctx context.Context, id keyward.PolicyID, raw json.RawMessage) (*policy.Document, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	action, resource := "iam.policy.Create", ""
	if id != "" {
		action, resource = "iam.policy.Update", string(id)
	}
	if err := s.authorize(ctx, p, action, resource); err != nil {
		return nil, err
	}
	return s.parsePolicy(raw)
}

// parsePolicy parses a policy document against the current catalog. Every
// problem is reported: the first in Field and Message (Field is
// "policy_document." + its path), all of them in Detail (a
// policy.ValidationErrors).
func (s *Service) parsePolicy(raw json.RawMessage) (*policy.Document, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, keyward.FieldError("policy_document", "policy_document is required.")
	}
	doc, err := policy.Parse(s.catalog(), raw)
	if err != nil {
		var ve policy.ValidationErrors
		if !errors.As(err, &ve) || len(ve) == 0 {
			return nil, keyward.FieldError("policy_document", "policy_document is not a valid policy document.")
		}
		field := "policy_document"
		if ve[0].Path != "" {
			field += "." + ve[0].Path
		}
		msg := "Invalid policy document: " + ve[0].Error() + "."
		if len(ve) > 1 {
			rest := make([]string, len(ve)-1)
			for i, fe := range ve[1:] {
				rest[i] = fe.Error()
			}
			msg += " " + strconv.Itoa(len(rest)) + " more: " + strings.Join(rest, "; ") + "."
		}
		return nil, &keyward.Error{Code: keyward.CodeInvalid, Field: field, Message: msg, Detail: ve}
	}
	return doc, nil
}

// checkPolicyName refuses the name of a managed policy and the name of a
// live custom policy of org other than self.
func (s *Service) checkPolicyName(ctx context.Context, tx keyward.Tx, org keyward.OrgID, name string, self keyward.PolicyID) error {
	list, _ := s.managedPolicies()
	for _, mp := range list {
		if strings.EqualFold(mp.Name, name) {
			return errPolicyName(name, "a managed policy")
		}
	}
	ps, _, err := tx.ListPolicies(ctx, org, keyward.PolicyFilter{Name: name, Page: keyward.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(ps) > 0 && ps[0].ID != self {
		return errPolicyName(name, "a policy")
	}
	return nil
}

func errPolicyName(name, what string) error {
	return &keyward.Error{Code: keyward.CodeConflict, Field: "name", Message: "The name " + name + " is taken by " + what + "."}
}

// cleanPolicy checks the name and description of in and, unless it is nil
// and optional, its document.
func (in PolicyInput) clean(s *Service, docRequired bool) (PolicyInput, error) {
	var err error
	if in.Name, err = cleanName("name", in.Name, true); err != nil {
		return in, err
	}
	if in.Description, err = cleanDescription(in.Description); err != nil {
		return in, err
	}
	if !docRequired && (len(in.Document) == 0 || string(in.Document) == "null") {
		in.Document = nil
		return in, nil
	}
	in.Document, err = s.parseDocument(in.Document)
	return in, err
}

// CreatePolicy creates a custom policy in the caller's organization from a
// document package policy accepts. The name must not be a managed policy's
// or a live custom policy's, and the organization must be under
// Limits.Policies.
func (s *Service) CreatePolicy(ctx context.Context, in PolicyInput) (*PolicyDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.policy.Create", ""); err != nil {
		return nil, err
	}
	if in, err = in.clean(s, true); err != nil {
		return nil, err
	}
	var pol *keyward.Policy
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		n, err := tx.CountPolicies(ctx, p.OrgID)
		if err != nil {
			return err
		}
		if err := checkLimit("policies", n, s.limits.Policies, "an organization may have at most %d custom policies"); err != nil {
			return err
		}
		if err := s.checkPolicyName(ctx, tx, p.OrgID, in.Name, ""); err != nil {
			return err
		}
		now := tx.Now()
		pol = &keyward.Policy{
			ID: keyward.PolicyID(keyward.NewID(now)), OrgID: p.OrgID, Name: in.Name, Description: in.Description,
			Document: in.Document, Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.CreatePolicy(ctx, pol); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errPolicyName(in.Name, "a policy")
		} else if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.policy.Create", TargetType: "policy", TargetID: string(pol.ID), After: viewPolicy(pol),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.detailPolicy(pol), nil
}

// GetPolicy returns a live custom policy of the caller's organization or a
// managed policy.
func (s *Service) GetPolicy(ctx context.Context, id keyward.PolicyID) (*PolicyDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *PolicyDetail
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if d, err = s.livePolicyOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorize(ctx, p, "iam.policy.Read", string(d.ID))
	})
	return d, err
}

// ListPolicies lists the policies the caller's organization sees: the
// managed ones (by name) first, then its custom ones (in creation order).
// Kind "managed" or "custom" keeps one kind; Deleted lists the deleted
// custom policies instead.
func (s *Service) ListPolicies(ctx context.Context, f PolicyFilter) ([]*PolicyDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.policy.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	switch f.Kind {
	case "", "managed", "custom":
	default:
		return nil, keyward.PageInfo{}, keyward.FieldError("kind", "kind %q is not one of managed, custom.", f.Kind)
	}
	var managed []*PolicyDetail
	if !f.Deleted && f.Kind != "custom" {
		managed, _ = s.managedPolicies()
		if f.Search != "" { // the list is shared: filter a copy
			managed = slices.DeleteFunc(slices.Clone(managed), func(d *PolicyDetail) bool { return !keyward.Matches(f.Search, d.Name) })
		}
	}
	var out []*PolicyDetail
	var info keyward.PageInfo
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		custom := func(page keyward.Page) ([]*PolicyDetail, keyward.PageInfo, error) {
			if f.Kind == "managed" {
				return nil, keyward.PageInfo{}, nil
			}
			ps, info, err := tx.ListPolicies(ctx, p.OrgID, keyward.PolicyFilter{Deleted: f.Deleted, Search: f.Search, Page: page})
			if err != nil {
				return nil, info, err
			}
			out := make([]*PolicyDetail, len(ps))
			for i, pol := range ps {
				out[i] = s.detailPolicy(pol)
			}
			return out, info, nil
		}
		out, info, err = pageThen(managed, f.Page, custom)
		return err
	})
	return out, info, err
}

// UpdatePolicy replaces a custom policy's name, description and (unless
// in.Document is nil) document, and moves it to the next version. A stale
// in.IfMatch is CodePreconditionFailed; a managed policy is
// CodeUnprocessable.
func (s *Service) UpdatePolicy(ctx context.Context, id keyward.PolicyID, in PolicyInput) (*PolicyDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var pol *keyward.Policy
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if pol, err = s.editablePolicy(ctx, tx, p, id, "iam.policy.Update"); err != nil {
			return err
		}
		if !etagMatches(in.IfMatch, pol.Version) {
			return keyward.Errorf(keyward.CodePreconditionFailed,
				"The policy is at version %d, not the one If-Match names (%s): read it again and reapply your change.", pol.Version, in.IfMatch)
		}
		if in, err = in.clean(s, false); err != nil {
			return err
		}
		if err := s.checkPolicyName(ctx, tx, p.OrgID, in.Name, id); err != nil {
			return err
		}
		if in.Document != nil {
			if err := s.checkPolicyHolders(ctx, tx, p, id); err != nil {
				return err
			}
		}
		before := viewPolicy(pol)
		pol.Name, pol.Description, pol.UpdatedAt = in.Name, in.Description, tx.Now()
		if in.Document != nil {
			pol.Document = in.Document
		}
		if err := tx.UpdatePolicy(ctx, pol, before.Version); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errPolicyName(in.Name, "a policy")
		} else if err != nil {
			return err
		}
		pol.Version = before.Version + 1
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.policy.Update", TargetType: "policy", TargetID: string(id), Before: before, After: viewPolicy(pol),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.detailPolicy(pol), nil
}

// etagMatches reports whether an If-Match value names version.
func etagMatches(ifMatch string, version int64) bool {
	v := strings.TrimSpace(ifMatch)
	if v == "" || v == "*" {
		return true
	}
	for _, tag := range strings.Split(v, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if strings.Trim(tag, `"`) == strconv.FormatInt(version, 10) {
			return true
		}
	}
	return false
}

// editablePolicy returns the live custom policy id of p's organization
// after authorizing action on it; a managed policy is CodeUnprocessable.
func (s *Service) editablePolicy(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.PolicyID, action string) (*keyward.Policy, error) {
	if _, ok := s.managedPolicy(id); ok {
		if err := s.authorize(ctx, p, action, string(id)); err != nil {
			return nil, err
		}
		return nil, errManagedReadOnly()
	}
	pol, err := customPolicyOf(ctx, tx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if pol.DeletedAt != nil && action != "iam.policy.Restore" {
		return nil, notFound("Policy")
	}
	if err := s.authorize(ctx, p, action, string(id)); err != nil {
		return nil, err
	}
	return pol, nil
}

// DeletePolicy deletes a custom policy softly: it stops granting at once,
// and its attachments are kept for RestorePolicy.
func (s *Service) DeletePolicy(ctx context.Context, id keyward.PolicyID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		pol, err := s.editablePolicy(ctx, tx, p, id, "iam.policy.Delete")
		if err != nil {
			return err
		}
		before := viewPolicy(pol)
		now := tx.Now()
		pol.DeletedAt, pol.UpdatedAt = &now, now
		if err := tx.UpdatePolicy(ctx, pol, pol.Version); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.policy.Delete", TargetType: "policy", TargetID: string(id), Before: before,
		})
		return err
	})
}

// RestorePolicy brings back a deleted custom policy with its attachments
// as they were. Restoring a live policy changes nothing; restoring one
// whose name a live policy has taken since is CodeConflict.
func (s *Service) RestorePolicy(ctx context.Context, id keyward.PolicyID) (*PolicyDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var pol *keyward.Policy
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if pol, err = s.editablePolicy(ctx, tx, p, id, "iam.policy.Restore"); err != nil {
			return err
		}
		return s.restore(ctx, tx, p, restoring{action: "iam.policy.Restore", targetType: "policy", id: string(id), deleted: pol.DeletedAt != nil,
			check: func() error {
				if err := s.checkPolicyHolders(ctx, tx, p, id); err != nil {
					return err
				}
				n, err := tx.CountPolicies(ctx, p.OrgID)
				if err != nil {
					return err
				}
				if err := checkLimit("policies", n, s.limits.Policies, "an organization may have at most %d custom policies"); err != nil {
					return err
				}
				return s.checkPolicyName(ctx, tx, p.OrgID, pol.Name, id)
			},
			undelete: func(now time.Time) (any, error) {
				version := pol.Version
				pol.DeletedAt, pol.UpdatedAt = nil, now
				if err := tx.UpdatePolicy(ctx, pol, version); keyward.ErrorCode(err) == keyward.CodeConflict {
					return nil, errPolicyName(pol.Name, "a policy")
				} else if err != nil {
					return nil, err
				}
				pol.Version = version + 1
				return viewPolicy(pol), nil
			}})
	})
	if err != nil {
		return nil, err
	}
	return s.detailPolicy(pol), nil
}

// checkPolicyHolders checks that p may hand out policy id to each kind of
// principal it is attached to: rewriting or restoring an attached policy
// hands its new content to every holder, so it needs the same right as
// attaching it (checkGrant).
func (s *Service) checkPolicyHolders(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.PolicyID) error {
	for _, typ := range []keyward.PrincipalType{keyward.PrincipalUser, keyward.PrincipalGroup, keyward.PrincipalRole} {
		as, _, err := tx.ListAttachments(ctx, p.OrgID, keyward.AttachmentFilter{PolicyID: id, TargetType: typ, Page: keyward.Page{Limit: 1}})
		if err != nil {
			return err
		}
		if len(as) == 0 {
			continue
		}
		if err := s.checkGrant(ctx, p, grant{kind: grantPolicy, id: string(id), to: typ}); err != nil {
			return err
		}
	}
	return nil
}

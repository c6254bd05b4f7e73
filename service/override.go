package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// Override is a member's override on a project as the API shows it.
type Override struct {
	ProjectID keyward.ProjectID `json:"project_id"`
	UserID    keyward.UserID    `json:"user_id"`
	Grid      policy.Grid       `json:"grid"`
	// Document is the policy the grid generates; null when it grants
	// nothing (the member then holds nothing from roles in the project).
	Document  json.RawMessage `json:"policy_document"`
	CreatedAt time.Time       `json:"date_created"`
	UpdatedAt time.Time       `json:"date_updated"`
}

func viewOverride(o *keyward.Override) *Override {
	return &Override{ProjectID: o.ProjectID, UserID: o.UserID, Grid: decodeGrid(o.Grid), Document: o.Document, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// overrideTarget checks the project and the member exist in org.
func overrideTarget(ctx context.Context, tx keyward.Tx, org keyward.OrgID, project keyward.ProjectID, user keyward.UserID) error {
	if _, err := projectOf(ctx, tx, org, project); err != nil {
		return err
	}
	_, err := userOf(ctx, tx, org, user)
	return err
}

// GetOverride returns a member's override on a project; CodeNotFound if it
// has none.
func (s *Service) GetOverride(ctx context.Context, project keyward.ProjectID, user keyward.UserID) (*Override, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *Override
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := overrideTarget(ctx, tx, p.OrgID, project, user); err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.override.Read", string(project), string(project)); err != nil {
			return err
		}
		o, err := tx.GetOverride(ctx, p.OrgID, project, user)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("Override")
		} else if err != nil {
			return err
		}
		out = viewOverride(o)
		return nil
	})
	return out, err
}

// ListOverrides lists the members' overrides on a project, in the order
// they were first set.
func (s *Service) ListOverrides(ctx context.Context, project keyward.ProjectID, page keyward.Page) ([]*Override, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*Override, keyward.PageInfo, error) {
		if _, err := projectOf(ctx, tx, p.OrgID, project); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		if err := s.authorizeIn(ctx, p, "iam.override.Read", string(project), string(project)); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		os, info, err := tx.ListOverrides(ctx, p.OrgID, keyward.OverrideFilter{ProjectID: project, Page: page})
		out := make([]*Override, len(os))
		for i, o := range os {
			out[i] = viewOverride(o)
		}
		return out, info, err
	})
}

// PutOverride sets a member's override on a project: inside the project,
// the grid's permissions replace those the member's role bindings give. A
// bad cell is a 400 naming grid.<group>.<level>.
func (s *Service) PutOverride(ctx context.Context, project keyward.ProjectID, user keyward.UserID, g policy.Grid) (*Override, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *Override
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := overrideTarget(ctx, tx, p.OrgID, project, user); err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.override.Update", string(project), string(project)); err != nil {
			return err
		}
		grid, doc, err := s.parseGrid("grid", g)
		if err != nil {
			return err
		}
		if err := s.checkOverrideGrant(ctx, p, doc, project); err != nil {
			return err
		}
		var before *Override
		if old, err := tx.GetOverride(ctx, p.OrgID, project, user); err == nil {
			before = viewOverride(old)
		} else if keyward.ErrorCode(err) != keyward.CodeNotFound {
			return err
		}
		o := &keyward.Override{OrgID: p.OrgID, ProjectID: project, UserID: user, Grid: grid, Document: doc, UpdatedBy: p.UserID}
		if err := tx.PutOverride(ctx, o); err != nil {
			return err
		}
		out = viewOverride(o)
		c := change{Action: "iam.override.Update", TargetType: "override", TargetID: string(project) + "/" + string(user), After: out}
		if before != nil {
			c.Before = before
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, c)
		return err
	})
	return out, err
}

// DeleteOverride removes a member's override on a project: the member's
// role bindings apply there again.
func (s *Service) DeleteOverride(ctx context.Context, project keyward.ProjectID, user keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := overrideTarget(ctx, tx, p.OrgID, project, user); err != nil {
			return err
		}
		if err := s.authorizeIn(ctx, p, "iam.override.Delete", string(project), string(project)); err != nil {
			return err
		}
		old, err := tx.GetOverride(ctx, p.OrgID, project, user)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("Override")
		} else if err != nil {
			return err
		}
		if err := tx.DeleteOverride(ctx, p.OrgID, project, user); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.override.Delete", TargetType: "override", TargetID: string(project) + "/" + string(user), Before: viewOverride(old),
		})
		return err
	})
}

// checkOverrideGrant checks that p may hand out, in project, what the
// override document doc (JSON; "null" for a grid that grants nothing)
// allows: an override is no stored policy, so p must hold it itself.
func (s *Service) checkOverrideGrant(ctx context.Context, p *keyward.Principal, doc json.RawMessage, project keyward.ProjectID) error {
	if len(doc) == 0 || string(doc) == "null" {
		return nil
	}
	d, err := policy.Decode(s.catalog(), doc)
	if err != nil {
		return err
	}
	return s.checkDocumentGrant(ctx, p, d, string(project))
}

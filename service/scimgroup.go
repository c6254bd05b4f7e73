package service

import (
	"context"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
)

// scimGroupOf returns the SCIM group id of the organization with all its
// members; any other group is CodeNotFound.
func (p *SCIM) scimGroupOf(ctx context.Context, tx keyward.Tx, id keyward.GroupID) (*keyward.Group, *keyward.SCIMGroup, error) {
	g, err := groupOf(ctx, tx, p.tok.OrgID, id)
	if err == nil && g.Source != keyward.SourceSCIM {
		err = notFound("Group")
	}
	if err != nil {
		return nil, nil, err
	}
	sg, err := scimGroup(ctx, tx, g)
	return g, sg, err
}

// scimGroup is g's SCIM view, with every member.
func scimGroup(ctx context.Context, tx keyward.Tx, g *keyward.Group) (*keyward.SCIMGroup, error) {
	sg := &keyward.SCIMGroup{ID: g.ID, DisplayName: g.Name, ExternalID: g.ExternalID, Members: []keyward.UserID{}, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
	page := keyward.Page{Limit: keyward.MaxPerPage}
	for {
		ms, info, err := tx.ListGroupMembers(ctx, g.OrgID, g.ID, page)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			sg.Members = append(sg.Members, m.UserID)
		}
		if info.Next == "" {
			return sg, nil
		}
		page.Cursor = info.Next
	}
}

// cleanSCIMGroup checks what a provider sends of a group.
func cleanSCIMGroup(in *keyward.SCIMGroup) error {
	name, err := cleanName("displayName", in.DisplayName, true)
	if err != nil {
		return err
	}
	in.DisplayName, in.ExternalID = name, strings.TrimSpace(in.ExternalID)
	if len(in.ExternalID) > 256 {
		return keyward.FieldError("externalId", "externalId is longer than 256 bytes.")
	}
	slices.Sort(in.Members)
	in.Members = slices.Compact(in.Members)
	return nil
}

// CreateGroup provisions a group with its members, which must be users of
// the organization. A group of that name is CodeConflict.
func (p *SCIM) CreateGroup(ctx context.Context, in *keyward.SCIMGroup) (*keyward.SCIMGroup, error) {
	if err := cleanSCIMGroup(in); err != nil {
		return nil, err
	}
	var out *keyward.SCIMGroup
	err := p.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := groupNameTaken(ctx, tx, p.tok.OrgID, in.DisplayName, ""); err != nil {
			return err
		}
		g := &keyward.Group{OrgID: p.tok.OrgID, Name: in.DisplayName, External: keyward.External{Source: keyward.SourceSCIM, ExternalID: in.ExternalID}}
		if err := p.s.insertGroup(ctx, tx, nil, g); err != nil {
			return err
		}
		sg := &keyward.SCIMGroup{ID: g.ID, DisplayName: g.Name, ExternalID: g.ExternalID, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
		if err := p.setMembers(ctx, tx, sg, in.Members); err != nil {
			return err
		}
		out = sg
		return nil
	})
	return out, err
}

// GetGroup returns the SCIM group id.
func (p *SCIM) GetGroup(ctx context.Context, id keyward.GroupID) (*keyward.SCIMGroup, error) {
	var out *keyward.SCIMGroup
	err := p.s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		_, out, err = p.scimGroupOf(ctx, tx, id)
		return err
	})
	return out, err
}

// ListGroups lists the SCIM groups, the one named displayName if it is not
// empty (case-insensitively), in creation order.
func (p *SCIM) ListGroups(ctx context.Context, displayName string, page keyward.Page) ([]*keyward.SCIMGroup, int, error) {
	var out []*keyward.SCIMGroup
	var total int
	err := p.s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		gs, info, err := tx.ListGroups(ctx, p.tok.OrgID, keyward.GroupFilter{Source: keyward.SourceSCIM, Name: displayName, Page: page})
		if err != nil {
			return err
		}
		for _, g := range gs {
			sg, err := scimGroup(ctx, tx, g)
			if err != nil {
				return err
			}
			out = append(out, sg)
		}
		total = info.Total
		return nil
	})
	return out, total, err
}

// UpdateGroup changes the SCIM group id as edit changes its SCIM view, in
// one transaction: its name and external id, and its members, of whom
// those removed lose at once what they held through the group, with the
// role sessions they made through it.
func (p *SCIM) UpdateGroup(ctx context.Context, id keyward.GroupID, edit func(*keyward.SCIMGroup) error) (*keyward.SCIMGroup, error) {
	var out *keyward.SCIMGroup
	err := p.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		g, sg, err := p.scimGroupOf(ctx, tx, id)
		if err != nil {
			return err
		}
		in := *sg
		in.Members = slices.Clone(sg.Members)
		if err := edit(&in); err != nil {
			return err
		}
		if err := cleanSCIMGroup(&in); err != nil {
			return err
		}
		if in.DisplayName != g.Name || in.ExternalID != g.ExternalID {
			if err := groupNameTaken(ctx, tx, g.OrgID, in.DisplayName, g.ID); err != nil {
				return err
			}
			before := viewGroup(g)
			g.Name, g.ExternalID, g.UpdatedAt = in.DisplayName, in.ExternalID, tx.Now()
			if err := tx.UpdateGroup(ctx, g); err != nil {
				return err
			}
			if err := p.commit(ctx, tx, change{Action: "iam.group.Update", TargetType: "group", TargetID: string(g.ID), Before: before, After: viewGroup(g)}); err != nil {
				return err
			}
			sg.DisplayName, sg.ExternalID, sg.UpdatedAt = g.Name, g.ExternalID, g.UpdatedAt
		}
		if err := p.setMembers(ctx, tx, sg, in.Members); err != nil {
			return err
		}
		out = sg
		return nil
	})
	return out, err
}

// setMembers makes want the members of sg, each added or removed as its
// own audit event. A member to add must be a user of the organization
// (CodeInvalid naming members otherwise), and the group stays within
// Limits.MembersPerGroup.
func (p *SCIM) setMembers(ctx context.Context, tx keyward.Tx, sg *keyward.SCIMGroup, want []keyward.UserID) error {
	org := p.tok.OrgID
	if err := checkLimit("members_per_group", len(want)-1, p.s.limits.MembersPerGroup, "a group may have at most %d members"); err != nil {
		return err
	}
	for _, uid := range sg.Members {
		if slices.Contains(want, uid) {
			continue
		}
		if err := p.s.removeGroupMember(ctx, tx, nil, org, sg.ID, uid); err != nil {
			return err
		}
	}
	for _, uid := range want {
		if slices.Contains(sg.Members, uid) {
			continue
		}
		if _, err := userOf(ctx, tx, org, uid); keyward.ErrorCode(err) == keyward.CodeNotFound {
			return keyward.FieldError("members", "No user of the organization has id %q.", uid)
		} else if err != nil {
			return err
		}
		if err := tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: org, GroupID: sg.ID, UserID: uid, AddedAt: tx.Now()}); err != nil {
			return err
		}
		if err := p.commit(ctx, tx, change{Action: "iam.group.AddMember", TargetType: "group", TargetID: string(sg.ID), After: memberView{sg.ID, uid}}); err != nil {
			return err
		}
	}
	sg.Members = want
	return nil
}

// DeleteGroup deletes the SCIM group id as DeleteGroup does: its members
// lose what they held through it, and the role sessions made through its
// trusts end.
func (p *SCIM) DeleteGroup(ctx context.Context, id keyward.GroupID) error {
	return p.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		g, _, err := p.scimGroupOf(ctx, tx, id)
		if err != nil {
			return err
		}
		return p.s.deleteGroup(ctx, tx, nil, g)
	})
}

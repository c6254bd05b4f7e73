package service

import (
	"context"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
)

// This file holds the fleet checks' contract until fleet roles land: every
// fleet action is refused. (Replaced by the fleet roles' implementation.)

// fleetChange is one audited change of the deployment.
type fleetChange struct {
	Action, TargetType, TargetID string
	Before, After                any
}

func (s *Service) authorizeFleet(ctx context.Context, p *keyward.Principal, action string) error {
	return refuse(action, authz.LayerPrincipal, "no fleet role")
}

func (s *Service) authorizeFleetCaller(ctx context.Context, action string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.authorizeFleet(ctx, p, action)
}

func (s *Service) writeFleet(ctx context.Context, fn func(ctx context.Context, tx keyward.Tx) error) error {
	return s.write(ctx, fn)
}

func (s *Service) auditFleet(ctx context.Context, tx keyward.Tx, p *keyward.Principal, c fleetChange) error {
	return nil
}

package service

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
)

// registryTTL is how long the organizations that registered a resource id
// are believed without asking the store again: how long another server
// may go on answering as if a resource registered or removed through this
// one had not been (this server forgets the id at once: forgetResource).
// registryMax bounds how many ids are remembered (past it, all are
// forgotten at once).
const (
	registryTTL = 10 * time.Second
	registryMax = 100_000
)

// registry remembers, briefly, which organizations registered each
// resource id the authorize API was asked about without an
// organization_id, so that a burst of checks about one resource reads the
// store once.
type registry struct {
	ids sync.Map // resource id → registryEntry
	n   atomic.Int64
}

type registryEntry struct {
	orgs    []keyward.OrgID
	expires time.Time
}

// foreignOrg returns an organization other than org that registered the
// resource id, or "" if none did. A resource registered by several
// organizations belongs to none of them alone, so a check about it from
// any of them is denied; an organization cannot claim another's resource
// by registering its id too. Providers that send the resource's
// organization_id (or run with RequireTenant) skip this lookup.
func (s *Service) foreignOrg(ctx context.Context, org keyward.OrgID, id string) (keyward.OrgID, error) {
	now := s.now()
	var orgs []keyward.OrgID
	if e, ok := s.registry.ids.Load(id); ok && now.Before(e.(registryEntry).expires) {
		orgs = e.(registryEntry).orgs
	} else {
		// Not cancelled with the request: the answer serves every request
		// about id for registryTTL, and a read whose context can be
		// cancelled costs the database driver a goroutine per statement
		// watching for it, a sizeable share of so short a read.
		var err error
		if orgs, err = s.store.ResourceOrgs(context.WithoutCancel(ctx), id); err != nil {
			return "", err
		}
		if s.registry.n.Add(1) > registryMax {
			s.registry.ids.Clear()
			s.registry.n.Store(1)
		}
		s.registry.ids.Store(id, registryEntry{orgs: orgs, expires: now.Add(registryTTL)})
	}
	for _, o := range orgs {
		if o != org {
			return o, nil
		}
	}
	return "", nil
}

// forgetResource drops what the registry remembers of resource id, once
// its registration changed through this server.
func (s *Service) forgetResource(id string) { s.registry.ids.Delete(id) }

// placeResource sets the organization of r's resource, when the asker did
// not name it, to another organization than org that registered it, so
// that the engine's tenant layer denies it; it leaves r alone otherwise.
func (s *Service) placeResource(ctx context.Context, org keyward.OrgID, r *authz.Request) error {
	if r.Resource == "" || r.Org != "" {
		return nil
	}
	other, err := s.foreignOrg(ctx, org, r.Resource)
	r.Org = string(other)
	return err
}

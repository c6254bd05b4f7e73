package service

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// A role session is never broader than the credential that assumed it
// (DESIGN.md, "Security rules"). A session is decided as its role
// intersected with its session policy and with every narrowing layer it
// carries: the inline policy of the API key that assumed it, and, when it
// was assumed by another session (chaining), that session's session
// policy and everything that session carried. This file is the one place
// that makes those layers and hands them to the engine.

// carriedNarrowing returns the narrowing layers a session that actor
// assumes carries: the inline policy of actor's API key, or every layer
// that narrows actor's own session. It is nil for an actor that is not
// narrowed, and for none (a web identity, which no keyward credential
// narrows).
func carriedNarrowing(actor *keyward.Principal) []keyward.NarrowingLayer {
	switch {
	case actor == nil:
		return nil
	case actor.Session == nil && actor.KeyPolicy == nil:
		return nil
	case actor.Session == nil:
		return []keyward.NarrowingLayer{{Source: "api_key:" + string(actor.KeyID), Documents: []keyward.SessionDocument{
			{Name: "inline policy of API key " + string(actor.KeyID), Document: actor.KeyPolicy},
		}}}
	}
	parent := actor.Session
	out := slices.Clone(parent.Narrowing)
	if docs := sessionPolicyDocs(parent.ID, parent.Policy, parent.Policies); len(docs) > 0 {
		out = append(out, keyward.NarrowingLayer{Source: "session:" + string(parent.ID), Documents: docs})
	}
	return out
}

// sessionPolicyDocs returns the documents of session id's session policy
// layer: its inline policy, then its named session policies. It is empty
// when the session has no session policy.
func sessionPolicyDocs(id keyward.RoleSessionID, inline []byte, named []keyward.SessionDocument) []keyward.SessionDocument {
	docs := make([]keyward.SessionDocument, 0, len(named)+1)
	if inline != nil {
		docs = append(docs, keyward.SessionDocument{Name: "session policy of session " + string(id), Document: inline})
	}
	return append(docs, named...)
}

// sessionRequest returns the authz part of a request made through p's
// session: its role, its session policy and the narrowing it carries,
// each layer compiled once per session (Authorizer.InlineLayer).
func (s *Service) sessionRequest(p *keyward.Principal) *authz.Session {
	sp := p.Session
	as := &authz.Session{Role: sp.RoleID}
	if docs := sessionPolicyDocs(sp.ID, sp.Policy, sp.Policies); len(docs) > 0 {
		as.Policy = s.engine().InlineLayer(string(sp.ID), authz.LayerSessionPolicy, inlineDocs(docs, "session"))
	}
	for i, l := range sp.Narrowing {
		name := authz.CarriedLayer(l.Source)
		_, of, _ := strings.Cut(l.Source, ":")
		as.Carried = append(as.Carried, policy.Layer{
			Name: name,
			Set:  s.engine().InlineLayer(string(sp.ID)+"/carried/"+strconv.Itoa(i), name, inlineDocs(l.Documents, of)),
		})
	}
	return as
}

// inlineDocs returns ds for the engine. An inline document, which is no
// policy of its own, is explained under inlineID: "session" for the
// session policy, as ever, and the key's or session's id for a carried
// one, as a key's own narrowing is.
func inlineDocs(ds []keyward.SessionDocument, inlineID string) []authz.InlineDoc {
	out := make([]authz.InlineDoc, len(ds))
	for i, d := range ds {
		out[i] = authz.InlineDoc{PolicyID: string(d.PolicyID), Name: d.Name, Raw: d.Document}
		if d.PolicyID == "" {
			out[i].PolicyID = inlineID
		}
	}
	return out
}

// PolicyRef names a policy of the organization as a session policy (AWS
// STS's PolicyArns): by ID, a custom policy of the organization or a
// managed policy, or by Name, a managed policy. Field is the request
// field that named it, for errors.
type PolicyRef struct {
	ID    keyward.PolicyID
	Name  string
	Field string
}

// sessionPolicies returns the live policies of org that refs name, each
// once, as they read now: the session keeps them so, and a later edit of
// a policy does not change it. A ref that names no policy of org is
// CodeInvalid on its Field.
func (s *Service) sessionPolicies(ctx context.Context, tx keyward.Tx, org keyward.OrgID, refs []PolicyRef) ([]keyward.SessionDocument, error) {
	var out []keyward.SessionDocument
	for _, ref := range refs {
		p, err := s.namedPolicy(ctx, tx, org, ref)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(d keyward.SessionDocument) bool { return d.PolicyID == p.ID }) {
			out = append(out, keyward.SessionDocument{PolicyID: p.ID, Name: p.Name, Document: p.Document})
		}
	}
	return out, nil
}

func (s *Service) namedPolicy(ctx context.Context, tx keyward.Tx, org keyward.OrgID, ref PolicyRef) (*PolicyDetail, error) {
	if ref.Name != "" {
		list, _ := s.managedPolicies()
		for _, mp := range list {
			if mp.Name == ref.Name {
				return mp, nil
			}
		}
		return nil, keyward.FieldError(ref.Field, "There is no managed policy named %q.", ref.Name)
	}
	p, err := s.livePolicyOf(ctx, tx, org, ref.ID)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, keyward.FieldError(ref.Field, "There is no policy %s in this organization.", ref.ID)
	}
	return p, err
}

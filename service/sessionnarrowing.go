package service

import (
	"slices"
	"strconv"

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
		as.Policy = s.authz.InlineLayer(string(sp.ID), authz.LayerSessionPolicy, inlineDocs(docs))
	}
	for i, l := range sp.Narrowing {
		name := authz.CarriedLayer(l.Source)
		as.Carried = append(as.Carried, policy.Layer{
			Name: name,
			Set:  s.authz.InlineLayer(string(sp.ID)+"/carried/"+strconv.Itoa(i), name, inlineDocs(l.Documents)),
		})
	}
	return as
}

func inlineDocs(ds []keyward.SessionDocument) []authz.InlineDoc {
	out := make([]authz.InlineDoc, len(ds))
	for i, d := range ds {
		out[i] = authz.InlineDoc{PolicyID: string(d.PolicyID), Name: d.Name, Raw: d.Document}
	}
	return out
}

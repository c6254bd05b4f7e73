package authz

import (
	"maps"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// unmentioned is a resource id no statement names: it stands for every
// resource that only wildcards reach.
const unmentioned = "00000000-0000-7000-8000-0000c0ffee00"

// unmentionedType is a resource type no statement names: it stands for
// every type that only "*" and UUIDs reach.
const unmentionedType = "keyward.unmentioned"

// Uncovered looks for something target may do that the caller of base may
// not: base is the caller's request (principal, session, narrowing,
// context) with no action or resource, and the search runs over every
// action of the catalog and every resource the two principals' statements,
// bindings and overrides tell apart (the organization, each project, each
// resource named, a resource in each project and one that nothing names).
// Each is asked about as a resource of the action's type, of each type the
// statements name and of one they do not, since typed resources tell
// types apart.
// It returns the first such action and resource, with ok true, or ok false
// when the caller covers target: a credential of target would then reach
// nothing its maker could not. The root owner is covered by the root owner
// alone.
func (s *Snapshot) Uncovered(base Request, target keyward.UserID) (action, resource string, ok bool) {
	t := s.users.get(target)
	if t == nil || t.user.Status != keyward.StatusActive {
		return "", "", false // may do nothing
	}
	type probe struct{ resource, project string }
	probes := []probe{{"", ""}, {string(s.Org), ""}, {unmentioned, ""}}
	ids, types := s.distinctions(base, t)
	for _, p := range ids {
		if proj := s.scope.resources[p].project; proj != "" {
			probes = append(probes, probe{p, proj})
			continue
		}
		// p may be a project: the project itself, and a resource in it.
		probes = append(probes, probe{p, ""}, probe{p, p}, probe{unmentioned, p})
	}
	for _, a := range s.cat.Actions() {
		for _, pr := range probes {
			for _, typ := range types {
				r := Request{Principal: target, Action: a.Name, Resource: pr.resource, Type: typ, Project: pr.project, Context: base.Context}
				if d, _ := s.Decide(&r); !d.Allowed() {
					continue
				}
				c := base
				c.Action, c.Resource, c.Type, c.Project = a.Name, pr.resource, typ, pr.project
				if d, _ := s.Decide(&c); !d.Allowed() {
					return a.Name, pr.resource, true
				}
			}
		}
	}
	return "", "", false
}

// distinctions returns the lowercase ids that the statements, project
// bindings and overrides of the caller of base and of t name: the only
// resources and projects on which their decisions can differ from those
// on a resource nothing names; and the types their statements name, with
// "" (the action's own) and unmentionedType, the only types on which they
// can differ.
func (s *Snapshot) distinctions(base Request, t *userNode) (ids, types []string) {
	idSet, typeSet := map[string]bool{}, map[string]bool{"": true, unmentionedType: true}
	addDoc := func(doc *policy.Document) {
		if doc == nil {
			return
		}
		for _, st := range doc.Statement {
			for _, res := range st.Resource {
				typ, id, ok := policy.SplitResource(res)
				if ok && id != "*" {
					idSet[lowerID(id)] = true
				}
				if ok {
					typeSet[lowerID(typ)] = true
				}
			}
		}
	}
	addSet := func(set *policy.Set) {
		if set != nil {
			for _, in := range set.Inputs() {
				addDoc(in.Doc)
			}
		}
	}
	addUser := func(u *userNode) {
		for _, in := range s.allInputs(u, s.orgSet(u)) {
			addDoc(in.Doc)
			if in.project != "" {
				idSet[in.project] = true
			}
		}
	}
	addUser(t)
	if u := s.users.get(base.Principal); u != nil && base.Session == nil {
		addUser(u)
	}
	if base.Session != nil {
		if r := s.roles[base.Session.Role]; r != nil {
			for _, p := range r.policies {
				addDoc(p.doc)
			}
		}
		addSet(base.Session.Policy)
	}
	addSet(base.Narrow)
	delete(idSet, lowerID(string(s.Org)))
	return slices.Sorted(maps.Keys(idSet)), slices.Sorted(maps.Keys(typeSet))
}

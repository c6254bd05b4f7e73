package authz

import (
	"github.com/keyward-iam/keyward/policy"
)

// projectRoles are the roles bound to a user or group in single projects:
// project id → roles. Such a role's policies apply to requests in that
// project only, on top of the org-wide ones (Oxide's rule: a user's access
// in a project is the union of its org and project bindings).
type projectRoles map[string][]*roleNode

// add records a binding of r in project.
func (p *projectRoles) add(project string, r *roleNode) {
	if *p == nil {
		*p = projectRoles{}
	}
	key := lowerID(project)
	(*p)[key] = append((*p)[key], r)
}

// compiledFor returns the set that decides u's requests in project: u's
// org-wide set, or, when u has project bindings or an override there, a
// set for that project, compiled on first use. With an override, the
// override's policy replaces everything u holds through roles; without,
// the project's bindings add to the org-wide set.
func (s *Snapshot) compiledFor(u *userNode, project string) *compiled {
	key := lowerID(project)
	o := s.override(u, key)
	if project == "" || (o == nil && !u.boundIn(project)) {
		return s.compiled(u)
	}
	sets := u.compiledSets()
	if c, ok := sets.inProject.Load(key); ok {
		return c.(*compiled)
	}
	var in []policy.Input
	if o != nil {
		in = append(s.baseInputs(u), policy.Input{ID: string(o.id), Name: o.name, Via: overrideVia(key), Doc: o.doc})
	} else {
		in = s.compiled(u).inputs
		in = append(in[:len(in):len(in)], s.projectInputs(u, key)...)
	}
	c, _ := sets.inProject.LoadOrStore(key, &compiled{inputs: in, set: policy.Compile(s.cat, in)})
	return c.(*compiled)
}

// projectSpecific reports whether u's requests in project are decided by
// a set of their own (compiledFor): it has an override or a project
// binding there.
func (s *Snapshot) projectSpecific(u *userNode, project string) bool {
	if project == "" || u.overrides == nil && u.projects == nil {
		return false // no project binding or override anywhere (linkUser)
	}
	return s.override(u, lowerID(project)) != nil || u.boundIn(project)
}

// boundIn reports whether u has a role bound in project, directly or
// through one of its groups.
func (u *userNode) boundIn(project string) bool {
	key := lowerID(project)
	if len(u.projects[key]) > 0 {
		return true
	}
	for _, g := range u.groups {
		if len(g.projects[key]) > 0 {
			return true
		}
	}
	return false
}

// projectInputs returns the policies of the roles bound to u in the
// project (key is lowercase), with their paths ("role:<name> @ project:<id>",
// "group:<name> → role:<name> @ project:<id>").
func (s *Snapshot) projectInputs(u *userNode, key string) []policy.Input {
	var in []policy.Input
	at := " @ project:" + key
	for _, r := range u.projects[key] {
		for _, p := range r.policies {
			in = append(in, policy.Input{ID: string(p.id), Name: p.name, Via: r.via + at, Doc: p.doc})
		}
	}
	for _, g := range u.groups {
		for _, r := range g.projects[key] {
			for _, p := range r.policies {
				in = append(in, policy.Input{ID: string(p.id), Name: p.name, Via: g.via + " → " + r.via + at, Doc: p.doc})
			}
		}
	}
	return in
}

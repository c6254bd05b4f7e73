package authz

import "github.com/keyward-iam/keyward/policy"

// ExplainPolicies is the explanation by r's principal's policies, as
// Explain assembles it; ExplainByCompiledSet is the same from the
// principal's compiled set, as Explain assembled it before it walked the
// policies. Both are for a known, active principal that is not the root
// owner.
func ExplainPolicies(s *Snapshot, r *Request) policy.Explanation {
	u, project := s.users.get(r.Principal), s.projectOf(r)
	pr := s.policyRequest(r, project)
	return s.explainPolicies(u, project, &pr)
}

func ExplainByCompiledSet(s *Snapshot, r *Request) policy.Explanation {
	u, project := s.users.get(r.Principal), s.projectOf(r)
	pr := s.policyRequest(r, project)
	return s.withTrusts(u, project, s.compiledFor(u, project), s.autoTrusts(u, r.Context, false)).set.Explain(&pr)
}

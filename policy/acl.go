package policy

import (
	"maps"
	"slices"
	"strings"
)

// serverPatterns are the resources the legacy "subscriptions" ACLs (servers) cover.
var serverPatterns = []string{"compute.*", "storage.block.*", "network.reservedip.*", "network.vpc*"}

func isCreate(a Action) bool { return strings.HasPrefix(a.Operation, "Create") }

// aclDefs are the managed policies that stand for Vultr's legacy ACLs (docs/policy.md,
// "Legacy ACLs"). Each grants its user.acl.* permission and the IAM actions that do the
// same job.
var aclDefs = []managedDef{
	{name: "ACLBilling", description: "Legacy ACL billing: manage billing.", always: []string{"user.acl.Billing"}, patterns: []string{"billing.*", "account.billing.*"}},
	{name: "ACLDNS", description: "Legacy ACL dns: manage DNS.", always: []string{"user.acl.DNS"}, patterns: []string{"network.dns.*"}},
	{name: "ACLFirewall", description: "Legacy ACL firewall: manage firewalls.", always: []string{"user.acl.Firewall"}, patterns: []string{"network.firewall.*"}},
	{name: "ACLManageUsers", description: "Legacy ACL manage_users: manage users, groups, roles and policies (which lets the holder grant itself anything, as the ACL did).", always: []string{"user.acl.ManageUsers"}, patterns: []string{"account.user.*", "iam.*"}},
	{name: "ACLSubscriptions", description: "Legacy ACL subscriptions: manage existing servers, their storage, addresses and networks (everything but creating them).", always: []string{"user.acl.Subscriptions"}, patterns: serverPatterns, filter: func(a Action) bool { return !isCreate(a) }},
	{name: "ACLSubscriptionsView", description: "Legacy ACL subscriptions_view: view servers, their storage, addresses and networks.", always: []string{"user.acl.SubscriptionsView"}, patterns: serverPatterns, filter: levelIs(LevelRead)},
	{name: "ACLProvisioning", description: "Legacy ACL provisioning: deploy new servers, storage, addresses and networks.", always: []string{"user.acl.Provisioning"}, patterns: serverPatterns, filter: isCreate},
	{name: "ACLUpgrade", description: "Legacy ACL upgrade: change the plan of servers.", always: []string{"user.acl.Upgrade", "compute.instance.Update", "compute.baremetal.Update"}, patterns: []string{"account.plan.*"}},
	{name: "ACLSupport", description: "Legacy ACL support: use support tickets.", always: []string{"user.acl.Support"}, patterns: []string{"support.*"}},
	{name: "ACLObjStore", description: "Legacy ACL objstore: manage object storage.", always: []string{"user.acl.ObjStore"}, patterns: []string{"storage.object.*"}},
	{name: "ACLLoadBalancer", description: "Legacy ACL loadbalancer: manage load balancers.", always: []string{"user.acl.LoadBalancer"}, patterns: []string{"network.loadbalancer.*"}},
	{name: "ACLVKE", description: "Legacy ACL vke: manage Kubernetes clusters.", always: []string{"user.acl.VKE"}, patterns: []string{"kubernetes.*"}},
	{name: "ACLAbuse", description: "Legacy ACL abuse: receive AUP and ToS notices.", always: []string{"user.acl.Abuse"}},
	{name: "ACLAlerts", description: "Legacy ACL alerts: receive maintenance notices.", always: []string{"user.acl.Alerts"}, patterns: []string{"monitoring.notice.*"}},
	{name: "ACLActivityLogs", description: "Legacy ACL activity_logs: view activity logs.", always: []string{"user.acl.ActivityLogs"}, patterns: []string{"account.log.*", "account.auditlog.*"}, filter: levelIs(LevelRead)},
}

// aclPolicies maps each legacy ACL (as /v2/users lists it, without the acl_ prefix) to the
// managed policies that replace it. provisioning implies subscriptions and
// subscriptions_view, as it did.
var aclPolicies = map[string][]string{
	"abuse":              {"ACLAbuse"},
	"activity_logs":      {"ACLActivityLogs"},
	"alerts":             {"ACLAlerts"},
	"billing":            {"ACLBilling"},
	"dns":                {"ACLDNS"},
	"firewall":           {"ACLFirewall"},
	"loadbalancer":       {"ACLLoadBalancer"},
	"manage_users":       {"ACLManageUsers"},
	"objstore":           {"ACLObjStore"},
	"provisioning":       {"ACLProvisioning", "ACLSubscriptions", "ACLSubscriptionsView"},
	"subscriptions":      {"ACLSubscriptions"},
	"subscriptions_view": {"ACLSubscriptionsView"},
	"support":            {"ACLSupport"},
	"upgrade":            {"ACLUpgrade"},
	"vke":                {"ACLVKE"},
}

// ACLPolicies returns the mapping from every legacy ACL name (manage_users,
// subscriptions_view, …) to the names of the managed policies that replace it.
func ACLPolicies() map[string][]string {
	m := make(map[string][]string, len(aclPolicies))
	for k, v := range aclPolicies {
		m[k] = slices.Clone(v)
	}
	return m
}

// ACLNames returns the legacy ACL names, sorted.
func ACLNames() []string { return slices.Sorted(maps.Keys(aclPolicies)) }

// ACLPolicyNames returns the managed policies that replace one legacy ACL, given with or
// without its acl_ prefix.
func ACLPolicyNames(acl string) ([]string, bool) {
	p, ok := aclPolicies[strings.TrimPrefix(acl, "acl_")]
	return slices.Clone(p), ok
}

package keyward

// Tag is a key/value label on a user or service user in one organization,
// as AWS IAM tags users and roles. Policies read a request's principal's
// tags through the condition key keyward:PrincipalTag/<key>, so setting one
// is an act of access control (docs/policy.md, "Tags").
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

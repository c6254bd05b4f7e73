package console

import (
	"context"
	"net/http"

	"github.com/keyward-iam/keyward"
)

// memberTags is what the Team page shows of a member's tags: the tags,
// when the engine lets the signed-in member list them, and the controls
// it may use on them.
type memberTags struct {
	Show bool
	Tags []keyward.Tag
	// Tag and Untag show the add form and the remove buttons: the engine's
	// decision on this member, and never on the root owner for anyone but
	// the root owner, whose tags are the root owner's alone.
	Tag, Untag bool
}

// loadMemberTags reads u's tags as the member of ctx, with the controls
// it may use; a member whose tags it may not list shows none.
func (c *Console) loadMemberTags(ctx context.Context, s *session, u *keyward.User) (memberTags, error) {
	id := string(u.Account.ID)
	if !c.allowed(ctx, "iam.user.ListTags", id) {
		return memberTags{}, nil
	}
	tags, err := c.svc.ListUserTags(ctx, u.Account.ID)
	if err != nil {
		return memberTags{}, err
	}
	mine := !u.Owner || u.Account.ID == s.Principal.UserID
	return memberTags{Show: true, Tags: tags,
		Tag: mine && c.allowed(ctx, "iam.user.Tag", id), Untag: mine && c.allowed(ctx, "iam.user.Untag", id)}, nil
}

// tagMember adds the tag key=value of the form to the member of the path;
// a key it has already takes the new value, as the API's POST does.
func (c *Console) tagMember(ctx context.Context, r *http.Request, s *session) error {
	_, err := c.svc.TagUser(ctx, keyward.UserID(r.PathValue("user_id")),
		[]keyward.Tag{{Key: r.PostFormValue("key"), Value: r.PostFormValue("value")}})
	return err
}

// untagMember removes the tag of the form's key from the member of the
// path. The key is a form field, not a path segment: a key may hold "/".
func (c *Console) untagMember(ctx context.Context, r *http.Request, s *session) error {
	_, err := c.svc.UntagUser(ctx, keyward.UserID(r.PathValue("user_id")), []string{r.PostFormValue("key")})
	return err
}

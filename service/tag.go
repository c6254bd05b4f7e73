package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// MaxTags is the most tags a user may carry: AWS IAM's limit.
const MaxTags = 50

// reservedTagPrefixes start keys no one may set (compared ignoring case):
// keyward's own condition keys, and AWS's, which a policy written for AWS
// would take for its own.
var reservedTagPrefixes = []string{"keyward:", "aws:"}

// ListUserTags returns the tags of user id of the caller's organization,
// sorted by key ignoring case; none is an empty list.
func (s *Service) ListUserTags(ctx context.Context, id keyward.UserID) ([]keyward.Tag, error) {
	u, err := s.readUser(ctx, id, "iam.user.ListTags")
	if err != nil {
		return nil, err
	}
	return tagList(u.Tags), nil
}

// TagUser adds tags to user id of the caller's organization, as AWS's
// TagUser: a key the user already has (ignoring case) takes the new value
// and spelling, the others stay. It needs iam.user.Tag on that user; the
// root owner's tags are the root owner's alone. It returns the user's tags.
//
// Returns CodeInvalid naming the field (tags[i].key, tags[i].value) for a
// key or value outside AWS's rules (policy.CheckTagKey), a reserved
// prefix, a key given twice, or more than MaxTags tags in all.
func (s *Service) TagUser(ctx context.Context, id keyward.UserID, tags []keyward.Tag) ([]keyward.Tag, error) {
	if len(tags) == 0 {
		return nil, keyward.FieldError("tags", "tags must hold at least one tag.")
	}
	for i, t := range tags {
		if err := checkTag(i, t); err != nil {
			return nil, err
		}
		for j := range i {
			if strings.EqualFold(tags[j].Key, t.Key) {
				return nil, keyward.FieldError(fmt.Sprintf("tags[%d].key", i), "tags[%d].key %q repeats tags[%d].key; tag keys are unique ignoring case.", i, t.Key, j)
			}
		}
	}
	return s.changeTags(ctx, id, "iam.user.Tag", func(old []keyward.Tag) ([]keyward.Tag, error) {
		out := slices.DeleteFunc(slices.Clone(old), func(o keyward.Tag) bool {
			return slices.ContainsFunc(tags, func(t keyward.Tag) bool { return strings.EqualFold(t.Key, o.Key) })
		})
		out = append(out, tags...)
		if len(out) > MaxTags {
			return nil, keyward.FieldError("tags", "A user may have at most %d tags; this would give it %d.", MaxTags, len(out))
		}
		return out, nil
	})
}

// UntagUser removes from user id of the caller's organization the tags
// with keys (ignoring case), as AWS's UntagUser: a key the user does not
// have is no error. It needs iam.user.Untag on that user. It returns the
// user's tags.
func (s *Service) UntagUser(ctx context.Context, id keyward.UserID, keys []string) ([]keyward.Tag, error) {
	if len(keys) == 0 {
		return nil, keyward.FieldError("key", "Name at least one tag key to remove (key=...).")
	}
	for i, k := range keys {
		if msg := policy.CheckTagKey(k); msg != "" {
			return nil, keyward.FieldError("key", "key[%d] %q: %s.", i, k, msg)
		}
	}
	return s.changeTags(ctx, id, "iam.user.Untag", func(old []keyward.Tag) ([]keyward.Tag, error) {
		return slices.DeleteFunc(slices.Clone(old), func(o keyward.Tag) bool {
			return slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, o.Key) })
		}), nil
	})
}

// changeTags is the one transaction of a change to user id's tags by
// action: the user must be a member of the caller's organization, the
// caller allowed action on it and, for the root owner, be the root owner.
// apply makes the new tags from the old; they are stored sorted, and the
// audit event holds both.
func (s *Service) changeTags(ctx context.Context, id keyward.UserID, action string, apply func([]keyward.Tag) ([]keyward.Tag, error)) ([]keyward.Tag, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var tags []keyward.Tag
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := userOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, action, string(id)); err != nil {
			return err
		}
		// A role session of the root owner's tagged by an admin would
		// carry what the admin chose; the owner's account is its own.
		if u.Owner && u.Account.ID != p.UserID {
			return errNotRootOwner("change the root owner's tags")
		}
		if tags, err = apply(u.Tags); err != nil {
			return err
		}
		slices.SortStableFunc(tags, func(a, b keyward.Tag) int {
			return strings.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key))
		})
		if err := tx.SetMemberTags(ctx, p.OrgID, id, tags); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: action, TargetType: "user", TargetID: string(id), Before: tagList(u.Tags), After: tagList(tags),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return tagList(tags), nil
}

// checkTag checks tags[i], t: AWS's alphabet and lengths, and no reserved
// prefix.
func checkTag(i int, t keyward.Tag) error {
	field := fmt.Sprintf("tags[%d].key", i)
	if msg := policy.CheckTagKey(t.Key); msg != "" {
		return keyward.FieldError(field, "%s: %s.", field, msg)
	}
	for _, prefix := range reservedTagPrefixes {
		if len(t.Key) >= len(prefix) && strings.EqualFold(t.Key[:len(prefix)], prefix) {
			return keyward.FieldError(field, "%s %q: the prefix %s is reserved.", field, t.Key, prefix)
		}
	}
	if msg := policy.CheckTagValue(t.Value); msg != "" {
		field = fmt.Sprintf("tags[%d].value", i)
		return keyward.FieldError(field, "%s: %s.", field, msg)
	}
	return nil
}

// tagList is tags, or an empty list for none, as the API shows them.
func tagList(tags []keyward.Tag) []keyward.Tag {
	if tags == nil {
		return []keyward.Tag{}
	}
	return tags
}

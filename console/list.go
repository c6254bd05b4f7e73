package console

import (
	"context"
	"net/http"
	"net/url"

	"github.com/keyward-iam/keyward"
)

// row is an item of a list and whether the member may delete it, which
// decides whether the page shows its Delete button.
type row[T any] struct {
	Item   T
	Delete bool
}

// rowsOf pairs each of items with the engine's answer to whether the
// member of ctx may perform action on it; scope names the item's
// resource and its project ("" for none).
func rowsOf[T any](ctx context.Context, c *Console, items []T, action string, scope func(T) (resource, project string)) ([]row[T], error) {
	out := make([]row[T], 0, len(items))
	for _, it := range items {
		resource, project := scope(it)
		ok, err := c.svc.Allowed(ctx, action, resource, project)
		if err != nil {
			return nil, err
		}
		out = append(out, row[T]{it, ok})
	}
	return out, nil
}

// listPage is the data of a page that lists one kind of item: a page of
// them with their Delete buttons, and whether the member may create one.
type listPage[T any] struct {
	Items  []row[T]
	Pager  pager
	Create bool
}

// loadList reads the page of the list at path that r asks for, as the
// member of ctx: list lists it, create is the action that adds an item
// and del the one that deletes an item (scope names its resource and
// project).
func loadList[T any](ctx context.Context, c *Console, r *http.Request, path string, list func(context.Context, keyward.Page) ([]T, keyward.PageInfo, error),
	create, del string, scope func(T) (resource, project string)) (*listPage[T], error) {
	items, info, err := list(ctx, pageOf(r))
	if err != nil {
		return nil, err
	}
	d := &listPage[T]{Pager: pagerOf(path, info)}
	if d.Create, err = c.svc.Allowed(ctx, create, "", ""); err != nil {
		return nil, err
	}
	d.Items, err = rowsOf(ctx, c, items, del, scope)
	return d, err
}

// restorable pairs items, a page of the list at path, with whether the
// member of ctx may restore each (action on its id) when the page shows
// the list's deleted items (deleted: ?deleted=1, which the pager's links
// keep), and returns the rows row makes and the list's pager.
func restorable[T, R any](ctx context.Context, c *Console, path string, deleted bool, info keyward.PageInfo, items []T,
	action string, id func(T) string, row func(item T, restore bool) R) ([]R, pager) {
	p := pagerOf(path, info)
	if deleted {
		p.Query = url.Values{"deleted": {"1"}}
	}
	out := make([]R, len(items))
	for i, it := range items {
		out[i] = row(it, deleted && c.allowed(ctx, action, id(it)))
	}
	return out, p
}

package console

import (
	"maps"
	"net/http"
	"net/url"

	"github.com/keyward-iam/keyward"
)

// perPage is how many rows a page of a list shows.
const perPage = 20

// pager is where a page of a list sits: the path of the list, the query
// parameter that carries its cursor and the cursors of the pages before
// and after it (the layout's "pager" template links them).
type pager struct {
	Path, Param string
	Prev, Next  string
	Total       int
	// Query is the list's filters, which the links to its other pages
	// keep.
	Query url.Values
}

// Href is the address of the page of the list at cursor; it keeps the
// list's filters and sets the list's own cursor parameter, so that the
// other lists of a page with several (the Team page) are not paged.
func (p pager) Href(cursor string) string {
	q := url.Values{}
	maps.Copy(q, p.Query)
	q.Set(p.Param, cursor)
	return p.Path + "?" + q.Encode()
}

// pageOf is the page of a page's one list that r asks for (its cursor).
func pageOf(r *http.Request) keyward.Page { return pageAt(r, "cursor") }

// pageAt is the page of the list whose cursor is r's query parameter
// param: a page with several lists (the Team page) pages each with its
// own.
func pageAt(r *http.Request, param string) keyward.Page {
	return keyward.Page{Limit: perPage, Cursor: r.URL.Query().Get(param)}
}

// pagerOf is the pager of the page of the list at path that info
// describes.
func pagerOf(path string, info keyward.PageInfo) pager { return pagerAt(path, "cursor", info) }

// listingDeleted reports whether r asks a list of soft-deleted things
// (roles, policies, groups) for the deleted ones (?deleted=1).
func listingDeleted(r *http.Request) bool { return r.URL.Query().Get("deleted") != "" }

// pagerAt is pagerOf for a list whose cursor is the query parameter
// param.
func pagerAt(path, param string, info keyward.PageInfo) pager {
	return pager{Path: path, Param: param, Prev: info.Prev, Next: info.Next, Total: info.Total}
}

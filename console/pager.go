package console

import (
	"maps"
	"net/http"
	"net/url"

	"github.com/keyward-iam/keyward"
)

// perPage is how many rows a page of a list shows.
const perPage = 20

// pager is where a page of a list sits: the path of the list and the
// cursors of the pages before and after it (the layout's "pager"
// template links them).
type pager struct {
	Path       string
	Prev, Next string
	Total      int
	// Query is the list's filters, which the links to its other pages
	// keep.
	Query url.Values
}

// Href is the address of the page of the list at cursor.
func (p pager) Href(cursor string) string {
	q := url.Values{}
	maps.Copy(q, p.Query)
	q.Set("cursor", cursor)
	return p.Path + "?" + q.Encode()
}

// pageOf is the page of a list that r asks for (its cursor).
func pageOf(r *http.Request) keyward.Page {
	return keyward.Page{Limit: perPage, Cursor: r.URL.Query().Get("cursor")}
}

// pagerOf is the pager of the page of the list at path that info
// describes.
func pagerOf(path string, info keyward.PageInfo) pager {
	return pager{Path: path, Prev: info.Prev, Next: info.Next, Total: info.Total}
}

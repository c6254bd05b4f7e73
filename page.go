package keyward

import "strings"

// Page limits.
const (
	DefaultPerPage = 100
	MaxPerPage     = 500
)

// Page asks for one page of a listing. Cursor is an opaque value from a
// previous PageInfo (Next or Prev), or empty for the first page.
type Page struct {
	Limit  int // 1..MaxPerPage; 0 means DefaultPerPage
	Cursor string
	// Offset skips that many rows of the listing before the page, for
	// SCIM's startIndex; it is ignored with a Cursor.
	Offset int
}

// Matches reports whether one of names contains search, ignoring case:
// the rule of the filters' Search fields, which the store applies to the
// rows it lists and the service to the built-in roles and managed
// policies it lists before them. An empty search matches everything.
func Matches(search string, names ...string) bool {
	search = strings.ToLower(search)
	for _, n := range names {
		if strings.Contains(strings.ToLower(n), search) {
			return true
		}
	}
	return search == ""
}

// PageInfo describes where a page sits in its listing. Next and Prev are
// empty when there is no such page.
type PageInfo struct {
	Total int
	Next  string
	Prev  string
}

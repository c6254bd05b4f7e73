package policy

// Decode reads a stored document for evaluation, where Parse reads one being written. It
// returns the error Parse would return, but where Parse returns no document, Decode still
// returns the document as written whenever its JSON has the shape of one: valid UTF-8 and
// JSON, every field known, given once and of the right type, no list empty. Compile then
// evaluates it safely (docs/policy.md, "Statements that cannot be evaluated"): a statement
// that breaks a rule, such as one naming an action that has since left the catalog, never
// allows, and a broken Deny still denies. A document without that shape comes back nil, and
// Compile makes a policy without a document deny every action, so that a policy that cannot
// be read never lets through what it may have denied. Decode applies the size limits only in
// its error: a stored document is evaluated whatever its size.
func Decode(cat *Catalog, data []byte) (*Document, error) {
	d, err := decode(cat, data)
	if err == nil {
		err = checkSize(d, data)
	}
	return d, err
}

package policy

import "strings"

// FieldError is one problem found in a policy document. Path locates the element in the
// document (`Statement[2].Action[0]`, `Statement[0].Condition.IpAddress.keyward:SourceIp`;
// empty for the document as a whole), Field names the document field at fault (`Action`,
// `Resource`, `Effect`, …; for an unknown field, its name) and Message says what is wrong in
// words safe to show to the author of the document.
type FieldError struct {
	Path    string `json:"path"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error returns "Path: Message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationErrors is every problem found in a document, in document order. Parse returns
// it (as an error) when a document is rejected; it is never empty.
type ValidationErrors []*FieldError

// Error joins the errors, one per line.
func (ve ValidationErrors) Error() string {
	var b strings.Builder
	for i, e := range ve {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// errorList accumulates field errors while a document is checked.
type errorList struct {
	errs ValidationErrors
	// suggestions left: finding a "did you mean" costs a scan of the catalog, so a
	// document full of junk gets suggestions for its first few mistakes only.
	suggestions int
}

func newErrorList() *errorList { return &errorList{suggestions: maxSuggestions} }

const maxSuggestions = 16

func (l *errorList) add(path, field, msg string) {
	l.errs = append(l.errs, &FieldError{Path: path, Field: field, Message: msg})
}

func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return l.errs
}

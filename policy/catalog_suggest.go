package policy

// Suggest returns the catalog action closest to name, for a "did you mean"
// hint, if one is close enough to be a plausible typo.
func (c *Catalog) Suggest(name string) (string, bool) {
	return Nearest(name, c.names)
}

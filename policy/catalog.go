package policy

import (
	"errors"
	"slices"
	"strings"
	"sync"
)

// Level is an action's access level. Managed policies such as ReadOnlyAccess are defined by
// level, so a new catalog action is covered by them as soon as it is in the catalog.
type Level string

// The access levels, from least to most powerful. The rule that assigns them is in
// docs/policy.md ("Access levels").
const (
	LevelRead   Level = "read"   // List*, Read*, Get*, Authorize, WhoCan: looks, changes nothing
	LevelWrite  Level = "write"  // Create*, Update, Attach*, Add*, AssumeRole, Restore, …: creates or changes
	LevelDelete Level = "delete" // Delete*, Remove*, Detach*, Revoke, Abort*: removes or takes access away
	LevelAdmin  Level = "admin"  // ownership and other identities' secrets: TransferOwnership, SetPassword, …
)

// Levels lists every level, least powerful first.
func Levels() []Level { return []Level{LevelRead, LevelWrite, LevelDelete, LevelAdmin} }

func (l Level) valid() bool {
	return l == LevelRead || l == LevelWrite || l == LevelDelete || l == LevelAdmin
}

// Action is one entry of the action catalog. Name is `service.resource.Operation`; Service,
// Resource and Operation are its three parts.
type Action struct {
	Name        string `json:"name"`
	Service     string `json:"service"`
	Resource    string `json:"resource"`
	Operation   string `json:"operation"`
	Description string `json:"description"`
	Level       Level  `json:"level"`
	// Source is the part the action comes from (CatalogPart.Source); set by Compose.
	Source string `json:"source,omitempty"`
}

// maxNameLen bounds the length of an action name, so lookups can fold case on the stack.
const maxNameLen = 128

// Catalog is an immutable set of actions. Names are unique ignoring ASCII case. A Catalog is
// safe for concurrent use.
type Catalog struct {
	actions []Action         // sorted by folded name
	folded  []string         // folded[i] is actions[i].Name in lower case
	exact   map[string]int32 // Name → index
	byFold  map[string]int32 // folded name → index
	svcs    []string

	resources []string // the resource types of the actions, service.resource, in catalog order
	names     []string // did-you-mean candidates for a name
	wildcards []string // did-you-mean candidates for a pattern: names, "svc.*", "svc.res.*"
	all       []int32  // 0, 1, …, len(actions)-1; shared, never modified

	// patterns caches what each wildcard pattern (case-folded) matches: the same patterns
	// recur in every set that holds a policy, and matching one means a scan of the catalog.
	patternsMu sync.RWMutex
	patterns   map[string][]int32 // guarded by patternsMu; at most maxCachedPatterns entries

	units unitCache // each document compiled against the catalog (units.go)

	types    []ResourceType // declared resource types, sorted by folded name
	declared []GridGroup    // grid groups the parts declared, in order
	groups   []ServiceGroup // the grid's rows (groupActions)
	members  [][]int32      // members[g] are the indexes of groups[g]'s actions

	managedOnce sync.Once
	managed     []ManagedPolicy

	builtinOnce sync.Once
	builtin     []BuiltinRole
}

// NewCatalog returns a catalog of the given actions. Each Name must be three non-empty
// dot-separated parts of letters, digits, '-' and '_' (at most 128 bytes), unique ignoring
// case, and each Level one of the four levels. Service, Resource and Operation are filled in
// from Name; if set, they must agree with it.
func NewCatalog(actions []Action) (*Catalog, error) {
	part := CatalogPart{Actions: actions}
	if errs := part.Check(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := &Catalog{
		exact:  make(map[string]int32, len(actions)),
		byFold: make(map[string]int32, len(actions)),
	}
	c.actions = make([]Action, len(actions))
	for i, a := range actions {
		parts := strings.Split(a.Name, ".")
		a.Service, a.Resource, a.Operation = parts[0], parts[1], parts[2]
		c.actions[i] = a
	}
	slices.SortFunc(c.actions, func(a, b Action) int { return strings.Compare(foldString(a.Name), foldString(b.Name)) })
	c.index()
	c.groupActions()
	return c, nil
}

func (c *Catalog) index() {
	c.patterns = map[string][]int32{}
	c.all = make([]int32, len(c.actions))
	for i := range c.all {
		c.all[i] = int32(i)
	}
	c.folded = make([]string, len(c.actions))
	svcSeen := map[string]bool{}
	resSeen := map[string]bool{}
	for i, a := range c.actions {
		c.folded[i] = foldString(a.Name)
		c.exact[a.Name] = int32(i)
		c.byFold[c.folded[i]] = int32(i)
		c.names = append(c.names, a.Name)
		if !svcSeen[a.Service] {
			svcSeen[a.Service] = true
			c.svcs = append(c.svcs, a.Service)
			c.wildcards = append(c.wildcards, a.Service+".*")
		}
		if r := a.Service + "." + a.Resource; !resSeen[r] {
			resSeen[r] = true
			c.wildcards = append(c.wildcards, r+".*")
			c.resources = append(c.resources, r)
		}
	}
	c.wildcards = append(c.wildcards, c.names...)
	slices.Sort(c.svcs)
}

// validPart reports whether s is a non-empty run of letters, digits, '-' and '_'.
func validPart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// foldString lower-cases the ASCII letters of s.
func foldString(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lower(b[i])
	}
	return string(b)
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := Compose(VultrPart())
	if err != nil {
		panic("policy: the embedded catalogs are invalid: " + err.Error())
	}
	return c
})

// DefaultCatalog returns keyward's own actions and Vultr's: the catalog of a deployment
// that configures none. It is built once and shared.
func DefaultCatalog() *Catalog { return defaultCatalog() }

// Len returns the number of actions.
func (c *Catalog) Len() int { return len(c.actions) }

// Actions returns every action, sorted by name ignoring case.
func (c *Catalog) Actions() []Action { return slices.Clone(c.actions) }

// Lookup returns the action with the given name, compared ignoring ASCII case.
func (c *Catalog) Lookup(name string) (Action, bool) {
	if i, ok := c.lookup(name); ok {
		return c.actions[i], true
	}
	return Action{}, false
}

// lookup finds an action's index without allocating.
func (c *Catalog) lookup(name string) (int32, bool) {
	if i, ok := c.exact[name]; ok {
		return i, true
	}
	if len(name) > maxNameLen {
		return -1, false
	}
	var buf [maxNameLen]byte
	for i := 0; i < len(name); i++ {
		buf[i] = lower(name[i])
	}
	i, ok := c.byFold[string(buf[:len(name)])]
	return i, ok
}

// Services returns the distinct services of the catalog, sorted.
func (c *Catalog) Services() []string { return slices.Clone(c.svcs) }

// Match returns the actions an action pattern covers, sorted by name ignoring case. A
// malformed pattern (see docs/policy.md) matches nothing.
func (c *Catalog) Match(pattern string) []Action {
	if checkPatternSyntax(pattern) != "" {
		return nil
	}
	idx := c.match(pattern)
	out := make([]Action, len(idx))
	for i, j := range idx {
		out[i] = c.actions[j]
	}
	return out
}

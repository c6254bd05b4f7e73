package policy

// Layer is one named Set of a decision taken in layers that must all allow, such as a
// principal's policies and the inline policy of the token or session that narrows them
// (docs/policy.md, "Narrowing").
type Layer struct {
	Name string
	Set  *Set
}

// DecideLayers answers r against every layer and combines the answers as Combine does. Like
// Decide, it does not allocate.
func DecideLayers(r *Request, layers ...Layer) (Decision, int) {
	return combine(len(layers), func(i int) Decision { return layers[i].Set.Decide(r) })
}

// Combine combines the decisions of layers that must all allow, such as a principal's policies,
// the role session they assumed and the inline policy of the key that narrows them: ExplicitDeny
// if any layer denies explicitly, else Allow if every layer allows (and there is at least one),
// else ImplicitDeny; a value that is not a Decision denies, never allows. It returns the index of
// the layer that decided: the first explicit deny, else the first layer that did not allow, else
// (an Allow) the first layer, whose grant the others let stand; -1 when there are no layers.
//
// It is the one rule by which keyward narrows: DecideLayers and ExplainLayers (role sessions) and
// authz's key narrowing all combine with it.
func Combine(ds ...Decision) (Decision, int) {
	return combine(len(ds), func(i int) Decision { return ds[i] })
}

// combine is Combine over n layers, asking for each layer's decision only as long as it can
// change the answer.
func combine(n int, decide func(i int) Decision) (Decision, int) {
	out, at := Allow, -1
	for i := range n {
		switch d := decide(i); {
		case d == ExplicitDeny:
			return ExplicitDeny, i // nothing overrides an explicit deny
		case d != Allow && out == Allow:
			out, at = ImplicitDeny, i // a later layer may still deny explicitly
		case at < 0:
			at = i
		}
	}
	if at < 0 {
		return ImplicitDeny, -1
	}
	return out, at
}

// LayeredExplanation says why layers decided a Request the way they did. Its JSON form is
// what the HTTP API returns.
type LayeredExplanation struct {
	Decision Decision `json:"decision"`
	Allowed  bool     `json:"allowed"`
	Action   string   `json:"action"`
	// Layer names the layer that decided, as DecideLayers picks it; "" when there are no
	// layers.
	Layer  string             `json:"layer"`
	Layers []LayerExplanation `json:"layers"`
}

// LayerExplanation is one layer's own explanation, under the layer's name.
type LayerExplanation struct {
	Name string `json:"name"`
	Explanation
}

// ExplainLayers returns the decision DecideLayers would return for r, the layer that took
// it, and the explanation of every layer (each layer is explained, even after an explicit
// deny, so that the caller sees everything that applies).
func ExplainLayers(r *Request, layers ...Layer) LayeredExplanation {
	ex := LayeredExplanation{Layers: make([]LayerExplanation, len(layers))}
	if r != nil {
		ex.Action = r.Action
	}
	for i, l := range layers {
		ex.Layers[i] = LayerExplanation{Name: l.Name, Explanation: l.Set.Explain(r)}
	}
	d, at := combine(len(layers), func(i int) Decision { return ex.Layers[i].Decision })
	ex.Decision = d
	if at >= 0 {
		ex.Layer = layers[at].Name
	}
	ex.Allowed = ex.Decision.Allowed()
	return ex
}

package compiler

// Empty returns the compiled form of a manifest that grants nothing. The diff
// engine compares an added manifest against it, and a removed one.
func Empty() *Result {
	r := &Result{Policy: &Policy{}, Manifest: &Manifest{}}
	r.Artifacts = make(map[string]*Artifact, 4)
	for _, t := range Targets {
		a, _ := Lower(r, t, Options{})
		r.Artifacts[t] = a
	}
	return r
}

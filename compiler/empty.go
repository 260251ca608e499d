package compiler

// Empty returns the compiled form, for every target, of a manifest that
// grants nothing. The diff engine compares an added manifest against it,
// and a removed one.
func Empty() *Result {
	c := new(compiled)
	c.r.Policy, c.r.Manifest = &c.p, &c.m
	c.lower(new(scratch), new(arena), registry)
	return &c.r
}

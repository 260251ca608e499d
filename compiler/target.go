package compiler

import (
	"fmt"
	"slices"
	"strings"
)

// Shape is the layout of an artifact: which of Artifact's fields a target
// fills, and so how the artifact is written as JSON.
type Shape uint8

const (
	// ShapeSandbox artifacts (bwrap, docker) hold an argv, the egress
	// rules the host must honour, the variables it passes in and the
	// assertions.
	ShapeSandbox Shape = iota + 1
	// ShapeConfig artifacts hold a config file's text, its file name and
	// the egress rules the format cannot hold (unenforceable).
	ShapeConfig
)

// target is one compilation target. Each lives in its own file
// (bwrap.go, squid.go, srt.go, …), which declares it with register; see
// docs/adding-a-target.md.
type target struct {
	name  string
	shape Shape
	// core marks capgate's own four targets: what --target all and
	// Compile produce, in order (the conformance vectors' shape).
	core bool
	// order places the target in listings: capgate's four first, in
	// capgate's order, then the others.
	order int
	// egressOnly targets refuse, under Options.Strict, a policy holding
	// any kind but net and assert (capgate's ADAPTER_UNSUPPORTED).
	egressOnly bool
	// lower fills a, a new Artifact, from l.
	lower func(l *lowering, a *Artifact)

	index int // position in registry, set by init
}

// registry holds every target in listing order; it is complete once the
// package is initialised and never changes after.
var registry []*target

// register adds t to the registry. Each target file calls it in a
// package-level variable declaration, so that every target is registered
// before init sorts the registry.
func register(t target) *target {
	p := &t
	registry = append(registry, p)
	return p
}

// coreTargets is how many targets capgate itself has: Compile's artifacts
// live in one array of this size (see compiled).
const coreTargets = 4

func init() {
	slices.SortFunc(registry, func(a, b *target) int { return a.order - b.order })
	for i, t := range registry {
		t.index = i
		if t.core != (i < coreTargets) {
			panic(fmt.Sprintf("compiler: target %s: capgate's %d targets must come first", t.name, coreTargets))
		}
		if i > 0 && t.order == registry[i-1].order {
			panic("compiler: two targets with order " + fmt.Sprint(t.order))
		}
	}
}

// lookup returns the target named name, or nil.
func lookup(name string) *target {
	for _, t := range registry {
		if t.name == name {
			return t
		}
	}
	return nil
}

// Targets returns capgate's own targets in the order the CLI's --target all
// prints them, in a new slice: bwrap, docker, squid, nftables.
func Targets() []string {
	out := make([]string, coreTargets)
	for i := range out {
		out[i] = registry[i].name
	}
	return out
}

// AllTargets returns every target this package compiles to, capgate's four
// first, in a new slice.
func AllTargets() []string {
	out := make([]string, len(registry))
	for i, t := range registry {
		out[i] = t.name
	}
	return out
}

// TargetShape returns the shape of the named target's artifacts, and false
// when there is no such target.
func TargetShape(name string) (Shape, bool) {
	if t := lookup(name); t != nil {
		return t.shape, true
	}
	return 0, false
}

// CheckTargets returns an error naming the first of names that is not a
// target.
func CheckTargets(names []string) error {
	for _, n := range names {
		if lookup(n) == nil {
			return fmt.Errorf("unknown target %q (targets: %s)", n, strings.Join(AllTargets(), ", "))
		}
	}
	return nil
}

// ArtifactSet holds one artifact per target; a target not compiled has none.
type ArtifactSet struct {
	arts []*Artifact // by registry index; shorter when only core targets were compiled
}

// Get returns the artifact for target, or nil.
func (s *ArtifactSet) Get(target string) *Artifact {
	t := lookup(target)
	if t == nil || t.index >= len(s.arts) {
		return nil
	}
	return s.arts[t.index]
}

// Set stores a as the artifact for its target; it does nothing for an
// unknown target.
func (s *ArtifactSet) Set(a *Artifact) {
	t := lookup(a.Target)
	if t == nil {
		return
	}
	if t.index >= len(s.arts) {
		s.arts = append(s.arts, make([]*Artifact, t.index+1-len(s.arts))...)
	}
	s.arts[t.index] = a
}

// All returns the artifacts held, in listing order, in a new slice.
func (s *ArtifactSet) All() []*Artifact {
	var out []*Artifact
	for _, a := range s.arts {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

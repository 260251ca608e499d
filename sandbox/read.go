package sandbox

import (
	"encoding/json"
	"slices"

	"github.com/razukc/capgate-action/compiler"
)

// A Reader reads one kind of sandbox from what the compiler emits for
// its target. ReadBwrap, ReadDocker and the other Read functions take the
// raw input (argv, file bytes) instead, for sandboxes written by hand.
type Reader func(a *compiler.Artifact) *Sandbox

// readers maps a compiler target to its reader.
var readers = map[string]Reader{
	compiler.TargetBwrap:      func(a *compiler.Artifact) *Sandbox { return ReadBwrap(a.Argv) },
	compiler.TargetDocker:     func(a *compiler.Artifact) *Sandbox { return ReadDocker(a.Argv) },
	compiler.TargetSquid:      func(a *compiler.Artifact) *Sandbox { return readSquid(a.Config) },
	compiler.TargetNftables:   func(a *compiler.Artifact) *Sandbox { return readNftables(a.Config) },
	compiler.TargetSrt:        func(a *compiler.Artifact) *Sandbox { return ReadSrt([]byte(a.Config)) },
	compiler.TargetToolhive:   func(a *compiler.Artifact) *Sandbox { return ReadToolhive([]byte(a.Config)) },
	compiler.TargetMCPGateway: func(a *compiler.Artifact) *Sandbox { return ReadMCPGateway([]byte(a.Config)) },
}

// HasReader reports whether FromArtifact has a reader for target.
func HasReader(target string) bool {
	_, ok := readers[target]
	return ok
}

// FromArtifact reads the artifact a compiler target emitted. For a
// sandbox target (bwrap, docker) it adds what the artifact asks of the
// host: the egress rules its network must honour (Network.Allow) and the
// variables it must pass in (Env, Passed), ahead of the argv's own, each
// variable once. An
// artifact of a target without a reader is one Unknown part, its whole
// content, so that any change to it is judged a widening. A nil artifact
// reads as a Sandbox with nothing in it.
func FromArtifact(a *compiler.Artifact) *Sandbox {
	if a == nil {
		return &Sandbox{Confined: true}
	}
	r, ok := readers[a.Target]
	if !ok {
		return rawArtifact(a)
	}
	s := r(a)
	s.Kind = a.Target
	if a.Shape() == compiler.ShapeSandbox {
		s.Network.Allow = append(s.Network.Allow, a.Egress...)
		if len(a.EnvInjections) > 0 {
			s.Env = withInjections(a.EnvInjections, s.Env)
		}
	}
	return s
}

// withInjections returns the variables the host must pass in (names),
// each passed, ahead of the argv's own (env); a variable the argv already
// passes (docker's --env NAME) is listed once, where the argv has it.
func withInjections(names []string, env []Env) []Env {
	out := make([]Env, 0, len(names)+len(env))
	for _, n := range names {
		if !slices.Contains(env, Env{Name: n, Passed: true}) {
			out = append(out, Env{Name: n, Passed: true})
		}
	}
	return append(out, env...)
}

// rawArtifact judges a whole artifact as one unknown part.
func rawArtifact(a *compiler.Artifact) *Sandbox {
	// Every field, whatever the shape; provenance changes with every
	// edit.
	c := *a
	c.Provenance = compiler.Provenance{}
	b, _ := json.Marshal(c) // a struct of strings, ints and bools: cannot fail
	return &Sandbox{Kind: a.Target, Confined: true, Unknown: []Unknown{{Text: string(b)}}}
}

// Unconfined returns the sandbox of a process that runs with every right
// of the user: a bare command with no sandbox around it.
func Unconfined(kind string) *Sandbox { return &Sandbox{Kind: kind} }

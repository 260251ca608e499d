package sandbox

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/razukc/capgate-action/compiler"
)

// A Reader reads one kind of sandbox from what the compiler emits for
// its target. ReadBwrap, ReadDocker and the other Read functions take the
// raw input (argv, file bytes) instead, for sandboxes written by hand.
type Reader func(a *compiler.Artifact) *Sandbox

// reader reads an artifact, into s (a new Sandbox, or one kept from an
// earlier read and emptied by reuse) with the room sc keeps (nil: none),
// when it can; a reader that cannot returns a Sandbox of its own.
type reader func(a *compiler.Artifact, s *Sandbox, sc *readScratch) *Sandbox

// readers maps a compiler target to its reader.
var readers = map[string]reader{
	compiler.TargetBwrap:  func(a *compiler.Artifact, s *Sandbox, sc *readScratch) *Sandbox { return readBwrap(s, a.Argv, sc) },
	compiler.TargetDocker: func(a *compiler.Artifact, s *Sandbox, _ *readScratch) *Sandbox { return readDocker(s, a.Argv) },
	compiler.TargetSquid:  func(a *compiler.Artifact, s *Sandbox, sc *readScratch) *Sandbox { return readSquid(s, a.Config, sc) },
	compiler.TargetNftables: func(a *compiler.Artifact, s *Sandbox, sc *readScratch) *Sandbox {
		return readNftables(s, a.Config, sc)
	},
	compiler.TargetSrt:      func(a *compiler.Artifact, _ *Sandbox, _ *readScratch) *Sandbox { return ReadSrt([]byte(a.Config)) },
	compiler.TargetToolhive: func(a *compiler.Artifact, _ *Sandbox, _ *readScratch) *Sandbox { return ReadToolhive([]byte(a.Config)) },
	compiler.TargetMCPGateway: func(a *compiler.Artifact, _ *Sandbox, _ *readScratch) *Sandbox {
		return ReadMCPGateway([]byte(a.Config))
	},
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
func FromArtifact(a *compiler.Artifact) *Sandbox { return fromArtifact(a, new(Sandbox), nil) }

// fromArtifact is FromArtifact read into s with the room sc keeps (see
// reader).
func fromArtifact(a *compiler.Artifact, s *Sandbox, sc *readScratch) *Sandbox {
	if a == nil {
		return &Sandbox{Confined: true}
	}
	r, ok := readers[a.Target]
	if !ok {
		return rawArtifact(a)
	}
	s = r(a, s, sc)
	s.Kind = a.Target
	addAsked(s, a)
	return s
}

// addAsked adds to s, read from a, what a sandbox artifact asks of the
// host (see FromArtifact).
func addAsked(s *Sandbox, a *compiler.Artifact) {
	if a.Shape() == compiler.ShapeSandbox {
		s.Network.Allow = append(s.Network.Allow, a.Egress...)
		if len(a.EnvInjections) > 0 {
			s.Env = withInjections(a.EnvInjections, s.Env)
		}
	}
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

// CompareArtifacts is Compare(FromArtifact(base), FromArtifact(head)),
// reading both into memory kept from one call to the next (readScratch):
// nothing of a Sandbox outlives Compare, whose deltas hold strings only.
// Two new sandboxes, their mounts, the squid and nftables lines and
// fields, for each changed target of each changed manifest, were some
// 12 KB of the 38 KB BenchmarkChangedManifest (package diff) allocated, a
// fresh page for each 4 KB in the real run. TestCompareArtifactsAsRead
// holds it to Compare of FromArtifact on sequences of generated
// artifacts of every target.
//
// A bwrap or docker pair with the same argv, what a change of egress,
// variables or programs leaves, has its argv read once (readShared): the
// same argv reads as the same sandbox, to which each side adds what it
// asks of the host. That is half the argv reading of such a manifest
// (BenchmarkChangedManifest); TestCompareArtifactsAsRead holds it too.
func CompareArtifacts(base, head *compiler.Artifact) []Delta {
	sc := readScratches.Get().(*readScratch)
	var b, h *Sandbox
	if sameArgv(base, head) {
		b, h = sc.readShared(base, head)
	} else {
		b, h = fromArtifact(base, sc.side(0), sc), fromArtifact(head, sc.side(1), sc)
	}
	out := Compare(b, h)
	if sc.shared { // the lists but its own two are side 0's
		s := &sc.sides[1]
		*s, sc.shared = Sandbox{Network: Network{Allow: s.Network.Allow}, Env: s.Env}, false
	}
	if !sc.oversized() {
		sc.side(0)
		sc.side(1) // drop what points into the artifacts
		readScratches.Put(sc)
	}
	return out
}

// sameArgv reports whether base and head are bwrap or docker artifacts
// with the same argv.
func sameArgv(base, head *compiler.Artifact) bool {
	return base != nil && head != nil && base.Target == head.Target &&
		(base.Target == compiler.TargetBwrap || base.Target == compiler.TargetDocker) && slices.Equal(base.Argv, head.Argv)
}

// readShared reads the argv of base, the same as head's (sameArgv), once
// into side 0, and makes side 1 that sandbox: its lists are side 0's (no
// one writes them once read), but for the two each side adds what it
// asks of the host to (Network.Allow, Env), which are its own.
func (sc *readScratch) readShared(base, head *compiler.Artifact) (b, h *Sandbox) {
	b = readers[base.Target](base, sc.side(0), sc)
	b.Kind = base.Target
	h = sc.side(1)
	allow, env := h.Network.Allow, h.Env
	*h = *b
	h.Network.Allow, h.Env = append(allow, b.Network.Allow...), append(env, b.Env...)
	sc.shared = true
	addAsked(b, base)
	addAsked(h, head)
	return b, h
}

// readScratch is the memory CompareArtifacts reads in: two sandboxes, and
// the room the bwrap, squid and nftables readers work in.
type readScratch struct {
	sides       [2]Sandbox
	shared      bool // side 1 holds side 0's lists (readShared)
	env         []envOp
	squidLines  []squidLine
	squidFields []string
	squidACLs   []squidACL
	nft         []nftStatement
	nftFields   []string
}

var readScratches = sync.Pool{New: func() any { return new(readScratch) }}

// side empties the i-th sandbox for the next read, keeping its room, and
// returns it.
func (sc *readScratch) side(i int) *Sandbox {
	s := &sc.sides[i]
	s.reuse()
	return s
}

// oversized reports whether sc holds more than is worth keeping.
func (sc *readScratch) oversized() bool {
	const most = 1 << 10
	return max(cap(sc.sides[0].Mounts), cap(sc.sides[1].Mounts), cap(sc.squidFields), cap(sc.nftFields), cap(sc.squidLines), cap(sc.nft)) > most
}

// reuse empties s, keeping the room of the lists its readers fill (each
// cleared, so that a kept sandbox points at nothing); Command, which a
// reader sets to a window of its input, and the lists no kept reader
// fills are dropped.
func (s *Sandbox) reuse() {
	*s = Sandbox{Mounts: cleared(s.Mounts), Env: cleared(s.Env), Caps: cleared(s.Caps), Devices: cleared(s.Devices),
		HostNamespaces: cleared(s.HostNamespaces), Isolation: cleared(s.Isolation), Security: cleared(s.Security),
		Unknown: cleared(s.Unknown), Network: Network{Allow: cleared(s.Network.Allow)}}
}

// cleared is l emptied, its elements zeroed.
func cleared[T any](l []T) []T {
	clear(l)
	return l[:0]
}

// room is l with room for n more: made when l is nil, as a reader given
// a new Sandbox always made it.
func room[T any](l []T, n int) []T {
	if l == nil {
		return make([]T, 0, n)
	}
	return slices.Grow(l, n)
}

package compiler

import (
	"sync"

	"github.com/razukc/capgate-action/internal/jsonx"
)

// Pos is a position in a manifest: byte offset, 1-based line, and 1-based
// column counted in characters, as editors and GitHub annotations count.
type Pos = jsonx.Pos

// scratch is memory that compiling a manifest needs only for a moment; it
// lives next to the pooled parser so that it is reused.
type scratch struct {
	canon  []byte        // the canonical text hashed for provenance
	acts   arena         // the action lists of caps
	caps   []Capability  // capabilities parsed, before they fold into a policy
	mounts []Mount       // a policy's mounts, while it is lowered
	ipc    []IPCExposure // a policy's ipc sockets, while it is lowered
	// binds holds the binds bwrap and docker collect (its length is the
	// most either used): a [16]bind on their stacks was 1,792 bytes to
	// zero twice a manifest, ~1% of BenchmarkCompileAll's instructions
	// (issue 24).
	binds []bind
	// l is what the lowerings of the policy share, while it is lowered.
	// It lives here, not on the stack (each target's lower is called
	// through a function value, which makes l escape) nor in the
	// compiled result (where it was 200 of the ~1,700 bytes Compile
	// allocates and zeroes per manifest): pooled, it costs nothing per
	// manifest. BenchmarkCompileAll's B/op guards it (issue 24).
	l lowering
	// res is the arena of the results compiled with this parser (see
	// arena.shared): it is kept, not cleared, from one manifest to the
	// next.
	res arena
}

// capSlots returns n zero capability slots. sc.caps keeps their number,
// so that reset clears only what was used.
func (sc *scratch) capSlots(n int) []Capability {
	if cap(sc.caps) < n {
		sc.caps = make([]Capability, n)
	}
	sc.caps = sc.caps[:n]
	return sc.caps
}

// parser is a pooled JSON parser with the scratch memory of one
// compilation.
type parser struct {
	jsonx.Parser
	scratch
}

// reset clears what the last compilation left.
func (p *parser) reset() {
	p.Parser.Reset()
	clear(p.caps) // what capSlots and appendMounts handed out
	clear(p.mounts)
	clear(p.ipc)
	clear(p.binds)
	// Field by field, not a new scratch: that was a copy of some 800
	// bytes, with write barriers while the collector marks (the compiler
	// package's own code ran 858 million instructions under cachegrind
	// for BenchmarkCompileAll's 40,000 manifests, 877 million before; the
	// conformance tests guard the reset). l is set whole by the next
	// lowering (compiled.lower), and res is kept (scratch.res).
	// One to a statement: a reslice then writes only the length, where
	// a tuple assignment writes the pointers too (with write barriers).
	p.canon = p.canon[:0]
	p.caps = p.caps[:0]
	p.mounts = p.mounts[:0]
	p.ipc = p.ipc[:0]
	p.binds = p.binds[:0]
	// The action lists hold only constants (and acts no text): they need
	// no clearing.
	p.acts.s, p.acts.sStart = p.acts.s[:0], 0
	if p.res.oversized() {
		// The blocks of one huge manifest are left to its result.
		p.res = arena{}
	}
}

// parsers holds parsers for manifests, which are read and dropped: their
// slabs are reused instead of allocated again. What it buys is in
// BenchmarkCompileAll's allocs/op (a handful a manifest rather than one per
// JSON value); TestSharedArenaCarriesNothing and the conformance tests run
// through it.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// maxPooledNodes bounds the slabs a pooled parser keeps, so that one huge
// document does not pin its memory.
const maxPooledNodes = 4096

// The parts of a manifest document decodeManifest reads (jsonx.Want).
const (
	wantRoot  jsonx.Want = 1 + iota // name, version, grammar, serverCapabilities, tools
	wantTools                       // the tools array
	wantTool                        // one tool: name, capabilities
)

// manifestSchema is the jsonx.Schema of a manifest document: everything
// else (descriptions, input schemas, extensions) is checked for syntax,
// exactly as JSON.parse would, but not built.
func manifestSchema(w jsonx.Want, key string, inArray bool) jsonx.Want {
	switch w {
	case wantRoot:
		if inArray {
			return jsonx.WantSkip
		}
		switch key {
		case "name", "version", "grammar", "serverCapabilities":
			return jsonx.WantAll
		case "tools":
			return wantTools
		}
	case wantTools:
		if inArray {
			return wantTool
		}
	case wantTool:
		if !inArray && (key == "name" || key == "capabilities") {
			return jsonx.WantAll
		}
	}
	return jsonx.WantSkip
}

// withManifestTree parses a manifest document, building only what
// decodeManifest reads, and calls f with it. The tree and its strings
// belong to a pooled parser and are views into src: they are valid only
// until f returns, so f must copy what it keeps.
func withManifestTree(src []byte, f func(*parser, jsonx.Node) error) error {
	p := parsers.Get().(*parser)
	defer func() {
		if !p.Oversized(maxPooledNodes) && cap(p.canon) <= maxPooledNodes && cap(p.acts.s) <= maxPooledNodes &&
			cap(p.caps) <= maxPooledNodes/16 && cap(p.mounts) <= maxPooledNodes/16 && cap(p.ipc) <= maxPooledNodes/16 && cap(p.binds) <= maxPooledNodes/16 {
			p.reset()
			parsers.Put(p)
		}
	}()
	v, err := p.Parse(src, wantRoot, manifestSchema)
	if err != nil {
		return err
	}
	return f(p, v)
}

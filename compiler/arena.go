package compiler

import (
	"github.com/razukc/capgate-action/internal/jsonx"
	"strconv"
	"strings"
	"unsafe"
)

// arena hands out the strings and string lists of one compilation from a
// few shared blocks, so that a Result costs a handful of allocations rather
// than one for every note, mount flag and list. The pooled parser's arena
// (scratch.res) is shared: the compilations it runs one after the other
// fill the same blocks, and take the typed lists of their results (CapStrings,
// tools, grants, egress rules, …) from blocks of its own (take), so that
// Compile costs two allocations a manifest (its compiled and, amortised,
// the blocks), not nine. What it buys, measured on BenchmarkCompileAll
// (issue 24): 4,632 B/op and 2 allocs/op against 4,815 and 9; under
// cachegrind (GOMAXPROCS=1, 40,000 manifests) the runtime's allocation and
// sweeping took 109 million instructions against 182-187 million, and
// everything but the collector's marking about 4% fewer; no wall-clock
// gain stood out of the noise of a loaded machine. TestSharedArenaCarriesNothing,
// TestCompileConcurrently and TestNoSharedState guard the sharing.
//
// A string or list is built at the end of its block and then closed (done,
// list). What has been handed out is never written again: when a block
// must grow, the strings and lists already handed out keep pointing into
// the old one, which lives on for as long as they do. An arena belongs to
// one goroutine.
type arena struct {
	// b is the text block. It is a []byte written through text, not a
	// strings.Builder: Builder.WriteString appends, which writes the
	// block's pointer back on every call, with a write barrier while the
	// collector marks (~2% of BenchmarkCompileAll's profile); text
	// writes only the length unless the block grows. With smallCaps,
	// alternating A/B: medians 1.03x, per pair 1.04x (40 runs,
	// 2026-12-07, issue 24). The strings handed out are views of it
	// (done); TestSharedArenaCarriesNothing and TestRoomBounds guard it.
	b      []byte
	bStart int // start of the open string in b
	s      []string
	sStart int // start of the open list in s
	// shared arenas serve many compilations, one after the other: their
	// blocks are at least sharedText bytes and sharedList strings, and
	// the typed lists of their results (take) are windows of the blocks
	// in sl.
	shared bool
	sl     slabs
}

// The least blocks of a shared arena: its text, its string lists, and
// the elements of each of its typed blocks (slabs).
const (
	sharedText = 8 << 10
	sharedList = 512
	sharedSlab = 32
)

// slabs are the typed blocks of a shared arena, one for each kind of list
// a result holds.
type slabs struct {
	caps   []CapString
	tools  []Tool
	fs     []FSGrant
	net    []NetGrant
	env    []EnvGrant
	named  []NamedGrant
	assert []Assertion
	egress []EgressRule
	asOut  []AssertionOut
	unenf  []Unenforceable
	ptrs   []*Artifact
}

// share makes a a shared arena and starts a compilation in it: a string
// or list the last one left open, stopping at an error, is dropped.
func (a *arena) share() {
	a.shared = true
	a.bStart, a.sStart = len(a.b), len(a.s)
}

// oversized reports whether a holds a block larger than a shared arena
// keeps for the next compilation.
func (a *arena) oversized() bool {
	const most = 8 * sharedSlab
	sl := &a.sl
	return cap(a.b) > 8*sharedText || cap(a.s) > 8*sharedList ||
		max(cap(sl.caps), cap(sl.tools), cap(sl.fs), cap(sl.net), cap(sl.env), cap(sl.named), cap(sl.assert), cap(sl.egress), cap(sl.asOut), cap(sl.unenf), cap(sl.ptrs)) > most
}

// take returns a list of length 0 and capacity n: the next n elements of
// the block *blk (one of a.sl) when a is shared, a new slice otherwise.
// An empty list is empty, not nil, as make returns it. Like the strings a
// shared arena hands out, a window is never handed out again, and its
// capacity ends where it does, so that appending to it cannot reach the
// next one.
func take[T any](a *arena, blk *[]T, n int) []T {
	if n == 0 || !a.shared {
		return make([]T, 0, n)
	}
	b := *blk
	if cap(b)-len(b) < n {
		b = make([]T, 0, max(n, sharedSlab))
	}
	*blk = b[:len(b)+n]
	return b[len(b) : len(b) : len(b)+n]
}

// Room for one compilation is reserved once, when the manifest's strings
// are known and before any is copied: their bytes, the provenance hash,
// and, when the manifest is to be lowered, a bound on what lowering each
// capability adds to the text and list blocks. The bounds come from the
// lengths of capgate's notes, argv and configs, per capability, so that
// a manifest's compilation fills one block of each kind; a wrong guess
// costs a copy, not correctness. TestRoomBounds checks them.
//
// The bound covers capgate's four targets, the ones Compile lowers in one
// arena; the host-format targets keep none. What it buys, measured with
// BenchmarkCompileAll on a shared 2-core machine (issue 14): 8 allocs and
// ~5.1 kB a manifest with it, 17 allocs and ~7.9 kB, and ~30% more time,
// without it.
const (
	hashRoom = len("sha256:") + 64
	// lowerTextNet is the fixed text of the two egress configs and the
	// private-range blocks both add, when there is a rule (with none, the
	// configs are constants: squidNoEgress, nftNoEgress).
	lowerTextNet = 640
	// lowerListBase is the fixed bwrap and docker argv and the egress
	// targets' notes for no rule; lowerListNet the notes on the number of
	// rules.
	lowerListBase = 53
	lowerListNet  = 3
)

// lowerRoom adds up the room lowering a manifest to every target needs.
type lowerRoom struct {
	nb, ns int
	net    bool
}

// add counts capability c: what lowering it adds, at most, to the text
// (nb) and list (ns) blocks. l is the length of c, which bounds that of
// its path, host or name.
func (r *lowerRoom) add(c string) {
	l := len(c)
	var f uint8
	for i := 0; i < len(c); i++ {
		f |= roomBytes[c[i]]
	}
	if f&roomQuote != 0 {
		r.nb += l // a quoted part is copied out
	}
	if f&roomQuery != 0 && strings.Contains(c, "nestedSandbox") {
		r.ns += 4 // --dev /dev and two notes
	}
	kind := c
	if i := strings.IndexByte(c, ':'); i >= 0 {
		kind = c[:i]
	}
	switch CapKind(kind) {
	case KindFS:
		// docker's "path:path:ro"; for a glob, a note each in bwrap and
		// docker that quotes the path twice; bwrap's three argv entries,
		// docker's two, and a note each for host /tmp.
		r.nb += 2 * l
		r.ns += 5
		if path := c[strings.LastIndexByte(c, ':')+1:]; strings.HasPrefix(path, "/tmp") {
			r.ns += 2
		}
		if f&roomGlob != 0 {
			r.nb += 230 + 4*l
			r.ns += 2
		}
	case KindNet:
		// squid's acls, allow line and notes, and nftables' rule, note
		// or unenforceable reason, each naming the host.
		r.nb += 240 + 3*l
		r.ns += 3
		r.net = true
	case KindExec:
		r.nb += 64 + 2*l // a note each in bwrap and docker
		r.ns += 2
	case KindIPC:
		r.nb += 80 + 2*l // a mount or a note each in bwrap and docker
		r.ns += 8        // x11 also sets DISPLAY
	case KindEnv:
		r.ns += 3 // --env NAME and the env list
	case KindClock:
		r.ns += 10 // the zoneinfo and localtime binds
	}
}

// total returns the room for the capabilities counted.
func (r *lowerRoom) total() (nb, ns int) {
	nb, ns = r.nb, r.ns+lowerListBase
	if r.net {
		nb, ns = nb+lowerTextNet, ns+lowerListNet
	}
	return nb, ns
}

// The bytes lowerRoom.add looks for.
const (
	roomQuote = 1 << iota
	roomQuery
	roomGlob
)

var roomBytes = [256]uint8{'"': roomQuote, '?': roomQuery, '*': roomGlob, '[': roomGlob, ']': roomGlob}

// grow makes room for nb more bytes and ns more list elements. It is
// called with no string or list open, so a new block starts empty: what
// was handed out stays where it is.
func (a *arena) grow(nb, ns int) {
	if cap(a.b)-len(a.b) < nb {
		if a.shared {
			nb = max(nb, sharedText)
		}
		a.b, a.bStart = make([]byte, 0, nb), 0
	}
	if cap(a.s)-len(a.s) < ns {
		if a.shared {
			ns = max(ns, sharedList)
		}
		a.s, a.sStart = make([]string, 0, ns), 0
	}
}

// text appends s to the open string.
func (a *arena) text(s string) {
	n := len(a.b)
	if cap(a.b)-n < len(s) {
		a.b = append(a.b, s...) // a new block: the old one stays as it is
		return
	}
	a.b = a.b[:n+len(s)]
	copy(a.b[n:], s)
}

// int appends n in decimal to the open string.
func (a *arena) int(n int) {
	var buf [20]byte
	a.text(unsafeString(strconv.AppendInt(buf[:0], int64(n), 10)))
}

// quoted appends s as a JSON string literal, as capgate's JSON.stringify
// quoting in notes and messages writes it.
func (a *arena) quoted(s string) {
	var buf [128]byte
	a.text(unsafeString(jsonx.AppendString(buf[:0], s)))
}

// done closes the open string and returns it.
func (a *arena) done() string {
	s := unsafeString(a.b[a.bStart:])
	a.bStart = len(a.b)
	return s
}

// str returns the concatenation of parts.
func (a *arena) str(parts ...string) string {
	for _, p := range parts {
		a.text(p)
	}
	return a.done()
}

// unsafeString is b as a string, without a copy: for text that is never
// written again (arena's rule) or that is copied at once (text).
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// add appends ss to the open list. It appends one string at a time: each
// store then takes the write barrier's fast path, where copying the slice
// would take the bulk one.
func (a *arena) add(ss ...string) {
	//lint:ignore S1011 one append per string is deliberate, see the comment above
	for _, s := range ss {
		a.s = append(a.s, s)
	}
}

// addAll appends a fixed run of strings (a package table) to the open
// list in one copy.
func (a *arena) addAll(ss []string) {
	a.s = append(a.s, ss...)
}

// list closes the open list and returns it. An empty list is empty, not
// nil, so that it is written as [].
func (a *arena) list() []string {
	l := a.s[a.sStart:len(a.s):len(a.s)]
	a.sStart = len(a.s)
	if l == nil {
		return []string{}
	}
	return l
}

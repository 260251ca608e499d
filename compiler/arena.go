package compiler

import (
	"github.com/razukc/capgate-action/internal/jsonx"
	"strconv"
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
	// (done); TestSharedArenaCarriesNothing and TestArenaBlocks guard it.
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

// A block is started when the next string or list element does not fit
// in the current one: the open string (or list) moves to the new block,
// and what was handed out stays in the old one. A shared arena's blocks
// are sharedText bytes and sharedList strings, or twice what the open
// string or list needs when that is more; a private arena's double from
// privateText and privateList. The arena once reserved room for each
// compilation from a pass over the manifest that bounded what each
// capability's lowering writes (lowerRoom, TestRoomBounds): with shared
// blocks that pass only decided when to start the next one. Dropping it
// took 1,500 instructions a manifest off BenchmarkCompileAll (2.2%,
// valgrind, GOGC=off) and 180 bytes (4,445 B/op, not 4,625), with 120
// lines less (issue 24). TestArenaBlocks checks strings and lists that
// straddle a block; TestSharedArenaCarriesNothing the sharing.
const (
	privateText = 256
	privateList = 32
)

// moreText starts a text block with room for s and more, moves the open
// string there and appends s. (Apart from text, which stays small enough
// to be inlined.)
//
//go:noinline
func (a *arena) moreText(s string) {
	open := a.b[a.bStart:]
	n := 2 * (len(open) + len(s))
	if a.shared {
		n = max(n, sharedText)
	} else {
		n = max(n, 2*cap(a.b), privateText)
	}
	b := make([]byte, len(open), n)
	copy(b, open)
	a.b, a.bStart = append(b, s...), 0
}

// moreList starts a list block with room for need strings more than the
// open list, which it moves there.
func (a *arena) moreList(need int) {
	open := a.s[a.sStart:]
	n := 2 * (len(open) + need)
	if a.shared {
		n = max(n, sharedList)
	} else {
		n = max(n, 2*cap(a.s), privateList)
	}
	s := make([]string, len(open), n)
	copy(s, open)
	a.s, a.sStart = s, 0
}

// text appends s to the open string.
func (a *arena) text(s string) {
	n := len(a.b)
	if cap(a.b)-n < len(s) {
		a.moreText(s)
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
// would take the bulk one (an append of the fixed bwrap and docker runs
// spent 2.6% of BenchmarkCompileAll's profile in bulkBarrierPreWrite while
// the collector marked, though 630 fewer instructions a manifest; in 16
// alternating pairs the two stood level, issue 24).
func (a *arena) add(ss ...string) {
	if cap(a.s)-len(a.s) < len(ss) {
		a.moreList(len(ss))
	}
	//lint:ignore S1011 one append per string is deliberate, see the comment above
	for _, s := range ss {
		a.s = append(a.s, s)
	}
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

// arenaMark is where a shared arena stood: its blocks and their lengths.
type arenaMark struct {
	b                                   []byte
	s                                   []string
	caps                                []CapString
	tools                               []Tool
	bStart, sStart, nCaps, nTools, nOth int
}

// mark notes where a shared arena stands, for rewind. Only the blocks
// Check's parse takes from are noted (the text, the lists, the
// capability strings and the tools); oth counts what the others hold, for
// rewind to see that none grew.
func (a *arena) mark() arenaMark {
	return arenaMark{b: a.b, s: a.s, caps: a.sl.caps, tools: a.sl.tools,
		bStart: a.bStart, sStart: a.sStart, nCaps: len(a.sl.caps), nTools: len(a.sl.tools), nOth: a.othLen()}
}

// othLen is the length of the typed blocks mark does not note.
func (a *arena) othLen() int {
	sl := &a.sl
	return len(sl.fs) + len(sl.net) + len(sl.env) + len(sl.named) + len(sl.assert) + len(sl.egress) + len(sl.asOut) + len(sl.unenf) + len(sl.ptrs)
}

// rewind hands out again what a shared arena handed out since m, every
// string and list of it dead (Check's, once it passed): each block still
// the one m noted goes back to its length then; one that was replaced
// since, or a block m does not note that grew, is left as it is. The
// open string and list are dropped, as share drops them.
func (a *arena) rewind(m arenaMark) {
	if a.othLen() != m.nOth {
		return // a typed block Check does not take from was taken from: keep all
	}
	if same(a.b, m.b) {
		a.b = a.b[:m.bStart]
	}
	if same(a.s, m.s) {
		clear(a.s[m.sStart:])
		a.s = a.s[:m.sStart]
	}
	if same(a.sl.caps, m.caps) {
		clear(a.sl.caps[m.nCaps:])
		a.sl.caps = a.sl.caps[:m.nCaps]
	}
	if same(a.sl.tools, m.tools) {
		clear(a.sl.tools[m.nTools:])
		a.sl.tools = a.sl.tools[:m.nTools]
	}
	a.bStart, a.sStart = len(a.b), len(a.s)
}

// same reports whether x and y are windows of one block, from its start.
func same[T any](x, y []T) bool {
	return cap(x) == cap(y) && (cap(x) == 0 || &x[:1][0] == &y[:1][0])
}

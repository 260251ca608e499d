package compiler

import (
	"path"
	"sort"
	"strings"
)

// A bind is one mount the bwrap or docker argv emits for a declared grant
// (fs, clock:tzdata, ipc): its destination, how it mounts, the grant it
// serves (for mergeBinds), and for docker the volume text. Its words
// follow from these (emit), so that a bind holds four pointers, not the
// seven it held with its words spelled out: bwrap and docker build their
// binds in pooled memory, where every pointer stored takes a write barrier
// while the collector marks. 620 fewer instructions a manifest in
// BenchmarkCompileAll (valgrind, GOGC=off); 16 alternating pairs at a load
// of 5-7: CPU time per pair 1.03x, medians 1.05x (issue 24). The
// conformance vectors and the merge and order tests check the words.
type bind struct {
	dst string
	// vol is docker's volume ("--volume", vol); "" in bwrap, whose words
	// are the mode's flag and dst twice.
	vol  string
	mode bindMode
	by   grantRef
}

// keepBinds keeps the memory of bs, binds collected from l.binds[:0], for
// the next target and manifest.
func (l *lowering) keepBinds(bs []bind) {
	if len(bs) > len(l.binds) {
		l.binds = bs
	}
}

func (b *bind) emit(ar *arena) {
	if b.vol != "" {
		ar.add("--volume", b.vol)
		return
	}
	ar.add(b.mode.bwrapFlag(), b.dst, b.dst)
}

// emitBinds writes bs, parents first (see parentFirst).
func emitBinds(ar *arena, bs []bind) {
	parentFirst(bs)
	for i := range bs {
		bs[i].emit(ar)
	}
}

// parentFirst reorders bs so that every bind comes before each bind strictly
// below its destination, and otherwise keeps their order: bwrap applies
// binds in argv order, a later bind at or above a path replacing what the
// sandbox sees there, so a parent emitted after its child (as capgate 0.0.4
// does when the names sort so: fs:read,write:/home/x.txt, lowered to /home,
// after fs:read:/home/u/.ssh/**) would hide the child and the grant it
// makes. Binds of one destination keep their order. It is a deliberate
// divergence from capgate (docs/unsafe-values.md, "Bind order").
//
// Each bind goes where the first bind of its subtree (itself, the later
// binds of its destination and the binds below it) stood; among binds that share that
// place, shallower first. A manifest with no parent after its child, the
// usual case, is left as it is after a check with no allocation for up to
// 32 binds; otherwise it takes n log n comparisons.
func parentFirst(bs []bind) {
	if len(bs) < 2 || (len(bs) <= 32 && !inverted(bs)) {
		return
	}
	n := len(bs)
	clean := make([]string, n)
	for i := range bs {
		clean[i] = path.Clean(bs[i].dst)
	}
	byPath := make([]int, n)
	for i := range byPath {
		byPath[i] = i
	}
	sort.SliceStable(byPath, func(a, b int) bool { return comparePaths(clean[byPath[a]], clean[byPath[b]]) < 0 })
	// In that order every subtree is a run that starts at its root: the
	// first index of each subtree is found with a stack of the open ones.
	first := make([]int, n)
	var stack []int
	pop := func() {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(stack) > 0 {
			p := stack[len(stack)-1]
			first[p] = min(first[p], first[t])
		}
	}
	for _, i := range byPath {
		for len(stack) > 0 && !atOrBelow(clean[i], clean[stack[len(stack)-1]]) {
			pop()
		}
		first[i] = i
		stack = append(stack, i)
	}
	for len(stack) > 0 {
		pop()
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if first[x] != first[y] {
			return first[x] < first[y]
		}
		if dx, dy := depth(clean[x]), depth(clean[y]); dx != dy {
			return dx < dy
		}
		return x < y
	})
	out := make([]bind, n)
	for i, j := range order {
		out[i] = bs[j]
	}
	copy(bs, out)
}

// inverted reports whether some bind comes after a bind strictly below its
// destination, or a destination is not a clean path (then the sort, which
// cleans them, decides).
func inverted(bs []bind) bool {
	for j := range bs {
		pj := bs[j].dst
		if !cleanPath(pj) {
			return true
		}
		for _, b := range bs[:j] {
			if pi := b.dst; len(pi) > len(pj) && (pj == "/" || (pi[len(pj)] == '/' && pi[:len(pj)] == pj)) {
				return true
			}
		}
	}
	return false
}

// cleanPath reports whether p is absolute and path.Clean leaves it as it
// is: no empty, "." or ".." segment, no trailing slash. It looks only at
// the byte after each '/' (no segment is cut out): 590 fewer instructions
// a manifest in BenchmarkCompileAll than the loop that compared each
// segment, 0.9% (valgrind, GOGC=off, issue 24). TestCleanPath checks it
// against path.Clean on every path of up to eight of '/', '.' and 'a'.
func cleanPath(p string) bool {
	if p == "/" {
		return true
	}
	n := len(p)
	if n == 0 || p[0] != '/' || p[n-1] == '/' {
		return false
	}
	for i := 1; i < n; i++ {
		if p[i-1] != '/' {
			continue
		}
		// p[i] starts a segment, which is not the last (p ends in no '/').
		if p[i] == '/' || (p[i] == '.' && dotSegmentAt(p, i)) {
			return false
		}
	}
	return true
}

// dotSegmentAt reports whether the segment starting at p[i], a '.', is
// "." or "..".
func dotSegmentAt(p string, i int) bool {
	i++
	if i < len(p) && p[i] == '.' {
		i++
	}
	return i == len(p) || p[i] == '/'
}

// atOrBelow reports whether the clean path p is dir or lies below it.
func atOrBelow(p, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || (len(p) > len(dir) && p[len(dir)] == '/' && p[:len(dir)] == dir)
}

// comparePaths orders paths byte by byte with '/' before every other byte,
// so that a directory is followed by everything below it.
func comparePaths(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '/' {
			return -1
		}
		if y == '/' {
			return 1
		}
		if x < y {
			return -1
		}
		return 1
	}
	return len(a) - len(b)
}

// depth is how many names a clean absolute path has: 0 for "/".
func depth(p string) int {
	if p == "/" {
		return 0
	}
	return strings.Count(p, "/")
}

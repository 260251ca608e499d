package compiler

import (
	"encoding/json"
	"path"
	"strings"
	"testing"
)

// bindOrderFile lists the conformance vectors whose bwrap or docker argv
// differ from capgate 0.0.4's only in the order of the binds of declared
// grants: capgate emits a parent after a bind below it there, which this
// compiler emits first (see parentFirst, docs/unsafe-values.md). For each
// listed vector checkVector derives the expected argv from capgate's by a
// reference reordering (parentFirstRef), and fails a listed vector whose
// output is capgate's; an unlisted one must match capgate exactly.
const bindOrderFile = "../testdata/conformance/bind-order-divergence.txt"

var bindOrderList = divergenceList(bindOrderFile)

func bindOrderDivergent(id string) bool { return bindOrderList()[id] }

// wantAsCapgate is the vector's expected output as capgate wrote it.
func wantAsCapgate(t *testing.T, v vector) any {
	t.Helper()
	var want any
	if err := json.Unmarshal(v.Expect, &want); err != nil {
		t.Fatal(err)
	}
	return want
}

// parentFirstExpect rewrites capgate's expected bwrap and docker argv in
// place to the order this compiler emits, and reports whether that moved a
// bind.
func parentFirstExpect(want map[string]any) bool {
	moved := false
	for _, target := range []string{TargetBwrap, TargetDocker} {
		a, _ := want[target].(map[string]any)
		argv, _ := a["argv"].([]any)
		words := make([]string, len(argv))
		for i, w := range argv {
			words[i], _ = w.(string)
		}
		words = parentFirstRef(target, words)
		for i, w := range words {
			moved = moved || argv[i] != w
			argv[i] = w
		}
	}
	return moved
}

// refBindsAt lists the binds of declared grants in a bwrap argv (every bind
// after --proc) or a docker argv (every --volume), with their destinations
// cleaned, and where the run of them starts and ends.
func refBindsAt(target string, argv []string) (bs []refBind, start, end int) {
	start, end = -1, -1
	afterProc := target == TargetDocker
	for i := 0; i < len(argv); i++ {
		w := argv[i]
		if w == "--proc" {
			afterProc = true
		}
		n := 0
		switch {
		case target == TargetBwrap && afterProc && (w == "--bind" || w == "--ro-bind" || w == "--bind-try" || w == "--ro-bind-try"):
			n = 3
		case target == TargetDocker && w == "--volume":
			n = 2
		}
		if n == 0 {
			continue
		}
		if start < 0 {
			start = i
		}
		dst := argv[i+n-1]
		if target == TargetDocker {
			dst, _, _ = strings.Cut(dst, ":")
		}
		bs = append(bs, refBind{dst: path.Clean(dst), words: argv[i : i+n], pos: len(bs)})
		i += n - 1
		end = i + 1
	}
	return bs, start, end
}

// refBinds is refBindsAt without the positions.
func refBinds(target string, argv []string) []refBind {
	bs, _, _ := refBindsAt(target, argv)
	return bs
}

// parentFirstRef reorders the binds of declared grants in a bwrap argv
// (every bind after --proc) or a docker argv (every --volume), the simple
// quadratic way: each bind takes the place of the first of the binds below
// its destination and the later binds of its destination; among those
// sharing a place, shallower first, then in capgate's order.
func parentFirstRef(target string, argv []string) []string {
	bs, start, end := refBindsAt(target, argv)
	under := func(p, dir string) bool {
		return dir == "/" || p == dir || strings.HasPrefix(p, dir+"/")
	}
	first := make([]int, len(bs))
	for i := range bs {
		first[i] = i
		for j := range bs {
			if under(bs[j].dst, bs[i].dst) && (bs[j].dst != bs[i].dst || j > i) && j < first[i] {
				first[i] = j
			}
		}
	}
	out := make([]refBind, len(bs))
	copy(out, bs)
	for i := 1; i < len(out); i++ { // insertion sort: stable by construction
		for j := i; j > 0 && refLess(out[j], out[j-1], first); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if n := 0; start >= 0 {
		for _, b := range bs {
			n += len(b.words)
		}
		if n != end-start {
			panic("the binds of declared grants are not one run in " + strings.Join(argv, " "))
		}
	}
	res := append([]string(nil), argv[:max(start, 0)]...)
	for _, b := range out {
		res = append(res, b.words...)
	}
	if end >= 0 {
		res = append(res, argv[end:]...)
	}
	return res
}

// refBind is one bind of an argv, for parentFirstRef.
type refBind struct {
	dst   string
	words []string
	pos   int
}

func refLess(x, y refBind, first []int) bool {
	if first[x.pos] != first[y.pos] {
		return first[x.pos] < first[y.pos]
	}
	if dx, dy := strings.Count(strings.TrimSuffix(x.dst, "/"), "/"), strings.Count(strings.TrimSuffix(y.dst, "/"), "/"); dx != dy {
		return dx < dy
	}
	return x.pos < y.pos
}

// TestBindOrderListExists: every vector the divergence list names exists.
func TestBindOrderListExists(t *testing.T) {
	t.Parallel()
	checkListedVectorsExist(t, bindOrderFile, bindOrderList())
}

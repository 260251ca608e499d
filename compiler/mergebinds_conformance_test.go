package compiler

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// mergeFile lists the conformance vectors whose bwrap or docker argv differ
// from capgate 0.0.4's because binds of one destination are merged
// (mergeBinds, docs/unsafe-values.md "One mount per destination"): capgate
// emits two docker volumes at one destination (which docker and podman
// refuse to start), or two bwrap binds of one path in different modes (the
// later wins, a read-only one taking away a declared write). For each
// listed vector checkVector derives the expected argv from capgate's by a
// reference merge (mergeRef) and the notes from capgate's plus one for
// every read-only grant made writable, and fails a listed vector whose
// output is capgate's; an unlisted one must match capgate exactly.
const mergeFile = "../testdata/conformance/mount-merge-divergence.txt"

var mergeList = divergenceList(mergeFile)

func mergeDivergent(id string) bool { return mergeList()[id] }

// widerNoteMark is in every note mergeBinds writes, and in no other.
const widerNoteMark = " is writable in the sandbox, wider than declared: one mount serves \""

// refMode is the mode of a bind's words: writable, and (bwrap) "-try".
func refMode(target string, words []string) (rw, try bool) {
	if target == TargetDocker {
		return !strings.HasSuffix(words[1], ":ro"), false
	}
	return !strings.HasPrefix(words[0], "--ro-"), strings.HasSuffix(words[0], "-try")
}

// mergeRef merges the binds of declared grants in a bwrap or docker argv
// that share a cleaned destination, the simple quadratic way: docker always,
// bwrap when their modes differ. The merged bind stands where the first
// was, is writable when any is and "-try" when all are, with the words of
// the first bind of that mode (else made up). It returns the argv and, for
// each read-only bind made writable, the destination a note must name.
func mergeRef(target string, argv []string) ([]string, []string) {
	bs, start, end := refBindsAt(target, argv)
	if start < 0 {
		return argv, nil
	}
	var out [][]string
	var dsts []string
	done := make([]bool, len(bs))
	for i := range bs {
		if done[i] {
			continue
		}
		var g []int
		for j := i; j < len(bs); j++ {
			if bs[j].dst == bs[i].dst {
				g = append(g, j)
			}
		}
		rw, try, mixed := refGroupMode(target, bs, g)
		if len(g) == 1 || (target == TargetBwrap && !mixed) {
			out = append(out, bs[i].words)
			continue
		}
		var words []string
		for _, j := range g {
			done[j] = true
			if r, t := refMode(target, bs[j].words); r == rw && t == try && words == nil {
				words = bs[j].words
			}
			if r, _ := refMode(target, bs[j].words); rw && !r {
				dsts = append(dsts, firstDst(target, bs[i].words))
			}
		}
		if words == nil { // only bwrap: a writable -try bind and a read-only plain one
			words = []string{"--bind", bs[i].words[1], bs[i].words[2]}
		}
		out = append(out, words)
	}
	res := append([]string(nil), argv[:start]...)
	for _, w := range out {
		res = append(res, w...)
	}
	return append(res, argv[end:]...), dsts
}

// refGroupMode is the mode of the binds bs[g...] merged, and whether
// their modes differ.
func refGroupMode(target string, bs []refBind, g []int) (rw, try, mixed bool) {
	try = true
	r0, t0 := refMode(target, bs[g[0]].words)
	for _, j := range g {
		r, t := refMode(target, bs[j].words)
		mixed = mixed || r != r0 || t != t0
		rw, try = rw || r, try && t
	}
	return rw, try, mixed
}

// firstDst is the destination as a bind's words write it.
func firstDst(target string, words []string) string {
	if target == TargetDocker {
		d, _, _ := strings.Cut(words[1], ":")
		return d
	}
	return words[2]
}

// mergeExpect rewrites capgate's expected bwrap and docker argv in place
// to the merged binds this compiler emits, and checks and takes out of got
// the notes the merge adds: one per read-only bind made writable, naming
// its destination, in order.
func mergeExpect(t *testing.T, id string, want, got map[string]any) {
	t.Helper()
	for _, target := range []string{TargetBwrap, TargetDocker} {
		a, _ := want[target].(map[string]any)
		argv, _ := a["argv"].([]any)
		words := make([]string, len(argv))
		for i, w := range argv {
			words[i], _ = w.(string)
		}
		merged, dsts := mergeRef(target, words)
		list := make([]any, len(merged))
		for i, w := range merged {
			list[i] = w
		}
		a["argv"] = list
		ga, _ := got[target].(map[string]any)
		notes, _ := ga["notes"].([]any)
		var kept []any
		var seen []string
		for _, n := range notes {
			s, _ := n.(string)
			if _, rest, ok := strings.Cut(s, widerNoteMark); ok {
				d, _, _ := strings.Cut(rest, "\"")
				seen = append(seen, d)
				continue
			}
			kept = append(kept, n)
		}
		if strings.Join(seen, "\n") != strings.Join(dsts, "\n") {
			t.Errorf("%s: %s notes a wider grant at %q, want %q", id, target, seen, dsts)
		}
		if kept == nil {
			kept = []any{}
		}
		ga["notes"] = kept
	}
}

// dupVolume is a destination a docker argv mounts twice (cleaned), or "".
func dupVolume(argv []string) string {
	seen := map[string]bool{}
	for _, b := range refBinds(TargetDocker, argv) {
		if seen[b.dst] {
			return b.dst
		}
		seen[b.dst] = true
	}
	return ""
}

// TestMergeListExists: every vector the merge list names exists.
func TestMergeListExists(t *testing.T) {
	t.Parallel()
	checkListedVectorsExist(t, mergeFile, mergeList())
	// The docs give the count, all of them edge vectors.
	n := 0
	for id := range mergeList() {
		if strings.HasPrefix(id, "edge.jsonl:") {
			n++
		}
	}
	if n != len(mergeList()) {
		t.Errorf("%d of %d listed vectors are edge vectors; docs/unsafe-values.md says all", n, len(mergeList()))
	}
	for doc, want := range map[string]string{
		"../docs/unsafe-values.md": fmt.Sprintf("(%d of the 2,000 edge vectors;", n),
		"../README.md":             fmt.Sprintf("(%d vectors, listed in\n[testdata/conformance/mount-merge-divergence.txt]", n),
	} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not say %q", doc, want)
		}
	}
}

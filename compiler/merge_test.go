package compiler

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestCoverTargets checks coverTargets, the linear merge lookup, against
// coverTargetsSmall, the plain scan, on random sets of distinct paths.
func TestCoverTargets(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "/a*b."
	for round := 0; round < 3000; round++ {
		seen := map[string]bool{}
		var fs []FSGrant
		for n := 1 + r.IntN(40); len(fs) < n; {
			b := []byte{'/'}
			for l := r.IntN(8); l > 0; l-- {
				b = append(b, alphabet[r.IntN(len(alphabet))])
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				fs = append(fs, FSGrant{Path: string(b)})
			}
		}
		want := make([]int, len(fs))
		got := make([]int, len(fs))
		wm := coverTargetsSmall(fs, want)
		gm := coverTargets(fs, got)
		if wm != gm || !slices.Equal(got, want) {
			paths := make([]string, len(fs))
			for i := range fs {
				paths[i] = fs[i].Path
			}
			t.Fatalf("paths %q:\n coverTargets      %v %v\n coverTargetsSmall %v %v", paths, got, gm, want, wm)
		}
	}
}

// TestNormalizeIndexed checks that normalize gives the same policy when it
// finds and merges grants with maps and hashing (small 0) as with its
// linear scans, on every conformance manifest that compiles, and on each
// of them repeated so that every kind has more than smallIndex grants.
func TestNormalizeIndexed(t *testing.T) {
	t.Parallel()
	var srcs [][]byte
	for _, name := range []string{"vectors.jsonl", "edge.jsonl"} {
		for _, v := range loadVectors(t, name) {
			srcs = append(srcs, v.source())
		}
	}
	checked := 0
	for _, src := range srcs {
		m, err := ParseManifest(src)
		if err != nil {
			continue
		}
		all := m.AllCaps()
		caps := make([]Capability, len(all))
		ok := true
		for i, cs := range all {
			if parseCapability(cs, &caps[i], nil, nil) != nil || CheckSafe(&caps[i]) != nil {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for _, reps := range []int{1, smallIndex + 1} {
			var rc []Capability
			var rs []CapString
			for r := 0; r < reps; r++ {
				rc = append(rc, caps...)
				rs = append(rs, all...)
			}
			var scan, indexed Policy
			normalize(slices.Clone(rc), rs, &scan, new(arena), smallIndex)
			normalize(slices.Clone(rc), rs, &indexed, new(arena), 0)
			if !reflect.DeepEqual(scan, indexed) {
				t.Fatalf("%s (x%d): indexed normalize differs:\n scan    %+v\n indexed %+v", src, reps, scan, indexed)
			}
			checked++
		}
	}
	if checked < 2000 {
		t.Fatalf("checked %d policies, want at least 2000", checked)
	}
}

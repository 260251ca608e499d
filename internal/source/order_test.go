package source

import (
	"fmt"
	"slices"
	"testing"
)

// TestOrderBlobs: the changed pairs' blobs are read first: with two git
// cat-file processes the first reads the base blobs and the second the
// head blobs of the pairs, in pair order, each then a share of the others
// (as many blobs each, give or take one); with one process a pair's two
// blobs follow each other. Every distinct blob is read once, each file
// still gets its own blob, and which requests want a blob moves with it.
func TestOrderBlobs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		n, every, renamed int // files per side, a changed one every `every`, renamed ones
	}{
		{"one process", 100, 7, 0},
		{"two processes", splitBlobs + 300, 9, 0},
		{"two processes, every file changed", splitBlobs, 1, 0},
		{"renames", splitBlobs + 40, 5, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want, renames, wantPairs := orderInput(tc.n, tc.every, tc.renamed)
			d := distinctBlobs(want, true)
			before := map[string]uint8{}
			for k, o := range d.oids {
				before[o] = d.reqs[k]
			}
			split := len(d.oids)
			if split >= splitBlobs {
				split /= 2
			}
			two := split < len(d.oids)
			pairs := changedPairs(want, renames)
			if len(pairs) != wantPairs {
				t.Fatalf("%d changed pairs, want %d", len(pairs), wantPairs)
			}
			split = d.orderBlobs(pairs, split)
			if got := slices.Compact(slices.Sorted(slices.Values(d.oids))); len(got) != len(d.oids) || len(got) != len(before) {
				t.Fatalf("%d blobs read, %d distinct, want %d", len(d.oids), len(got), len(before))
			}
			for i, w := range want {
				if d.oids[d.slot[i]] != w.oid {
					t.Fatalf("file %s gets blob %s, want %s", w.f.Path, d.oids[d.slot[i]], w.oid)
				}
			}
			for k, o := range d.oids {
				if d.reqs[k] != before[o] {
					t.Fatalf("blob %s: requests %b, want %b", o, d.reqs[k], before[o])
				}
			}
			for j, pr := range pairs {
				b, h := want[pr[0]].oid, want[pr[1]].oid
				gb, gh := d.oids[2*j], d.oids[2*j+1]
				if two {
					gb, gh = d.oids[j], d.oids[split+j]
				}
				if gb != b || gh != h {
					t.Fatalf("pair %d read as %s, %s; want %s, %s", j, gb, gh, b, h)
				}
			}
			if two && len(pairs) < len(d.oids)/2 {
				if diff := len(d.oids) - 2*split; diff < 0 || diff > 1 {
					t.Errorf("split %d of %d blobs", split, len(d.oids))
				}
			}
		})
	}
}

// orderInput is n manifests a side, every every-th changed, and the last
// renamed ones moved to another path with another blob (git's renames),
// as readWanted gets them; it returns the renames and the number of
// changed pairs.
func orderInput(n, every, renamed int) ([]wanted, map[string]string, int) {
	var want []wanted
	renames := map[string]string{}
	pairs := 0
	for side := range 2 {
		for i := range n {
			p := fmt.Sprintf("s/%05d/capgate.json", i)
			oid := fmt.Sprintf("%040x", i)
			if side == 1 && i%every == 0 {
				oid = fmt.Sprintf("%040x", n+i)
			}
			if i >= n-renamed {
				oid = fmt.Sprintf("%040x", 2*n+i)
				if side == 1 {
					oid = fmt.Sprintf("%040x", 3*n+i)
					renames["t/"+p] = p
					p = "t/" + p
				}
			}
			want = append(want, wanted{oid: oid, f: &File{Path: p}, req: side})
			if side == 1 && (i%every == 0 || i >= n-renamed) {
				pairs++
			}
		}
	}
	return want, renames, pairs
}

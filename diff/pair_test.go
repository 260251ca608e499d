package diff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mapPairs is pairFiles as it was, by maps of paths: the reference
// TestPairFilesWalk holds the walk over sorted sides to.
func mapPairs(bf, hf []File, gitRenames map[string]string) []pair {
	baseBy := make(map[string]int, len(bf))
	for i := range bf {
		baseBy[bf[i].Path] = i
	}
	headBy := make(map[string]bool, len(hf))
	for _, f := range hf {
		headBy[f.Path] = true
	}
	renames := map[string]string{}
	for h, b := range gitRenames {
		if _, ok := baseBy[b]; ok && headBy[h] && !headBy[b] {
			renames[h] = b
		}
	}
	if len(gitRenames) == 0 {
		mapCopies(bf, hf, baseBy, headBy, renames)
	}
	taken := make([]bool, len(bf))
	var pairs []pair
	for i := range hf {
		f := &hf[i]
		bp := f.Path
		if old, ok := renames[f.Path]; ok {
			bp = old
		}
		var b *File
		if k, ok := baseBy[bp]; ok && !taken[k] {
			b = &bf[k]
			taken[k] = true
		}
		pairs = append(pairs, pair{b, f})
	}
	for i := range bf {
		if !taken[i] {
			pairs = append(pairs, pair{&bf[i], nil})
		}
	}
	return pairs
}

// mapCopies is pairCopies as it was, by maps of paths.
func mapCopies(bf, hf []File, baseBy map[string]int, headBy map[string]bool, renames map[string]string) {
	removed := map[string][]string{}
	for _, b := range bf {
		if !headBy[b.Path] && b.Err == nil {
			removed[string(b.Data)] = append(removed[string(b.Data)], b.Path)
		}
	}
	for _, f := range hf {
		if _, ok := baseBy[f.Path]; ok || f.Err != nil {
			continue
		}
		if ps := removed[string(f.Data)]; len(ps) > 0 {
			renames[f.Path] = ps[0]
			removed[string(f.Data)] = ps[1:]
		}
	}
}

// TestPairFilesWalk: pairFiles, which walks sides sorted by path and uses
// maps only for sides that are not, pairs as the maps did, on generated
// sides (shared, removed, added and copied files, unreadable ones, git's
// renames valid and not, none) both sorted and shuffled.
func TestPairFilesWalk(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(21, 22))
	name := func(p pair) string {
		var b, h string
		if p.b != nil {
			b = p.b.Path
		}
		if p.h != nil {
			h = p.h.Path
		}
		return b + "->" + h
	}
	for i := range 2000 {
		var bf, hf []File
		for k := range rnd.IntN(14) {
			p := fmt.Sprintf("m%02d/capgate.json", k)
			f := File{Path: p, Data: []byte(fmt.Sprint("d", rnd.IntN(4)))}
			if rnd.IntN(8) == 0 {
				f.Err, f.Data = fmt.Errorf("unreadable"), nil
			}
			switch rnd.IntN(4) {
			case 0:
				bf = append(bf, f)
			case 1:
				hf = append(hf, f)
			default:
				bf = append(bf, f)
				g := f
				if rnd.IntN(2) == 0 {
					g.Data = []byte("changed")
				}
				hf = append(hf, g)
			}
		}
		var renames map[string]string
		if rnd.IntN(3) > 0 {
			renames = map[string]string{}
			for range rnd.IntN(4) {
				renames[fmt.Sprintf("m%02d/capgate.json", rnd.IntN(16))] = fmt.Sprintf("m%02d/capgate.json", rnd.IntN(16))
			}
		}
		got, want := pairFiles(bf, hf, renames), mapPairs(bf, hf, renames)
		if !slices.EqualFunc(got, want, func(a, b pair) bool { return a == b }) {
			t.Fatalf("case %d, sorted: pairs %v, the maps gave %v", i, names(got, name), names(want, name))
		}
		rnd.Shuffle(len(bf), func(a, b int) { bf[a], bf[b] = bf[b], bf[a] })
		rnd.Shuffle(len(hf), func(a, b int) { hf[a], hf[b] = hf[b], hf[a] })
		got, want = pairFiles(bf, hf, renames), mapPairs(bf, hf, renames)
		if !slices.EqualFunc(got, want, func(a, b pair) bool { return a == b }) {
			t.Fatalf("case %d, shuffled: pairs %v, the maps gave %v", i, names(got, name), names(want, name))
		}
	}
}

func names(ps []pair, name func(pair) string) string {
	var out []string
	for _, p := range ps {
		out = append(out, name(p))
	}
	return strings.Join(out, " ")
}

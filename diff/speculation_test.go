package diff

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
)

// changedPairsOf names the changed pairs of in (same path, other blob), as
// a reader would to Prechecks.Expect, and lists their blobs in arrival
// order: base, head, pair after pair.
func changedPairsOf(in *Input) ([]ChangedPair, []File) {
	var cs []ChangedPair
	var blobs []File
	for i, h := range in.HeadFiles {
		b := in.BaseFiles[i]
		if b.Blob != "" && h.Blob != "" && b.Blob != h.Blob {
			cs = append(cs, ChangedPair{HeadPath: h.Path, BaseBlob: b.Blob, HeadBlob: h.Blob})
			blobs = append(blobs, b, h)
		}
	}
	return cs, blobs
}

// TestSpeculationSameBytes: Run's result is the same whether no changed
// manifest was compared early, every one was (by 1 worker or by 8, the
// blobs arriving in order, reversed, heads first, shuffled, twice over,
// from several goroutines), only some were (blobs that never come), or
// the early comparisons do not fit (other targets, a pair named at
// another head path, bytes not the blob's): those are recomputed. Run it
// with -race: the workers, AddChanged's callers and Run share the specs.
func TestSpeculationSameBytes(t *testing.T) {
	t.Parallel()
	want, err := Run(precheckInput())
	if err != nil {
		t.Fatal(err)
	}
	if want.Counts.Widened == 0 {
		t.Fatal("input has no changed manifest")
	}
	inOrder := func(fs []File) []File { return fs }
	reversed := func(fs []File) []File { fs = slices.Clone(fs); slices.Reverse(fs); return fs }
	headsFirst := func(fs []File) []File {
		var out []File
		for i := 1; i < len(fs); i += 2 {
			out = append(out, fs[i])
		}
		for i := 0; i < len(fs); i += 2 {
			out = append(out, fs[i])
		}
		return out
	}
	shuffled := func(fs []File) []File {
		fs = slices.Clone(fs)
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
		return fs
	}
	twice := func(fs []File) []File { return append(shuffled(fs), fs...) }
	half := func(fs []File) []File { return fs[:len(fs)/2] }
	for _, tc := range []struct {
		name       string
		workers    int
		order      func([]File) []File
		feeders    int
		targets    []string // the Prechecks'; Run's are nil
		mangle     func(cs []ChangedPair, fs []File)
		wantUsedAt int  // -1: all pairs taken by Run, 0: none, n: n or more, not all
		drop       bool // Wait drops the comparisons not begun (as in use): any number taken
	}{
		{name: "one worker", workers: 1, order: inOrder, feeders: 1, wantUsedAt: -1},
		{name: "eight workers reversed", workers: 8, order: reversed, feeders: 1, wantUsedAt: -1},
		{name: "heads first, three feeders", workers: 2, order: headsFirst, feeders: 3, wantUsedAt: -1},
		{name: "shuffled twice over, four feeders", workers: 8, order: twice, feeders: 4, wantUsedAt: -1},
		{name: "half the blobs never come", workers: 2, order: half, feeders: 1, wantUsedAt: 1},
		{name: "dropped at Wait, one worker", workers: 1, order: shuffled, feeders: 2, drop: true},
		{name: "dropped at Wait, eight workers", workers: 8, order: reversed, feeders: 1, drop: true},
		{name: "other targets", workers: 2, order: inOrder, feeders: 1, targets: []string{"bwrap"}},
		{name: "invalid targets", workers: 2, order: inOrder, feeders: 1, targets: []string{"nope"}},
		{name: "named at other head paths", workers: 2, order: inOrder, feeders: 1, mangle: func(cs []ChangedPair, _ []File) {
			for i := range cs {
				cs[i].HeadPath += ".moved"
			}
		}},
		{name: "bytes not the blob's", workers: 2, order: inOrder, feeders: 1, mangle: func(_ []ChangedPair, fs []File) {
			for i := range fs {
				fs[i].Data = []byte(`{"name":"x","version":"1","tools":[]}`)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := precheckInput()
			cs, blobs := changedPairsOf(in)
			blobs = tc.order(blobs)
			if tc.mangle != nil {
				blobs = slices.Clone(blobs)
				tc.mangle(cs, blobs)
			}
			p := newPrechecks(2, tc.workers, tc.targets)
			p.spec.finish = !tc.drop
			in.Prechecks = p
			p.Expect(cs)
			feedChanged(p, blobs, tc.feeders)
			got, err := Run(in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("result differs from Run without early comparisons:\ngot  %+v\nwant %+v", got.Counts, want.Counts)
			}
			if !tc.drop {
				checkTaken(t, in, len(cs), tc.wantUsedAt)
			}
		})
	}
}

// feedChanged hands blobs to p.AddChanged from feeders goroutines: the
// first hands them all, each other one a share again.
func feedChanged(p *Prechecks, blobs []File, feeders int) {
	var wg sync.WaitGroup
	for f := range feeders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, b := range blobs {
				if f == 0 || k%feeders == f {
					p.AddChanged(b.Blob, b.Data)
				}
			}
		}()
	}
	wg.Wait()
}

// checkTaken counts the pairs of in that Run took from in.Prechecks'
// early comparisons: all n when want is -1, none when 0, else at least
// want and not all.
func checkTaken(t *testing.T, in *Input, n, want int) {
	t.Helper()
	v := in.Prechecks.verdicts()
	used := 0
	for _, pr := range pairFiles(in.BaseFiles, in.HeadFiles, in.Renames) {
		if _, ok := v.comparison(pr, in.Targets); ok {
			used++
		}
	}
	switch {
	case want < 0 && used != n:
		t.Errorf("%d of %d changed pairs taken from the early comparisons, want all", used, n)
	case want == 0 && used != 0:
		t.Errorf("%d early comparisons taken that do not fit", used)
	case want > 0 && (used < want || used >= n):
		t.Errorf("%d of %d taken, want some, not all", used, n)
	}
}

// TestSpeculationWaitDrops: comparisons not begun when Wait is called are
// dropped, Wait returns with blobs still queued, and a Prechecks never
// told of pairs ignores AddChanged.
func TestSpeculationWaitDrops(t *testing.T) {
	t.Parallel()
	in := precheckInput()
	cs, blobs := changedPairsOf(in)
	p := newPrechecks(1, 1, nil)
	p.AddChanged(blobs[0].Blob, blobs[0].Data) // before Expect: ignored
	p.Expect(cs)
	for _, b := range blobs {
		p.AddChanged(b.Blob, b.Data)
	}
	p.Wait()
	if n := len(p.verdicts().compared); n > len(cs) {
		t.Errorf("%d comparisons of %d pairs", n, len(cs))
	}
	q := newPrechecks(1, 1, nil)
	q.AddChanged(blobs[0].Blob, blobs[0].Data)
	q.Wait()
	if n := len(q.verdicts().compared); n != 0 {
		t.Errorf("%d comparisons without Expect", n)
	}
}

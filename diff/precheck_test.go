package diff

import (
	"crypto/sha1"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
)

// precheckInput is 600 manifests on both sides: most unchanged and valid,
// every 7th unchanged and not compiling (a head error the report must
// keep), every 11th changed (widened), every 13th without a blob id, and
// two that share one blob.
func precheckInput() *Input {
	in := &Input{Base: "b", Head: "h", Patterns: "**/capgate.json"}
	for i := range 600 {
		p := fmt.Sprintf("s%04d/capgate.json", i)
		m := fmt.Sprintf(`{"name":"s%d","version":"1","tools":[{"name":"t","capabilities":["fs:read:/srv/%d/**"]}]}`, i, i)
		if i == 1 {
			m = fmt.Sprintf(`{"name":"s%d","version":"1","tools":[{"name":"t","capabilities":["fs:read:/srv/%d/**"]}]}`, 0, 0)
		}
		if i%7 == 0 {
			m = fmt.Sprintf(`{"name":"s%d","version":"1","tools":[{"name":"t","capabilities":["fs:teleport:/%d"]}]}`, i, i)
		}
		h := m
		if i%11 == 0 {
			h = fmt.Sprintf(`{"name":"s%d","version":"1","tools":[{"name":"t","capabilities":["fs:read:/srv/%d/**","exec:spawn:curl"]}]}`, i, i)
		}
		bf := File{Path: p, Data: []byte(m), Blob: BlobID(sha1.New(), []byte(m))}
		hf := File{Path: p, Data: []byte(h), Blob: BlobID(sha1.New(), []byte(h))}
		if i%13 == 0 {
			bf.Blob, hf.Blob = "", ""
		}
		in.BaseFiles = append(in.BaseFiles, bf)
		in.HeadFiles = append(in.HeadFiles, hf)
	}
	return in
}

// TestPrechecksSameBytes: the result of Run is the same whether no blob was
// prechecked, every shared blob was (by 1 worker, by 8, fed in reverse
// order and twice over by several goroutines), or only some were; the head
// errors of unchanged manifests are kept. Run it with -race: the workers
// and Add's callers share the verdicts.
func TestPrechecksSameBytes(t *testing.T) {
	t.Parallel()
	want, err := Run(precheckInput())
	if err != nil {
		t.Fatal(err)
	}
	unchanged := 0
	for _, md := range want.Manifests {
		if md.Status == StatusUnchanged {
			unchanged++
		}
	}
	if want.Counts.Errors == 0 || want.Counts.Widened == 0 || unchanged == 0 {
		t.Fatalf("input does not exercise errors, widenings and unchanged manifests: %+v", want.Counts)
	}
	all := func(int) bool { return true }
	for _, tc := range []struct {
		name    string
		workers int
		keep    func(int) bool
		reverse bool
		feeders int
	}{
		{"one worker", 1, all, false, 1},
		{"eight workers", 8, all, false, 1},
		{"eight workers reversed, four feeders", 8, all, true, 4},
		{"every third blob", 3, func(i int) bool { return i%3 == 0 }, false, 2},
		{"none fed", 2, func(int) bool { return false }, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := precheckInput()
			in.Prechecks = newPrechecks(tc.workers)
			feedPrechecks(in, tc.keep, tc.reverse, tc.feeders)
			got, err := Run(in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("result differs from Run without prechecks:\ngot  %+v\nwant %+v", got.Counts, want.Counts)
			}
		})
	}
}

// feedPrechecks adds to in.Prechecks the blobs both sides of in hold whose
// index keep accepts, in reverse order if asked, from feeders goroutines:
// the first feeds them all, each other one a share again.
func feedPrechecks(in *Input, keep func(i int) bool, reverse bool, feeders int) {
	var shared []int
	for i := range in.HeadFiles {
		if b := in.BaseFiles[i]; b.Blob != "" && b.Blob == in.HeadFiles[i].Blob && keep(i) {
			shared = append(shared, i)
		}
	}
	if reverse {
		slices.Reverse(shared)
	}
	var wg sync.WaitGroup
	for f := range feeders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, i := range shared {
				if f == 0 || k%feeders == f {
					in.Prechecks.Add(in.HeadFiles[i].Blob, in.HeadFiles[i].Data)
				}
			}
		}()
	}
	wg.Wait()
}

// TestPrechecksWaitStops: Wait on a Prechecks that was never fed, twice,
// and on nil, returns (a reader that fails stops the workers this way).
func TestPrechecksWaitStops(t *testing.T) {
	t.Parallel()
	p := newPrechecks(4)
	p.Wait()
	p.Wait()
	var nilP *Prechecks
	nilP.Wait()
	if v := p.verdicts(); len(v) != 0 {
		t.Errorf("verdicts of an unfed Prechecks: %d", len(v))
	}
}

// TestForEachWorkers: the comparisons of precheckInput's pairs, each
// written to its slot by forEachOn's workers, are the same from 1 worker,
// from 8 and from a plain loop. Run it with -race.
func TestForEachWorkers(t *testing.T) {
	t.Parallel()
	in := precheckInput()
	pairs := pairFiles(in.BaseFiles, in.HeadFiles, nil)
	want := make([]ManifestDiff, len(pairs))
	for i, p := range pairs {
		want[i] = compareFiles(p.b, p.h, nil)
	}
	for _, workers := range []int{1, 8} {
		got := make([]ManifestDiff, len(pairs))
		forEachOn(workers, len(pairs), func(i int) { got[i] = compareFiles(pairs[i].b, pairs[i].h, nil) })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d workers: comparisons differ from a plain loop", workers)
		}
	}
	errs := 0
	for _, md := range want {
		if md.Error != nil {
			errs++
		}
	}
	if errs == 0 || len(want) < 600 {
		t.Fatalf("input does not exercise errors: %d pairs, %d errors", len(want), errs)
	}
}

package diff

import (
	"bytes"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/razukc/capgate-action/compiler"
)

// Prechecks checks manifests (compiler.Check) while the sides are still
// being read: a reader hands it each blob both sides hold as soon as the
// blob arrives (Add), a small pool of workers (GOMAXPROCS) checks them in
// batches, and Run takes the verdicts instead of checking those blobs
// again. Check is a function of the bytes alone, so a verdict found early
// is the one Run would find: the report does not depend on which blobs
// were prechecked, nor in which order (TestPrechecksSameBytes; which blobs
// a reader hands over: source's TestSharedBlobs).
//
// What it buys: `capgate diff` of two packed commits, alternating 30
// rounds with the build before on a 2-core machine (2026-12-07), 10,000
// manifests with 3 changed: wall median 214 -> 189 ms at a load of 1.8,
// 232 -> 206 ms at 2.6; 2,000 with a tenth changed: 144 -> 130 and
// 119 -> 114 ms. The CPU time is the same: the checks are done earlier, on
// the core git cat-file and the reader leave free, so nothing is gained
// when other work holds that core (at a load of 3.5-5, no difference).
//
// It also compares changed manifests early (Expect, AddChanged): see
// speculation.
type Prechecks struct {
	queue chan []precheck
	wg    sync.WaitGroup
	once  sync.Once

	mu      sync.Mutex
	pending []precheck        // Add's, not yet queued
	done    map[string]*check // by blob

	spec speculations
}

type precheck struct {
	blob string
	data []byte
}

// precheckBatch is how many blobs go to a worker at once: one wake-up of
// a worker per blob was 10,000 of them for 10,000 manifests.
const precheckBatch = 64

// NewPrechecks starts the workers of a Prechecks; Wait stops them. The
// changed manifests it compares early (Expect) are compared to targets
// (capgate's four when empty), as Run would: Run uses such a comparison
// only when its Input's Targets are the same.
func NewPrechecks(targets []string) *Prechecks {
	n := runtime.GOMAXPROCS(0)
	return newPrechecks(n, max(n-1, 1), targets)
}

func newPrechecks(workers, specWorkers int, targets []string) *Prechecks {
	p := &Prechecks{queue: make(chan []precheck, 256), done: map[string]*check{}}
	p.spec.workers, p.spec.targets = specWorkers, slices.Clone(targets)
	for range max(workers, 1) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for batch := range p.queue {
				cs := make([]check, len(batch))
				for i, q := range batch {
					cs[i].data = q.data
					cs[i].run()
				}
				p.mu.Lock()
				for i, q := range batch {
					p.done[q.blob] = &cs[i]
				}
				p.mu.Unlock()
			}
		}()
	}
	return p
}

// Add queues the check of data, the bytes of blob. It may be called from
// several goroutines, not after Wait.
func (p *Prechecks) Add(blob string, data []byte) {
	p.mu.Lock()
	p.pending = append(p.pending, precheck{blob, data})
	var batch []precheck
	if len(p.pending) == precheckBatch {
		batch, p.pending = p.pending, make([]precheck, 0, precheckBatch)
	}
	p.mu.Unlock()
	if batch != nil {
		p.queue <- batch
	}
}

// Wait lets the workers finish the checks queued and stops them; the early
// comparisons not begun are dropped (Run compares those pairs itself, on
// every core). It may be called more than once (a reader that fails calls
// it too), and on nil.
func (p *Prechecks) Wait() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		p.mu.Lock()
		last := p.pending
		p.pending = nil
		p.mu.Unlock()
		if len(last) > 0 {
			p.queue <- last // not under mu: a worker may need it to finish
		}
		close(p.queue)
		p.spec.stop()
		p.wg.Wait()
	})
}

// verdicts waits for the checks and the early comparisons and returns
// them; nil p has none.
func (p *Prechecks) verdicts() *verdicts {
	if p == nil {
		return nil
	}
	p.Wait()
	return &verdicts{checks: p.done, compared: p.spec.results()}
}

// verdicts is what a Prechecks found: the checks by blob, and the early
// comparisons of changed manifests.
type verdicts struct {
	checks   map[string]*check
	compared map[ChangedPair]*speculation
}

// check returns the check of blob found early, or nil.
func (v *verdicts) check(blob string) *check {
	if v == nil {
		return nil
	}
	return v.checks[blob]
}

// comparison returns the early comparison of pair p compared to targets,
// when there is one for exactly p's bytes, head path and targets: what
// compareFiles(p.b, p.h, targets) depends on.
func (v *verdicts) comparison(p pair, targets []string) (ManifestDiff, bool) {
	if v == nil || len(v.compared) == 0 || p.b == nil || p.h == nil || p.b.Err != nil || p.h.Err != nil ||
		len(p.b.Link) > 0 || len(p.h.Link) > 0 { // a speculation's files are never links
		return ManifestDiff{}, false
	}
	s := v.compared[ChangedPair{HeadPath: p.h.Path, BaseBlob: p.b.Blob, HeadBlob: p.h.Blob}]
	if s == nil || !bytes.Equal(s.base, p.b.Data) || !bytes.Equal(s.head, p.h.Data) || !slices.Equal(s.targets, targets) {
		return ManifestDiff{}, false
	}
	return s.md, true
}

// ChangedPair is a manifest a reader expects to be changed: the blob BaseBlob
// on the base side, paired with the blob HeadBlob at HeadPath on the head
// (the same path, or git's rename).
type ChangedPair struct {
	HeadPath, BaseBlob, HeadBlob string
}

// speculations compare changed manifests while the sides are still read.
// A reader names the pairs it expects (Expect) and hands over their blobs
// as they arrive (AddChanged); a pair whose two blobs are in is compared
// (compareFiles) by a worker. Run uses such a comparison only for a pair
// it makes itself (renames, pairFiles) with exactly those bytes, that head
// path and its own targets (verdicts.comparison): compareFiles depends on
// nothing else, so the report is the same whichever pairs were compared
// early, in whichever order (TestSpeculationSameBytes, 1 worker and
// many, blobs arriving in adversarial orders, under -race).
//
// There are GOMAXPROCS-1 workers (at least 1): a worker that held every
// core kept the goroutines reading git cat-file's output from running
// until the scheduler preempted it (10 ms), and git waited on its full
// pipe. Comparisons not begun when the read ends are dropped (Wait), and
// Run compares them on every core.
type speculations struct {
	workers int
	targets []string
	started bool
	queue   chan *speculation
	wg      sync.WaitGroup
	stopped atomic.Bool
	// finish makes stop wait for every queued comparison instead of
	// dropping those not begun (tests: which ones are done is then known).
	finish bool

	mu     sync.Mutex
	specs  []speculation
	byBlob map[string][]int // blob -> the specs waiting for it
}

// speculation is one early comparison.
type speculation struct {
	ChangedPair
	targets    []string
	base, head []byte
	have       uint8 // bit 0: base in, bit 1: head in
	md         ManifestDiff
	done       bool // md is set (by a worker, read after Wait)
}

// Expect names the changed manifests the reader will hand the blobs of
// (AddChanged), and starts the workers that compare them. It is called at
// most once, before AddChanged, and not after Wait; with targets Run
// would refuse (compiler.CheckTargets), nothing is compared.
func (p *Prechecks) Expect(cs []ChangedPair) {
	s := &p.spec
	if len(cs) == 0 || s.started || compiler.CheckTargets(s.targets) != nil {
		return
	}
	s.started = true
	s.specs = make([]speculation, len(cs))
	s.byBlob = make(map[string][]int, 2*len(cs))
	for i, c := range cs {
		s.specs[i] = speculation{ChangedPair: c, targets: s.targets}
		s.byBlob[c.BaseBlob] = append(s.byBlob[c.BaseBlob], i)
		s.byBlob[c.HeadBlob] = append(s.byBlob[c.HeadBlob], i)
	}
	// Buffered for every spec: AddChanged never waits on a worker.
	s.queue = make(chan *speculation, len(cs))
	for range max(s.workers, 1) {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for sp := range s.queue {
				if s.stopped.Load() {
					continue
				}
				b := &File{Blob: sp.BaseBlob, Data: sp.base}
				h := &File{Path: sp.HeadPath, Blob: sp.HeadBlob, Data: sp.head}
				sp.md, sp.done = compareFiles(b, h, sp.targets), true
			}
		}()
	}
}

// AddChanged hands over data, the bytes of blob, a blob of a pair named
// to Expect; a pair whose two blobs are in is queued for comparing. It may
// be called from several goroutines, not after Wait; a blob named by no
// pair is ignored.
func (p *Prechecks) AddChanged(blob string, data []byte) {
	s := &p.spec
	if !s.started {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, i := range s.byBlob[blob] {
		sp := &s.specs[i]
		was := sp.have
		if sp.BaseBlob == blob && sp.have&1 == 0 {
			sp.base, sp.have = data, sp.have|1
		}
		if sp.HeadBlob == blob && sp.have&2 == 0 {
			sp.head, sp.have = data, sp.have|2
		}
		if sp.have == 3 && was != 3 {
			s.queue <- sp
		}
	}
}

// stop drops the comparisons not begun and waits for the others.
func (s *speculations) stop() {
	if !s.started {
		return
	}
	s.stopped.Store(!s.finish)
	close(s.queue)
	s.wg.Wait()
}

// results returns the comparisons done, by pair; called after stop.
func (s *speculations) results() map[ChangedPair]*speculation {
	var out map[ChangedPair]*speculation
	for i := range s.specs {
		if sp := &s.specs[i]; sp.done {
			if out == nil {
				out = make(map[ChangedPair]*speculation)
			}
			out[sp.ChangedPair] = sp
		}
	}
	return out
}

package diff

import (
	"runtime"
	"sync"
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
type Prechecks struct {
	queue chan []precheck
	wg    sync.WaitGroup
	once  sync.Once

	mu      sync.Mutex
	pending []precheck        // Add's, not yet queued
	done    map[string]*check // by blob
}

type precheck struct {
	blob string
	data []byte
}

// precheckBatch is how many blobs go to a worker at once: one wake-up of
// a worker per blob was 10,000 of them for 10,000 manifests.
const precheckBatch = 64

// NewPrechecks starts the workers of a Prechecks; Wait stops them.
func NewPrechecks() *Prechecks {
	return newPrechecks(runtime.GOMAXPROCS(0))
}

func newPrechecks(workers int) *Prechecks {
	p := &Prechecks{queue: make(chan []precheck, 256), done: map[string]*check{}}
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

// Wait lets the workers finish the checks queued and stops them. It may be
// called more than once (a reader that fails calls it too), and on nil.
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
		p.wg.Wait()
	})
}

// verdicts waits for the checks and returns them by blob; nil p has none.
func (p *Prechecks) verdicts() map[string]*check {
	if p == nil {
		return nil
	}
	p.Wait()
	return p.done
}

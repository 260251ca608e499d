package source

import (
	"bufio"
	"context"
	"errors"
	"sync"
)

// prefetch reads the head's manifests through two git cat-file processes
// while git ls-tree is still listing the head tree: each blob the manifest
// matcher selects is asked for as soon as its entry is listed (ask), so
// the bulk read no longer waits for the whole listing, its parsing and the
// picking of both sides (for 10,000 manifests, git's listing alone is
// about 20 ms of one core while the other waited). readRest then takes
// what it fetched and reads the rest itself. The bytes of a blob are the
// blob's, whoever reads them: the files read are the same with or without
// it (TestPrefetchSameFiles).
//
// It keeps no map: readRest finds each blob asked in the read's own index
// (locate). A first version with maps by oid, and asks dealt to the
// processes in turn, cost 11% more CPU than the read after the listing
// (perf, 6 runs of 10,000 manifests): map look-ups, and git inflating
// the delta bases of neighbouring blobs in both processes.
type prefetch struct {
	streams [2]*catStream
	n       int // blobs asked
	// add, if not nil, is handed each blob asked as shared (one both
	// sides hold) as soon as it is read: diff.Prechecks.Add, which then
	// checks it while the listing still goes on.
	add func(oid string, data []byte)

	mu    sync.Mutex
	hook  func(stream, i int, b blob, added bool)
	early []arrival // arrived before hook was set
}

// prefetchRun is how many blobs in listing order go to one process before
// the other gets the next ones: neighbours are often deltas of each other,
// and a process that reads both inflates their base once.
const prefetchRun = 512

type arrival struct {
	stream, i int
	b         blob
	added     bool
}

// newPrefetch starts a prefetch whose processes come from cats (started
// when cats has none left); add (nil: none) is handed the shared blobs.
func newPrefetch(ctx context.Context, dir string, cats *catPool, add func(oid string, data []byte)) *prefetch {
	p := &prefetch{add: add}
	for s := range p.streams {
		p.streams[s] = startStream(ctx, dir, cats, func(i int, oid string, b blob, shared bool) { p.arrived(s, i, oid, b, shared) })
	}
	return p
}

// ask asks for oid; shared says that both sides hold it (a manifest at a
// path git diff-tree does not name). It is called from one goroutine at a
// time (the listing's), not after finish.
func (p *prefetch) ask(oid string, shared bool) {
	p.streams[(p.n/prefetchRun)%2].ask(oid, shared)
	p.n++
}

// flush hands what was asked to git once enough is waiting: called after
// each chunk of the listing, so that git reads while the listing goes on.
// Git gets the first oids at once, then kickBatch at a time: a wake-up of
// the writers and of git for each few KB of the listing was ~340 for
// 10,000 manifests.
func (p *prefetch) flush() {
	for _, s := range p.streams {
		s.kickIf(kickBatch)
	}
}

// kickBatch is how many oids a stream gathers before git is given them.
const kickBatch = 256

// locate returns, for each process, the index in the read's blobs (at)
// of each blob it was asked for, -1 for one at does not hold. It is called
// once the listing is done.
func (p *prefetch) locate(at map[string]int) [2][]int {
	var loc [2][]int
	for s, st := range p.streams {
		st.mu.Lock()
		asked := st.asked
		st.mu.Unlock()
		loc[s] = make([]int, len(asked))
		for i, o := range asked {
			k, ok := at[o]
			if !ok {
				k = -1
			}
			loc[s][i] = k
		}
	}
	return loc
}

// arrived is called by a stream's reader with each blob read, the i-th
// of stream s, asked as shared or not.
func (p *prefetch) arrived(s, i int, oid string, b blob, shared bool) {
	added := shared && p.add != nil && b.size <= MaxFileBytes
	if added {
		p.add(oid, b.data)
	}
	p.mu.Lock()
	h := p.hook
	if h == nil {
		p.early = append(p.early, arrival{s, i, b, added})
	}
	p.mu.Unlock()
	if h != nil {
		h(s, i, b, added)
	}
}

// setHook makes h be told of each blob read (added: handed to add
// already), those read already first (from this goroutine), each once; h
// may be called from several goroutines, and is not called after finish
// returns.
func (p *prefetch) setHook(h func(stream, i int, b blob, added bool)) {
	p.mu.Lock()
	early := p.early
	p.early, p.hook = nil, h
	p.mu.Unlock()
	for _, a := range early {
		h(a.stream, a.i, a.b, a.added)
	}
}

// finish asks for nothing more, waits for every blob asked and the
// processes' exit, and returns the first error.
func (p *prefetch) finish() error {
	var first error
	for _, s := range p.streams {
		if err := s.finish(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// got returns the i-th blob stream s read; false when it was not read (a
// prefetch that failed).
func (p *prefetch) got(s, i int) (blob, bool) {
	st := p.streams[s]
	st.mu.Lock()
	defer st.mu.Unlock()
	if i >= len(st.got) {
		return blob{}, false
	}
	return st.got[i], true
}

// abort stops a prefetch whose read is given up; after finish, or on nil,
// it does nothing.
func (p *prefetch) abort() {
	if p == nil {
		return
	}
	for _, s := range p.streams {
		s.abort()
	}
}

// catStream is one buffered git cat-file --batch asked for blobs one at a
// time while it reads: a writer goroutine hands git what was asked (not
// under mu: git may be waiting for its output to be read), a reader
// goroutine reads the answers in the same order.
type catStream struct {
	mu      sync.Mutex
	cond    *sync.Cond
	asked   []string // in order
	shared  []bool   // asked[i] is shared (prefetch.ask)
	written int      // how many of asked the writer took
	kicked  bool     // hand git what is asked
	closing bool
	got     []blob // answers, in asked's order
	err     error  // the first error of the process, the writer or the reader
	done    chan struct{}
	onBlob  func(i int, oid string, b blob, shared bool)
	cf      *catFile // once taken
}

// errAborted is a stream's error once abort is called.
var errAborted = errors.New("git cat-file: read given up")

// startStream takes a process from cats (from a goroutine: ask does not
// wait for its start) and starts its writer and reader.
func startStream(ctx context.Context, dir string, cats *catPool, onBlob func(int, string, blob, bool)) *catStream {
	s := &catStream{done: make(chan struct{}), onBlob: onBlob}
	s.cond = sync.NewCond(&s.mu)
	go func() {
		defer close(s.done)
		cf, err := cats.take(ctx, dir)
		if err != nil {
			s.fail(err)
			return
		}
		s.mu.Lock()
		s.cf = cf
		aborted := s.err != nil
		s.mu.Unlock()
		if aborted {
			cf.kill()
			return
		}
		rdone := make(chan struct{})
		go func() {
			defer close(rdone)
			s.read(cf)
		}()
		s.write(cf)
		<-rdone
		if err := cf.close(); err != nil {
			s.fail(err)
		}
	}()
	return s
}

// ask asks for oid.
func (s *catStream) ask(oid string, shared bool) {
	s.mu.Lock()
	s.asked = append(s.asked, oid)
	s.shared = append(s.shared, shared)
	s.mu.Unlock()
}

// kickIf makes the writer hand git what is asked, when that is n oids or
// more, or git has been given none yet.
func (s *catStream) kickIf(n int) {
	s.mu.Lock()
	waiting := len(s.asked) - s.written
	kick := waiting > 0 && (waiting >= n || s.written == 0) && !s.kicked
	if kick {
		s.kicked = true
	}
	s.mu.Unlock()
	if kick {
		s.cond.Broadcast()
	}
}

// fail records err (the first one) and wakes the writer and the reader.
func (s *catStream) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.cond.Broadcast()
}

// write hands git the oids asked, a batch each time it is kicked, and
// closes its input once finish is called and all are written.
func (s *catStream) write(cf *catFile) {
	w := bufio.NewWriterSize(cf.in, 1<<16)
	for {
		s.mu.Lock()
		for s.err == nil && !s.closing && !(s.kicked && s.written < len(s.asked)) {
			s.cond.Wait()
		}
		batch := s.asked[s.written:]
		s.written, s.kicked = len(s.asked), false
		failed := s.err != nil
		end := failed || s.closing && len(batch) == 0
		s.mu.Unlock()
		if end {
			if !failed {
				if err := cf.in.Close(); err != nil {
					s.fail(err)
				}
			}
			return
		}
		for _, o := range batch {
			w.WriteString(o)
			w.WriteByte('\n')
		}
		if err := w.Flush(); err != nil {
			s.fail(err)
			_ = cf.cmd.Process.Kill() // unblocks the reader
			return
		}
		s.cond.Broadcast() // the reader may read these now
	}
}

// read reads the answers for the oids written, in order, until finish is
// called and all are read, or an error.
func (s *catStream) read(cf *catFile) {
	for i := 0; ; i++ {
		s.mu.Lock()
		for s.err == nil && i >= s.written && !(s.closing && s.written == len(s.asked)) {
			s.cond.Wait()
		}
		if s.err != nil || i >= s.written {
			s.mu.Unlock()
			return
		}
		oid, shared := s.asked[i], s.shared[i]
		s.mu.Unlock()
		b, err := cf.next(oid)
		if err != nil {
			s.fail(err)
			_ = cf.cmd.Process.Kill() // unblocks the writer
			return
		}
		s.mu.Lock()
		s.got = append(s.got, b)
		s.mu.Unlock()
		s.onBlob(i, oid, b, shared)
	}
}

// finish asks for nothing more and waits for the answers and the process.
func (s *catStream) finish() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.cond.Broadcast()
	<-s.done
	return s.err
}

// abort stops the process and its goroutines, for a read given up; after
// finish it does nothing.
func (s *catStream) abort() {
	select {
	case <-s.done:
		return
	default:
	}
	s.fail(errAborted)
	s.mu.Lock()
	if s.cf != nil {
		_ = s.cf.cmd.Process.Kill()
	}
	s.mu.Unlock()
	<-s.done
}

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
// about 20 ms of one core while the other waited). readWanted then takes
// what it fetched (take) and reads the rest itself. The bytes of a blob
// are the blob's, whoever reads them: the files read are the same with or
// without it (TestPrefetchSameFiles).
type prefetch struct {
	streams [2]*catStream

	mu    sync.Mutex
	at    map[string]blobAt // asked, by oid
	next  int               // stream the next ask goes to
	hook  func(oid string, b blob)
	early []arrival // arrived before hook was set
}

// blobAt is where an asked blob is: the stream and its index there.
type blobAt struct{ stream, i int }

type arrival struct {
	oid string
	b   blob
}

// newPrefetch starts a prefetch whose processes come from cats (started
// when cats has none left).
func newPrefetch(ctx context.Context, dir string, cats *catPool) *prefetch {
	p := &prefetch{at: map[string]blobAt{}}
	for i := range p.streams {
		p.streams[i] = startStream(ctx, dir, cats, p.arrived)
	}
	return p
}

// ask asks for oid unless it is asked already.
func (p *prefetch) ask(oid string) {
	p.mu.Lock()
	if _, ok := p.at[oid]; ok {
		p.mu.Unlock()
		return
	}
	s := p.next
	p.next = 1 - p.next
	p.at[oid] = blobAt{s, p.streams[s].ask(oid)}
	p.mu.Unlock()
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

// has reports whether oid was asked for.
func (p *prefetch) has(oid string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.at[oid]
	return ok
}

// arrived is called by a stream's reader with each blob read.
func (p *prefetch) arrived(oid string, b blob) {
	p.mu.Lock()
	h := p.hook
	if h == nil {
		p.early = append(p.early, arrival{oid, b})
	}
	p.mu.Unlock()
	if h != nil {
		h(oid, b)
	}
}

// setHook makes h be told of each blob read, those read already first
// (from this goroutine), each once; h may be called from several
// goroutines, and is not called after finish returns.
func (p *prefetch) setHook(h func(oid string, b blob)) {
	p.mu.Lock()
	early := p.early
	p.early, p.hook = nil, h
	p.mu.Unlock()
	for _, a := range early {
		h(a.oid, a.b)
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

// take returns the blob oid read by a finished prefetch; false when it
// was not asked for, or not read (a prefetch that failed).
func (p *prefetch) take(oid string) (blob, bool) {
	p.mu.Lock()
	a, ok := p.at[oid]
	p.mu.Unlock()
	if !ok {
		return blob{}, false
	}
	s := p.streams[a.stream]
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.i >= len(s.got) {
		return blob{}, false
	}
	return s.got[a.i], true
}

// catStream is one buffered git cat-file --batch asked for blobs one at a
// time while it reads: a writer goroutine hands git what was asked (not
// under mu: git may be waiting for its output to be read), a reader
// goroutine reads the answers in the same order.
type catStream struct {
	mu      sync.Mutex
	cond    *sync.Cond
	asked   []string // in order
	written int      // how many of asked the writer took
	kicked  bool     // flush what is asked
	closing bool
	got     []blob // answers, in asked's order
	err     error  // the first error of the process, the writer or the reader
	done    chan struct{}
	onBlob  func(oid string, b blob)
	cf      *catFile // once taken
}

// errAborted is a stream's error once abort is called.
var errAborted = errors.New("git cat-file: read given up")

// startStream takes a process from cats (from a goroutine: ask does not
// wait for its start) and starts its writer and reader.
func startStream(ctx context.Context, dir string, cats *catPool, onBlob func(string, blob)) *catStream {
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

// ask asks for oid and returns its index.
func (s *catStream) ask(oid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, oid)
	return len(s.asked) - 1
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
		end := s.err != nil || s.closing && len(batch) == 0
		failed := s.err != nil
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
		oid := s.asked[i]
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
		s.onBlob(oid, b)
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

// abort stops the process and its goroutines, for a read given up.
func (s *catStream) abort() {
	s.fail(errAborted)
	s.mu.Lock()
	if s.cf != nil {
		_ = s.cf.cmd.Process.Kill()
	}
	s.mu.Unlock()
	<-s.done
}

// abort stops a prefetch whose read is given up.
func (p *prefetch) abort() {
	for _, s := range p.streams {
		s.abort()
	}
}

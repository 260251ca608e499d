package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/gitrun"
)

// Git is a side read from a commit, without a checkout: its tree is listed
// once with git ls-tree and kept (the manifests, the launch configs and the
// settings files they name all come from that one listing), and the blobs
// are read through git cat-file --batch.
type Git struct {
	Dir  string // the repository's work tree or git dir
	Rev  string // a full commit id
	name string

	mu   sync.Mutex
	full *listing // the whole tree, once listed
	// cats, if not nil, holds git cat-file processes started ahead for
	// the bulk read (readPairs's).
	cats *catPool
}

// Name implements Side.
func (g *Git) Name() string { return g.name }

// listing is a listed tree: its blobs and gitlinks, in git's order (by path),
// and the blobs by path once a symbolic link has to be followed. A listing
// derived from another (derive) has it as from, and at[i] is the index in
// from.ents of ents[i] (-1: not there); at nil means the same entries.
type listing struct {
	ents   []treeEntry
	byPath map[string]treeEntry
	from   *listing
	at     []int32
}

// treeEntry is one blob or gitlink (typ "commit") of a tree.
type treeEntry struct {
	mode, typ, oid, path string
	size                 int64 // known once the blob is read
}

// Read implements Side.
func (g *Git) Read(ctx context.Context, m *Matcher) ([]File, error) {
	fs, err := ReadGit(ctx, m, g)
	if err != nil {
		return nil, err
	}
	return fs[0], nil
}

// wanted is a file waiting for the blob oid, for the request of index req
// (-1: reached through a symbolic link).
type wanted struct {
	oid string
	f   *File
	req int
}

// link is a file that is a symbolic link, e the entry it has reached in
// the tree of g.
type link struct {
	f *File
	e treeEntry
	g *Git
	// dir is set for a linked directory a pattern reaches (pick): only
	// its target is read, into f.Link.
	dir bool
	// rest is, when e is a directory link on the way of the chain, the
	// path below it that the chain goes on to.
	rest string
}

// ReadGit reads several revisions of one repository, reading each distinct
// blob once: between a base and a head commit most manifests are the same
// object. Symbolic links are resolved in one git cat-file process, one
// round of reads a hop for all links at once (2,000 links used to start a
// process a hop each); the other blobs are read in bulk (readBulk).
func ReadGit(ctx context.Context, m *Matcher, sides ...*Git) ([][]File, error) {
	// List the sides at once: each is a git process of its own.
	trees := make([]*listing, len(sides))
	errs := make([]error, len(sides))
	var wg sync.WaitGroup
	for i, g := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trees[i], errs[i] = g.tree(ctx)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	reqs := make([]request, len(sides))
	for i, g := range sides {
		reqs[i] = request{g: g, t: trees[i], m: m}
	}
	return readTrees(ctx, reqs, nil)
}

// request asks for the files m selects in t, the listed tree of g.
type request struct {
	g *Git
	t *listing
	m *Matcher
}

// readPath reads the file at the slash-separated path p of g, selected by
// m (a literal pattern of p), listing only what is at p unless the tree is
// listed already or p is a symbolic link.
func (g *Git) readPath(ctx context.Context, m *Matcher, p string) ([]File, error) {
	g.mu.Lock()
	t := g.full
	g.mu.Unlock()
	if t == nil {
		var err error
		if t, err = g.list(ctx, p); err != nil {
			return nil, err
		}
	}
	fs, err := readTrees(ctx, []request{{g: g, t: t, m: m}}, nil)
	if err != nil {
		return nil, err
	}
	return fs[0], nil
}

// readTrees reads the files each request asks for, out[i] those of
// reqs[i], all of one repository: each distinct blob is read once, through
// the same git cat-file processes, whichever requests want it. shared, if
// not nil, is handed each blob that both reqs[0] and reqs[1] want as soon
// as it is read (see readWanted).
func readTrees(ctx context.Context, reqs []request, shared func(oid string, data []byte)) ([][]File, error) {
	out := make([][]File, len(reqs))
	picks := make([][]int, len(reqs))
	n := 0
	sel := selector{}
	for i, r := range reqs {
		out[i], picks[i] = r.t.picked(r.m, sel.of(r.t, r.m))
		n += len(picks[i])
	}
	want := make([]wanted, 0, n)
	var links []link
	for i, r := range reqs {
		files := out[i]
		for j := len(picks[i]); j < len(files); j++ {
			if k, ok := files[j].Err.(*dirLinkErr); ok {
				links = append(links, link{f: &files[j], e: r.t.ents[k.ent], g: r.g, dir: true})
			}
		}
		for j, k := range picks[i] {
			f, e := &files[j], r.t.ents[k]
			switch {
			case e.mode == "120000":
				links = append(links, link{f: f, e: e, g: r.g})
			case readable(e) != nil:
				f.Err = readable(e)
			default:
				want = append(want, wanted{e.oid, f, i})
			}
		}
	}
	var err error
	if want, err = resolveLinks(ctx, reqs[0].g.Dir, links, want); err != nil {
		return nil, err
	}
	if err := readWanted(ctx, reqs[0].g.Dir, reqs[0].g.cats, want, shared); err != nil {
		return nil, err
	}
	// Read's order: the errors of gitlinks and linked directories came last.
	// Without them the files are in the listing's order, sorted already:
	// sorting 10,000 sorted files again was 1.6% of BenchmarkDiffGit10000.
	byPath := func(a, b File) int { return strings.Compare(a.Path, b.Path) }
	for _, fs := range out {
		if !slices.IsSortedFunc(fs, byPath) {
			slices.SortStableFunc(fs, byPath)
		}
	}
	return out, nil
}

// resolveLinks follows links, a round of reads a hop, and returns want with
// the files whose links end at a regular file added. Following links is a
// conversation (a target read tells which entry to read next): one git
// cat-file process answers every round.
func resolveLinks(ctx context.Context, dir string, links []link, want []wanted) ([]wanted, error) {
	if len(links) == 0 {
		return want, nil
	}
	cf, err := startCatFile(ctx, dir, false)
	if err != nil {
		return nil, err
	}
	defer cf.kill()
	for hop := 0; len(links) > 0; hop++ {
		oids := make([]string, 0, len(links))
		for _, l := range links {
			oids = append(oids, l.e.oid)
		}
		slices.Sort(oids)
		oids = slices.Compact(oids)
		blobs := make([]blob, len(oids))
		if err := cf.read(oids, blobs, false); err != nil {
			return nil, err
		}
		next := links[:0]
		for _, l := range links {
			i, _ := slices.BinarySearch(oids, l.e.oid)
			l.e.size = blobs[i].size
			l.f.Link = addTarget(l.f.Link, blobs[i].data)
			if l.dir {
				continue
			}
			all, err := l.g.index(ctx)
			if err != nil {
				return nil, err
			}
			t, rest, more, err := resolveHop(l.e, l.rest, blobs[i].data, all, hop)
			switch {
			case err != nil:
				l.f.Err = err
			case more:
				l.e, l.rest = t, rest
				next = append(next, l)
			case readable(t) != nil:
				l.f.Err = readable(t)
			default:
				l.f.Link = nil
				want = append(want, wanted{t.oid, l.f, -1})
			}
		}
		links = next
	}
	return want, cf.close()
}

// readWanted reads each distinct blob of want once and hands it to the
// files waiting for it. A blob wanted by both request 0 and request 1 (the
// base's and the head's manifests) is also handed to shared, if not nil,
// from the reading goroutine as soon as it is read and before readWanted
// returns: diff.Prechecks then checks it while the other blobs are read.
func readWanted(ctx context.Context, dir string, cats *catPool, want []wanted, shared func(oid string, data []byte)) error {
	if len(want) == 0 {
		return nil
	}
	// Most blobs are wanted by the base and the head alike: the largest
	// request is a better guess of how many are distinct than all of
	// them (a map made for twice as many was 1.5 ms of a 10,000-manifest
	// read).
	perReq := map[int]int{}
	for _, w := range want {
		perReq[w.req]++
	}
	hint := len(want) / 16
	for _, n := range perReq {
		hint = max(hint, n+len(want)/16)
	}
	hint = min(hint, len(want))
	at := make(map[string]int, hint)
	oids := make([]string, 0, hint)
	slot := make([]int, len(want))
	var reqs []uint8 // bit r set: wanted by request r (0 or 1)
	if shared != nil {
		reqs = make([]uint8, 0, len(want))
	}
	for i, w := range want {
		k, ok := at[w.oid]
		if !ok {
			k = len(oids)
			at[w.oid] = k
			oids = append(oids, w.oid)
			if shared != nil {
				reqs = append(reqs, 0)
			}
		}
		slot[i] = k
		if shared != nil && (w.req == 0 || w.req == 1) {
			reqs[k] |= 1 << w.req
		}
	}
	var early func(int, blob)
	if shared != nil {
		early = func(k int, b blob) {
			if reqs[k] == 3 && b.size <= MaxFileBytes {
				shared(oids[k], b.data)
			}
		}
	}
	blobs, err := readBulk(ctx, dir, cats, oids, early)
	if err != nil {
		return err
	}
	for i, w := range want {
		w.f.Blob = w.oid
		if b := blobs[slot[i]]; b.size > MaxFileBytes {
			w.f.Err = fmt.Errorf("file is %d bytes, over the %d-byte limit; not read", b.size, MaxFileBytes)
		} else {
			w.f.Data = b.data
		}
	}
	return nil
}

// splitBlobs is the number of distinct blobs from which readBulk reads
// through two git cat-file processes, half the blobs each: git then uses
// two cores.
const splitBlobs = 512

// readBulk reads oids, in order, through git cat-file --batch --buffer
// processes given all their requests at once, their input then closed: git
// flushes its output when its buffer fills, not after every object (10,000
// small blobs were 10,000 wake-ups of git and of the reader). That holds
// for trees and commits; a blob git 2.39 still writes on its own (the
// header flushed, then the content streamed): strace counts 4,400 writes
// for BenchmarkDiffGit2000's 2,200 blobs, about half of git's CPU in the
// read, and about a read of ours each. Two processes (splitBlobs) are
// still faster than one: 8.5% less wall time and 3.6 ms less CPU for the
// whole 2,000-manifest diff, alternating 40 rounds (2026-12-07, load 2.7).
// early, if not nil, is called with each blob's index as soon as it is read.
// The processes come from cats when it has them (nil: none).
func readBulk(ctx context.Context, dir string, cats *catPool, oids []string, early func(int, blob)) ([]blob, error) {
	parts := 1
	if len(oids) >= splitBlobs {
		parts = 2
	}
	out := make([]blob, len(oids))
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := len(oids)*p/parts, len(oids)*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			var each func(int, blob)
			if early != nil {
				each = func(i int, b blob) { early(lo+i, b) }
			}
			errs[p] = readBatch(ctx, dir, cats, oids[lo:hi], out[lo:hi], each)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readBatch reads oids into out through one buffered git cat-file,
// calling each (if not nil) with a blob's index as soon as it is read.
func readBatch(ctx context.Context, dir string, cats *catPool, oids []string, out []blob, each func(int, blob)) error {
	cf, err := cats.take(ctx, dir)
	if err != nil {
		return err
	}
	cf.each = each
	defer cf.kill()
	if err := cf.read(oids, out, true); err != nil {
		return err
	}
	return cf.close()
}

// tree returns the whole tree of g, listing it the first time.
func (g *Git) tree(ctx context.Context) (*listing, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.full == nil {
		t, err := g.list(ctx, "")
		if err != nil {
			return nil, err
		}
		g.full = t
	}
	return g.full, nil
}

// index returns the blobs of the whole tree of g by path.
func (g *Git) index(ctx context.Context) (map[string]treeEntry, error) {
	t, err := g.tree(ctx)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.byPath == nil {
		t.byPath = make(map[string]treeEntry, len(t.ents))
		for _, e := range t.ents {
			if e.typ == "blob" {
				t.byPath[e.path] = e
			}
		}
	}
	return t.byPath, nil
}

// list lists the tree of g: all of it when p is "", else only the path p
// (a literal, never a pattern) and what is under it.
func (g *Git) list(ctx context.Context, p string) (*listing, error) {
	return listed(g.startList(ctx, p))
}

// startList starts the git ls-tree of list; listed waits for it.
func (g *Git) startList(ctx context.Context, p string) *gitrun.Running {
	// Without -l: sizes would cost git a look at every object, and
	// cat-file tells the size of each blob it reads.
	args := []string{"ls-tree", "-r", "-z", "--full-tree", g.Rev}
	if p != "" {
		args = append(args, "--", ":(literal)"+p)
	}
	return gitrun.Repo{Dir: g.Dir}.Start(ctx, nil, args...)
}

// listed is the listing that ls, a startList, gives.
func listed(ls *gitrun.Running) (*listing, error) {
	out, err := ls.Wait()
	if err != nil {
		return nil, err
	}
	return parseTree(out), nil
}

// parseTree parses a "git ls-tree -r -z" listing. The entries' strings
// share one copy of it: no allocation per entry.
func parseTree(raw []byte) *listing {
	s := string(raw)
	t := &listing{ents: make([]treeEntry, 0, strings.Count(s, "\x00"))}
	for len(s) > 0 {
		rec := s
		if i := strings.IndexByte(s, 0); i >= 0 {
			rec, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		// "<mode> SP <type> SP <oid> TAB <path>"
		meta, p, ok := strings.Cut(rec, "\t")
		mode, rest, ok1 := strings.Cut(meta, " ")
		typ, oid, ok2 := strings.Cut(rest, " ")
		if ok && ok1 && ok2 && (typ == "blob" || typ == "commit") {
			t.ents = append(t.ents, treeEntry{mode: mode, typ: typ, oid: oid, path: p})
		}
	}
	return t
}

// pick returns the files of t that m selects, and the indexes of their
// entries in t.ents, in the same order; gitlinks where a manifest is or
// could be come after, as errors.
func (t *listing) pick(m *Matcher) ([]File, []int) {
	return t.picked(m, t.selections(m, nil))
}

// What pick makes of an entry (selection).
const (
	selNone uint8 = iota
	selFile       // a file m selects
	selErr        // a gitlink where a manifest is or could be, or a linked directory: an error
)

// selections is what pick makes of each entry of t by m. from, if not nil,
// is that of t.from, the listing t was derived from (derive): the entries
// t shares with it are not matched again. Picking the five requests of
// BenchmarkDiffGit10000 (manifests and launch configs of each side, the
// lock) took 3.7-7.2 ms, 2.5-5.3 with the base's shared entries not
// matched (15 alternating rounds at a load of 5-7, 2026-12-07); guarded by
// TestReadPairDerives.
func (t *listing) selections(m *Matcher, from []uint8) []uint8 {
	if from != nil && t.at == nil {
		return from // the same entries
	}
	sel := make([]uint8, len(t.ents))
	for i := range t.ents {
		if from != nil && t.at[i] >= 0 {
			sel[i] = from[t.at[i]]
			continue
		}
		e := &t.ents[i]
		switch {
		case e.typ == "commit" && m.MayHold(e.path):
			// A submodule where a manifest is, or could be: its content
			// is not in this repository, so it cannot be judged. Fail
			// closed.
			sel[i] = selErr
		case e.typ == "blob" && m.Match(e.path):
			sel[i] = selFile
		case e.mode == "120000" && m.linkedDir(e.path) != "":
			// A linked directory a client reads its config through.
			sel[i] = selErr
		}
	}
	return sel
}

// picked is pick for the selections sel of t by m.
func (t *listing) picked(m *Matcher, sel []uint8) ([]File, []int) {
	var picked, gitlinks []int
	for i, s := range sel {
		switch s {
		case selFile:
			picked = append(picked, i)
		case selErr:
			gitlinks = append(gitlinks, i)
		}
	}
	files := make([]File, len(picked)+len(gitlinks))
	for j, i := range picked {
		files[j].Path = t.ents[i].path
	}
	for j, i := range gitlinks {
		f := File{Path: t.ents[i].path, Err: fmt.Errorf("a git submodule (gitlink) is at a manifest path; its manifests cannot be read from this repository")}
		if t.ents[i].typ == "blob" {
			f = File{Path: m.linkedDir(f.Path), Err: &dirLinkErr{linkedDirErr(f.Path), i}}
		}
		files[len(picked)+j] = f
	}
	return files, picked
}

// selKey names the selections of one listing by one matcher.
type selKey struct {
	t *listing
	m *Matcher
}

// selector computes selections once for each listing and matcher, a
// derived listing's from its source's.
type selector map[selKey][]uint8

func (s selector) of(t *listing, m *Matcher) []uint8 {
	k := selKey{t, m}
	if sel, ok := s[k]; ok {
		return sel
	}
	var from []uint8
	if t.from != nil {
		from = s.of(t.from, m)
	}
	sel := t.selections(m, from)
	s[k] = sel
	return sel
}

// dirLinkErr is linkedDirErr for the link at entry ent of a listing,
// whose target readTrees reads into the file's Link.
type dirLinkErr struct {
	linkErr
	ent int
}

// addTarget appends to chain, a File's Link, a link's target as stored,
// unless chain holds diff.MaxLinkHops already; a target is cut at 4096
// bytes (PATH_MAX: longer is not followed either).
func addTarget(chain []string, target []byte) []string {
	if len(chain) >= diff.MaxLinkHops {
		return chain
	}
	return append(chain, string(target[:min(len(target), 4096)]))
}

// readable says why the blob of e is not read as a manifest, or nil. Its
// size is checked when it is read (readWanted).
func readable(e treeEntry) error {
	if e.mode != "100644" && e.mode != "100755" {
		return fmt.Errorf("not a regular file; not read")
	}
	return nil
}

// resolveHop follows link e, whose blob (its target) is target, one hop:
// to a regular file inside the tree, or (more) to another link, which is
// a directory link on the way with rest the path below it (the client
// follows it: d/srt.json's d, retargeted to /etc, was unseen).
func resolveHop(e treeEntry, rest string, target []byte, all map[string]treeEntry, hop int) (t treeEntry, tail string, more bool, err error) {
	if hop >= diff.MaxLinkHops {
		return e, "", false, linkErr("too many levels of symbolic links; not read")
	}
	if e.size > 4096 {
		return e, "", false, linkErr("symbolic link target too long; not read")
	}
	p, ok := cleanJoin(e.path, string(target))
	if !ok {
		return e, "", false, linkErr("symbolic link points outside the repository; not read")
	}
	if rest != "" {
		p = path.Join(p, rest)
	}
	if t, ok = all[p]; ok {
		return t, "", t.mode == "120000", nil
	}
	if d, tail, ok := linkedPrefix(p, func(q string) bool { return all[q].mode == "120000" }); ok {
		return all[d], tail, true, nil
	}
	return e, "", false, linkErr("symbolic link target is not a file in the tree; not read")
}

// linkedPrefix finds the outermost directory of p (a clean relative path)
// that isLink says is a symbolic link: that directory, and the path below
// it.
func linkedPrefix(p string, isLink func(string) bool) (dir, rest string, ok bool) {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && isLink(p[:i]) {
			return p[:i], p[i+1:], true
		}
	}
	return "", "", false
}

// catFile is one running git cat-file --batch: objects are asked for in
// rounds, a round's answers read while its requests are written.
type catFile struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	done   bool
	arena  []byte          // where the next blobs' bytes go
	each   func(int, blob) // if not nil, told of each blob read (read's index)
	// command is set for git cat-file --batch-command, which is asked
	// "contents <oid>" where --batch is asked "<oid>" (resolveOn).
	command bool
}

// startCatFile starts git cat-file --batch in dir; buffered, with --buffer:
// then only input that ends makes git flush what it holds (read's last).
func startCatFile(ctx context.Context, dir string, buffered bool) (*catFile, error) {
	args := []string{"cat-file", "--batch"}
	if buffered {
		args = append(args, "--buffer")
	}
	return startCat(ctx, dir, args...)
}

// startCat starts git with args, a git cat-file batch mode, in dir.
func startCat(ctx context.Context, dir string, args ...string) (*catFile, error) {
	c := &catFile{cmd: gitrun.Repo{Dir: dir}.Command(ctx, args...)}
	c.cmd.Stderr = &c.stderr
	var err error
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.out = bufio.NewReaderSize(stdout, 1<<16)
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return c, nil
}

// blob is one object read by catFile: its size, and its bytes unless it is
// over MaxFileBytes (then they were read past, not kept).
type blob struct {
	data []byte
	size int64
}

// read asks for oids and reads their contents into out, in the same
// order. With last, the input is closed once the requests are written.
func (c *catFile) read(oids []string, out []blob, last bool) error {
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(c.in, 1<<16)
		for _, o := range oids {
			if c.command {
				w.WriteString("contents ")
			}
			w.WriteString(o)
			w.WriteByte('\n')
		}
		err := w.Flush()
		if last && err == nil {
			err = c.in.Close()
		}
		werr <- err
	}()
	var readErr error
	for i, oid := range oids {
		if out[i], readErr = c.next(oid); readErr != nil {
			break
		}
		if c.each != nil {
			c.each(i, out[i])
		}
	}
	if readErr != nil {
		c.kill() // unblocks the writer
		<-werr
		return readErr
	}
	if err := <-werr; err != nil {
		c.kill()
		return fmt.Errorf("git cat-file: %w", err)
	}
	return nil
}

// ask writes req to the process and reads n lines of its answer, without
// their newlines.
func (c *catFile) ask(req string, n int) ([]string, error) {
	if _, err := io.WriteString(c.in, req); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	lines := make([]string, n)
	for i := range lines {
		l, err := c.out.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		lines[i] = strings.TrimSuffix(l, "\n")
	}
	return lines, nil
}

// next reads the answer for oid: "<oid> SP <type> SP <size> LF <content>
// LF", or "<oid> SP missing LF".
func (c *catFile) next(oid string) (blob, error) {
	hdr, err := c.out.ReadSlice('\n')
	if err != nil {
		return blob{}, fmt.Errorf("git cat-file: %w", err)
	}
	id, rest, _ := bytes.Cut(hdr[:len(hdr)-1], []byte{' '})
	if string(rest) == "missing" {
		return blob{}, fmt.Errorf("git cat-file: object %s missing", id)
	}
	_, size, ok := bytes.Cut(rest, []byte{' '})
	if !ok || string(id) != oid {
		return blob{}, fmt.Errorf("git cat-file: unexpected header %q", hdr)
	}
	n, ok := parseSize(size)
	if !ok {
		return blob{}, fmt.Errorf("git cat-file: bad size in %q", hdr)
	}
	b := blob{size: n}
	if n > MaxFileBytes {
		// Too large to be judged: read past it, keep nothing.
		if _, err := io.CopyN(io.Discard, c.out, n); err != nil {
			return blob{}, fmt.Errorf("git cat-file: %w", err)
		}
	} else {
		b.data = c.alloc(int(n))
		if _, err := io.ReadFull(c.out, b.data); err != nil {
			return blob{}, fmt.Errorf("git cat-file: %w", err)
		}
	}
	if lf, err := c.out.ReadByte(); err != nil || lf != '\n' {
		return blob{}, fmt.Errorf("git cat-file: object %s not followed by a newline", oid)
	}
	return b, nil
}

// parseSize parses a header's decimal size.
func parseSize(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}

// alloc returns n bytes for a blob: small blobs share larger allocations,
// each capped at its own length (one allocation per blob was most of the
// garbage of a 10,000-manifest read).
func (c *catFile) alloc(n int) []byte {
	const chunk = 256 << 10
	if n > chunk/8 {
		return make([]byte, n)
	}
	if len(c.arena) < n {
		c.arena = make([]byte, chunk)
	}
	b := c.arena[:n:n]
	c.arena = c.arena[n:]
	return b
}

// kill stops the process if it still runs.
func (c *catFile) kill() {
	if !c.done {
		c.done = true
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	}
}

// close ends the process and reports how it ended.
func (c *catFile) close() error {
	if c.done {
		return nil
	}
	c.done = true
	_ = c.in.Close()
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file: %w: %s", err, strings.TrimSpace(c.stderr.String()))
	}
	return nil
}

// catPool holds buffered git cat-file processes started ahead of the bulk
// read of two commits, while git lists the head's tree and diffs the
// commits: they then wait on their input, and the read does not wait for
// their start (a fork and exec, then git's own, about 1.5 ms a process
// on BenchmarkDiffGit2000's machine, after the listing). One may be the
// process that resolved the commits (put; resolveOn).
type catPool struct {
	mu     sync.Mutex
	ready  chan started
	n      int // processes started and not taken
	closed bool
}

type started struct {
	cf  *catFile
	err error
}

// newCatPool returns a pool for at most n processes, none started.
func newCatPool(n int) *catPool {
	return &catPool{ready: make(chan started, n)}
}

// start starts n more buffered git cat-file processes in dir (at most the
// pool's room), each from its own goroutine.
func (p *catPool) start(ctx context.Context, dir string, n int) {
	p.mu.Lock()
	n = min(n, cap(p.ready)-p.n)
	if p.closed || n <= 0 {
		p.mu.Unlock()
		return
	}
	p.n += n
	p.mu.Unlock()
	for range n {
		go func() {
			cf, err := startCatFile(ctx, dir, true)
			p.ready <- started{cf, err}
		}()
	}
}

// put adds cf, a buffered process started already, to the pool; it is
// killed if the pool is closed or full.
func (p *catPool) put(cf *catFile) {
	p.mu.Lock()
	ok := !p.closed && p.n < cap(p.ready)
	if ok {
		p.n++
		p.ready <- started{cf: cf}
	}
	p.mu.Unlock()
	if !ok {
		cf.kill()
	}
}

// take returns a process started ahead, or starts one when none is left
// (or p is nil, or closed).
func (p *catPool) take(ctx context.Context, dir string) (*catFile, error) {
	if p != nil {
		p.mu.Lock()
		ok := !p.closed && p.n > 0
		if ok {
			p.n--
		}
		p.mu.Unlock()
		if ok {
			s := <-p.ready
			return s.cf, s.err
		}
	}
	return startCatFile(ctx, dir, true)
}

// close kills the processes not taken and waits for them; take then starts
// new ones.
func (p *catPool) close() {
	p.mu.Lock()
	n := p.n
	p.n, p.closed = 0, true
	p.mu.Unlock()
	for range n {
		if s := <-p.ready; s.err == nil {
			s.cf.kill()
		}
	}
}

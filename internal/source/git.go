package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// Git is a side read from a commit, without a checkout: the tree is listed
// with git ls-tree and the blobs are read through one git cat-file --batch
// process.
type Git struct {
	Dir  string // the repository's work tree or git dir
	Rev  string // a full commit id
	name string
}

// Name implements Side.
func (g *Git) Name() string { return g.name }

type treeEntry struct {
	mode, oid, path string
	size            int64
}

// Read implements Side.
func (g *Git) Read(ctx context.Context, m *Matcher) ([]File, error) {
	fs, err := ReadGit(ctx, m, g)
	if err != nil {
		return nil, err
	}
	return fs[0], nil
}

// ReadGit reads several revisions of one repository with a single git
// cat-file process, reading each distinct blob once: between a base and a
// head commit most manifests are the same object. Symbolic links are
// resolved in the same process, one round of reads a hop for all links at
// once (2,000 links used to start a process a hop each).
func ReadGit(ctx context.Context, m *Matcher, sides ...*Git) ([][]File, error) {
	out := make([][]File, len(sides))
	need := map[string][]*File{}
	var order []string
	want := func(oid string, f *File) {
		if _, ok := need[oid]; !ok {
			order = append(order, oid)
		}
		need[oid] = append(need[oid], f)
	}
	type link struct {
		f   *File
		e   treeEntry
		all map[string]treeEntry
	}
	var links []link
	for si, g := range sides {
		files, pending, ls, all, err := g.list(ctx, m)
		if err != nil {
			return nil, err
		}
		out[si] = files
		for _, oid := range sortedKeys(pending) {
			for _, i := range pending[oid] {
				want(oid, &out[si][i])
			}
		}
		for _, l := range ls {
			links = append(links, link{f: &out[si][l.i], e: l.e, all: all})
		}
	}
	if len(order) == 0 && len(links) == 0 {
		return out, nil
	}
	cf, err := startCatFile(ctx, sides[0].Dir)
	if err != nil {
		return nil, err
	}
	defer cf.kill()
	for hop := 0; len(links) > 0; hop++ {
		var oids []string
		seen := map[string]bool{}
		for _, l := range links {
			if !seen[l.e.oid] {
				seen[l.e.oid] = true
				oids = append(oids, l.e.oid)
			}
		}
		sort.Strings(oids)
		targets, err := cf.read(oids)
		if err != nil {
			return nil, err
		}
		next := links[:0]
		for _, l := range links {
			t, more, err := resolveHop(l.e, targets[l.e.oid], l.all, hop)
			switch {
			case err != nil:
				l.f.Err = err
			case more:
				l.e = t
				next = append(next, l)
			default:
				if err := readable(t); err != nil {
					l.f.Err = err
				} else {
					want(t.oid, l.f)
				}
			}
		}
		links = next
	}
	if len(order) > 0 {
		sort.Strings(order)
		blobs, err := cf.read(order)
		if err != nil {
			return nil, err
		}
		for oid, fs := range need {
			for _, f := range fs {
				f.Data = blobs[oid]
			}
		}
	}
	if err := cf.close(); err != nil {
		return nil, err
	}
	return out, nil
}

func sortedKeys(m map[string][]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

type linkAt struct {
	i int
	e treeEntry
}

// list lists the matching files of g; pending maps each blob still to be
// read to the indexes of the files that hold it, and links lists the files
// that are symbolic links, still to be resolved in all.
func (g *Git) list(ctx context.Context, m *Matcher) (files []File, pending map[string][]int, links []linkAt, all map[string]treeEntry, err error) {
	out, err := git(ctx, g.Dir, nil, "ls-tree", "-r", "-l", "-z", "--full-tree", g.Rev)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	all = map[string]treeEntry{}
	var picked []treeEntry
	var gitlinks []string
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		// "<mode> SP <type> SP <oid> SP+ <size> TAB <path>"
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		f := strings.Fields(string(meta))
		if len(f) == 4 && f[1] == "commit" && m.MayHold(string(p)) {
			// A submodule where a manifest is, or could be: its content is
			// not in this repository, so it cannot be judged. Fail closed.
			gitlinks = append(gitlinks, string(p))
			continue
		}
		if len(f) != 4 || f[1] != "blob" {
			continue
		}
		size, _ := strconv.ParseInt(f[3], 10, 64)
		e := treeEntry{mode: f[0], oid: f[2], path: string(p), size: size}
		all[e.path] = e
		if m.Match(e.path) {
			picked = append(picked, e)
		}
	}
	files = make([]File, len(picked), len(picked)+len(gitlinks))
	for _, p := range gitlinks {
		files = append(files, File{Path: p, Err: fmt.Errorf("a git submodule (gitlink) is at a manifest path; its manifests cannot be read from this repository")})
	}
	pending = map[string][]int{}
	for i, e := range picked {
		files[i].Path = e.path
		if e.mode == "120000" {
			links = append(links, linkAt{i, e})
			continue
		}
		if err := readable(e); err != nil {
			files[i].Err = err
			continue
		}
		pending[e.oid] = append(pending[e.oid], i)
	}
	return files, pending, links, all, nil
}

// readable says why the blob of e is not read as a manifest, or nil.
func readable(e treeEntry) error {
	if e.mode != "100644" && e.mode != "100755" {
		return fmt.Errorf("not a regular file; not read")
	}
	if e.size > MaxFileBytes {
		return fmt.Errorf("file is %d bytes, over the %d-byte limit; not read", e.size, MaxFileBytes)
	}
	return nil
}

// resolveHop follows link e, whose blob (its target) is target, one hop:
// to a regular file inside the tree, or (more) to another link.
func resolveHop(e treeEntry, target []byte, all map[string]treeEntry, hop int) (t treeEntry, more bool, err error) {
	if hop >= 8 {
		return e, false, fmt.Errorf("too many levels of symbolic links; not read")
	}
	if e.size > 4096 {
		return e, false, fmt.Errorf("symbolic link target too long; not read")
	}
	p, ok := cleanJoin(e.path, string(target))
	if !ok {
		return e, false, fmt.Errorf("symbolic link points outside the repository; not read")
	}
	t, ok = all[p]
	if !ok {
		return e, false, fmt.Errorf("symbolic link target is not a file in the tree; not read")
	}
	return t, t.mode == "120000", nil
}

// catFile is one running git cat-file --batch: objects are asked for in
// rounds, a round's answers read while its requests are written.
type catFile struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	done   bool
}

func startCatFile(ctx context.Context, dir string) (*catFile, error) {
	c := &catFile{cmd: exec.CommandContext(ctx, "git", "cat-file", "--batch")}
	c.cmd.Dir = dir
	c.cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
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

// read asks for oids and returns their contents.
func (c *catFile) read(oids []string) (map[string][]byte, error) {
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(c.in, 1<<16)
		for _, o := range oids {
			w.WriteString(o)
			w.WriteByte('\n')
		}
		werr <- w.Flush()
	}()
	out := make(map[string][]byte, len(oids))
	var readErr error
	for range oids {
		hdr, err := c.out.ReadString('\n')
		if err != nil {
			readErr = fmt.Errorf("git cat-file: %w", err)
			break
		}
		f := strings.Fields(hdr)
		if len(f) == 2 && f[1] == "missing" {
			readErr = fmt.Errorf("git cat-file: object %s missing", f[0])
			break
		}
		if len(f) != 3 {
			readErr = fmt.Errorf("git cat-file: unexpected header %q", hdr)
			break
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || n < 0 {
			readErr = fmt.Errorf("git cat-file: bad size in %q", hdr)
			break
		}
		buf := make([]byte, n+1) // content and the trailing LF
		if _, err := io.ReadFull(c.out, buf); err != nil {
			readErr = fmt.Errorf("git cat-file: %w", err)
			break
		}
		out[f[0]] = buf[:n]
	}
	if readErr != nil {
		c.kill() // unblocks the writer
		<-werr
		return nil, readErr
	}
	if err := <-werr; err != nil {
		c.kill()
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return out, nil
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

// Renames asks git which paths were renamed between two commits, and
// returns new path -> old path.
func Renames(ctx context.Context, dir, base, head string) (map[string]string, error) {
	out, err := git(ctx, dir, nil, "diff", "--no-ext-diff", "--find-renames", "--name-status", "-z", "--end-of-options", base, head, "--")
	if err != nil {
		return nil, err
	}
	fields := strings.Split(string(out), "\x00")
	ren := map[string]string{}
	for i := 0; i < len(fields); {
		st := fields[i]
		if st == "" {
			i++
			continue
		}
		if strings.HasPrefix(st, "R") || strings.HasPrefix(st, "C") {
			if i+2 < len(fields) && st[0] == 'R' {
				ren[fields[i+2]] = fields[i+1]
			}
			i += 3
			continue
		}
		i += 2
	}
	return ren, nil
}

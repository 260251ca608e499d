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
// head commit most manifests are the same object.
func ReadGit(ctx context.Context, m *Matcher, sides ...*Git) ([][]File, error) {
	out := make([][]File, len(sides))
	need := map[string][]*File{}
	var order []string
	for si, g := range sides {
		files, pending, err := g.list(ctx, m)
		if err != nil {
			return nil, err
		}
		out[si] = files
		for oid, idx := range pending {
			if _, ok := need[oid]; !ok {
				order = append(order, oid)
			}
			for _, i := range idx {
				need[oid] = append(need[oid], &out[si][i])
			}
		}
	}
	if len(order) == 0 {
		return out, nil
	}
	sort.Strings(order)
	blobs, err := CatFile(ctx, sides[0].Dir, order)
	if err != nil {
		return nil, err
	}
	for oid, fs := range need {
		for _, f := range fs {
			f.Data = blobs[oid]
		}
	}
	return out, nil
}

// list lists the matching files of g; pending maps each blob still to be
// read to the indexes of the files that hold it.
func (g *Git) list(ctx context.Context, m *Matcher) ([]File, map[string][]int, error) {
	out, err := git(ctx, g.Dir, nil, "ls-tree", "-r", "-l", "-z", "--full-tree", g.Rev)
	if err != nil {
		return nil, nil, err
	}
	all := map[string]treeEntry{}
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
	files := make([]File, len(picked), len(picked)+len(gitlinks))
	for _, p := range gitlinks {
		files = append(files, File{Path: p, Err: fmt.Errorf("a git submodule (gitlink) is at a manifest path; its manifests cannot be read from this repository")})
	}
	idx := map[string][]int{}
	for i, e := range picked {
		files[i].Path = e.path
		if e.mode == "120000" {
			// A symlink: its blob is the target. Follow it only to a
			// regular file inside the tree, at most a few hops.
			t, err := g.resolveLink(ctx, e, all)
			if err != nil {
				files[i].Err = err
				continue
			}
			e = t
		}
		if e.mode != "100644" && e.mode != "100755" {
			files[i].Err = fmt.Errorf("not a regular file; not read")
			continue
		}
		if e.size > MaxFileBytes {
			files[i].Err = fmt.Errorf("file is %d bytes, over the %d-byte limit; not read", e.size, MaxFileBytes)
			continue
		}
		idx[e.oid] = append(idx[e.oid], i)
	}
	return files, idx, nil
}

func (g *Git) resolveLink(ctx context.Context, e treeEntry, all map[string]treeEntry) (treeEntry, error) {
	for hop := 0; hop < 8; hop++ {
		if e.size > 4096 {
			return e, fmt.Errorf("symbolic link target too long; not read")
		}
		b, err := CatFile(ctx, g.Dir, []string{e.oid})
		if err != nil {
			return e, err
		}
		target, ok := cleanJoin(e.path, string(b[e.oid]))
		if !ok {
			return e, fmt.Errorf("symbolic link points outside the repository; not read")
		}
		t, ok := all[target]
		if !ok {
			return e, fmt.Errorf("symbolic link target is not a file in the tree; not read")
		}
		if t.mode != "120000" {
			return t, nil
		}
		e = t
	}
	return e, fmt.Errorf("too many levels of symbolic links; not read")
}

// CatFile reads the given blobs with one git cat-file --batch process.
func CatFile(ctx context.Context, dir string, oids []string) (map[string][]byte, error) {
	cmd := exec.CommandContext(ctx, "git", "cat-file", "--batch")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	var in bytes.Buffer
	for _, o := range oids {
		in.WriteString(o)
		in.WriteByte('\n')
	}
	cmd.Stdin = &in
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	r := bufio.NewReaderSize(stdout, 1<<16)
	out := make(map[string][]byte, len(oids))
	var readErr error
	for range oids {
		hdr, err := r.ReadString('\n')
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
		if _, err := io.ReadFull(r, buf); err != nil {
			readErr = fmt.Errorf("git cat-file: %w", err)
			break
		}
		out[f[0]] = buf[:n]
	}
	if readErr != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, readErr
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Renames asks git which paths were renamed between two commits, and
// returns new path -> old path.
func Renames(ctx context.Context, dir, base, head string) (map[string]string, error) {
	out, err := git(ctx, dir, nil, "diff", "--no-ext-diff", "--find-renames", "--name-status", "-z", base, head)
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

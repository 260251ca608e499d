package source

import (
	"context"
	"crypto/sha1"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/razukc/capgate-action/diff"
)

// Options says which sides ReadSides reads.
type Options struct {
	// Dir is the repository (or the directory relative to which Base and
	// Head name directories); "" means the working directory.
	Dir string
	// Base and Head each name a directory or a git revision (see Open).
	// An empty Base is the Empty side: the head is compared with nothing.
	Base, Head string
	// RevisionsOnly makes Base and Head git revisions, never directories:
	// the action sets it, since a pull request controls the tree and could
	// add a directory named like the base commit.
	RevisionsOnly bool
	// Patterns select manifest paths (see NewMatcher).
	Patterns []string
	// Launch selects launch config paths (doublestar; "!" excludes);
	// empty means launch.DefaultPatterns. NoLaunch reads none.
	Launch   []string
	NoLaunch bool
}

// ReadSides opens and reads both sides for diff.Run: the manifests of each
// (two commits of one repository: the head's tree listed, the base's
// derived from it and git diff-tree, each distinct blob read once), the
// head tree when a base manifest is not at its path on the head (to tell a
// move from a removal), and git's renames when both sides are commits. The caller sets the Input's AllowEmpty and Targets.
func ReadSides(ctx context.Context, opts Options) (*diff.Input, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	m, err := NewMatcher(opts.Patterns)
	if err != nil {
		return nil, err
	}
	base, head, err := openSides(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	bg, ok1 := base.(*Git)
	hg, ok2 := head.(*Git)
	var renames map[string]string
	if ok1 && ok2 && bg.Dir == hg.Dir {
		if renames, err = readPair(ctx, bg, hg); err != nil {
			return nil, fmt.Errorf("reading %s and %s: %w", base.Name(), head.Name(), err)
		}
	}
	in, err := readAll(ctx, base, head, m, opts)
	if err != nil {
		return nil, err
	}
	in.Renames = renames
	if gone(in.BaseFiles, in.HeadFiles) {
		if in.HeadTree, err = headTree(ctx, head, in.BaseFiles); err != nil {
			return nil, fmt.Errorf("listing the head tree to find moved manifests: %w", err)
		}
	}
	return in, nil
}

// openSides opens the base and the head side at once (Open), and reports
// the base's error first.
func openSides(ctx context.Context, dir string, opts Options) (base, head Side, err error) {
	var baseErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		base, baseErr = Open(ctx, dir, opts.Base, opts.RevisionsOnly)
	}()
	head, err = Open(ctx, dir, opts.Head, opts.RevisionsOnly)
	<-done
	if baseErr != nil {
		return nil, nil, fmt.Errorf("base: %w", baseErr)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("head: %w", err)
	}
	return base, head, nil
}

// readAll reads the manifests and the launch configs of both sides.
func readAll(ctx context.Context, base, head Side, m *Matcher, opts Options) (*diff.Input, error) {
	in := &diff.Input{Base: base.Name(), Head: head.Name(), Patterns: m.String()}
	var err error
	in.BaseFiles, in.HeadFiles, err = readSides(ctx, base, head, m)
	if err != nil {
		return nil, err
	}
	if err := readLaunch(ctx, base, head, opts, in); err != nil {
		return nil, fmt.Errorf("launch configs: %w", err)
	}
	return in, nil
}

// readSides reads the files m selects on both sides at once. A commit's
// tree is listed once for all calls on the same side.
func readSides(ctx context.Context, base, head Side, m *Matcher) (bf, hf []File, err error) {
	bg, ok1 := base.(*Git)
	hg, ok2 := head.(*Git)
	if ok1 && ok2 && bg.Dir == hg.Dir {
		fs, err := ReadGit(ctx, m, bg, hg)
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s and %s: %w", base.Name(), head.Name(), err)
		}
		return fs[0], fs[1], nil
	}
	// Read both sides at once: each is mostly waiting on git or the disk.
	var berr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		bf, berr = base.Read(ctx, m)
	}()
	hf, err = head.Read(ctx, m)
	<-done
	if berr != nil {
		return nil, nil, fmt.Errorf("reading base %s: %w", base.Name(), berr)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading head %s: %w", head.Name(), err)
	}
	return bf, hf, nil
}

// gone reports whether a base manifest is not at its path on the head: only
// then may one have moved out of the patterns.
func gone(bf, hf []File) bool {
	at := make(map[string]bool, len(hf))
	for _, f := range hf {
		at[f.Path] = true
	}
	for _, f := range bf {
		if !at[f.Path] {
			return true
		}
	}
	return false
}

// headTree lists every file of the head side. On a commit the listing is
// the one read already; in a directory only the files as large as a base
// manifest are read and given a blob id.
func headTree(ctx context.Context, head Side, bf []File) ([]diff.TreeFile, error) {
	if g, ok := head.(*Git); ok {
		t, err := g.tree(ctx)
		if err != nil {
			return nil, err
		}
		var files []diff.TreeFile
		for _, e := range t.ents {
			if e.typ == "blob" {
				files = append(files, diff.TreeFile{Path: e.path, Blob: e.oid, Regular: e.mode != "120000"})
			}
		}
		return files, nil
	}
	d, ok := head.(*Dir)
	if !ok {
		return nil, nil // Empty
	}
	sizes := map[int64]bool{}
	for _, f := range bf {
		if f.Err == nil {
			sizes[int64(len(f.Data))] = true
		}
	}
	root, err := d.resolvedRoot()
	if err != nil {
		return nil, err
	}
	var tree []diff.TreeFile
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		tf := diff.TreeFile{Path: filepath.ToSlash(rel), Regular: e.Type().IsRegular()}
		if info, err := e.Info(); err == nil && tf.Regular && sizes[info.Size()] {
			if data, err := os.ReadFile(p); err == nil {
				tf.Blob = diff.BlobID(sha1.New(), data)
			}
		}
		tree = append(tree, tf)
		return nil
	})
	return tree, err
}

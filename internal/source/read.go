package source

import (
	"context"
	"crypto/sha1"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/lock"
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
// move from a removal), and git's renames when both sides are commits.
// On two commits the Input's Prechecks are checking the manifests both
// sides hold while the rest is read; diff.Run waits for them, and a caller
// that does not run it calls in.Prechecks.Wait() to stop the workers.
// The caller sets the Input's AllowEmpty and Targets.
func ReadSides(ctx context.Context, opts Options) (*diff.Input, error) {
	in, _, err := ReadSidesLock(ctx, opts, "")
	return in, err
}

// ReadSidesLock is ReadSides that also reads the approval lock at
// lockPath on the head side, as ReadLock does; "" reads none (a nil lock).
// On two commits the lock comes from the head's tree listed for the
// manifests and through the same git cat-file processes, where ReadLock
// resolves the head again and lists it (two more git processes). An error
// reading the sides is reported before one of the lock.
func ReadSidesLock(ctx context.Context, opts Options, lockPath string) (*diff.Input, *lock.File, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	m, err := NewMatcher(opts.Patterns)
	if err != nil {
		return nil, nil, err
	}
	base, head, rc, err := openSides(ctx, dir, opts)
	if err != nil {
		return nil, nil, err
	}
	in, lf, err := readAll(ctx, base, head, m, opts, lockPath, rc)
	if err != nil {
		return nil, nil, err
	}
	if gone(in.BaseFiles, in.HeadFiles) {
		if in.HeadTree, err = headTree(ctx, head, in.BaseFiles); err != nil {
			in.Prechecks.Wait()
			return nil, nil, fmt.Errorf("listing the head tree to find moved manifests: %w", err)
		}
	}
	return in, lf, nil
}

// openSides opens the base and the head side (Open), their commits found
// by one git process when both are given (resolveCommitsOn), and reports
// the base's error first. rc, if not nil, is that process, left running
// for the bulk read of the sides (readAll takes it).
func openSides(ctx context.Context, dir string, opts Options) (base, head Side, rc *catFile, err error) {
	var baseErr error
	if opts.Base == "" || opts.Head == "" {
		base, baseErr = Open(ctx, dir, opts.Base, opts.RevisionsOnly)
		head, err = Open(ctx, dir, opts.Head, opts.RevisionsOnly)
	} else {
		var revs []string
		revs, rc = resolveCommitsOn(ctx, dir, []string{opts.Base, opts.Head})
		base, baseErr = openAs(dir, opts.Base, opts.RevisionsOnly, revs[0])
		head, err = openAs(dir, opts.Head, opts.RevisionsOnly, revs[1])
	}
	if baseErr == nil && err == nil {
		return base, head, rc, nil
	}
	if rc != nil {
		rc.kill()
	}
	if baseErr != nil {
		return nil, nil, nil, fmt.Errorf("base: %w", baseErr)
	}
	return nil, nil, nil, fmt.Errorf("head: %w", err)
}

// readAll reads the manifests and the launch configs of both sides, and
// the lock at lockPath ("" none) of the head. Two commits of one
// repository are read in one round (readPairFiles), the base's tree
// derived from the head's, with git's renames (readPair). rc, if not nil,
// is a buffered git cat-file of the repository already running (the one
// that resolved the commits): one of the bulk read's, else killed.
func readAll(ctx context.Context, base, head Side, m *Matcher, opts Options, lockPath string, rc *catFile) (*diff.Input, *lock.File, error) {
	in := &diff.Input{Base: base.Name(), Head: head.Name(), Patterns: m.String()}
	bg, ok1 := base.(*Git)
	hg, ok2 := head.(*Git)
	pair := ok1 && ok2 && bg.Dir == hg.Dir
	if pair {
		// The bulk read's processes (the resolving one and another) are
		// ready while git lists and diffs, started after those.
		cats := newCatPool(2)
		if rc != nil {
			cats.put(rc)
			rc = nil
		}
		defer cats.close()
		bg.cats, hg.cats = cats, cats
		var err error
		if in.Renames, in.RenamesLimited, err = readPair(ctx, bg, hg, func() { cats.start(ctx, hg.Dir, 2) }); err != nil {
			return nil, nil, fmt.Errorf("reading %s and %s: %w", base.Name(), head.Name(), err)
		}
	}
	if rc != nil {
		rc.kill()
	}
	var lm *Matcher
	if !opts.NoLaunch {
		var err error
		if lm, err = NewLaunchMatcher(opts.Launch); err != nil {
			return nil, nil, fmt.Errorf("launch configs: %w", err)
		}
	}
	p, lockM, lockErr := lockMatcher(lockPath)
	var lockFiles []File
	var err error
	if pair {
		// The unchanged manifests are checked while the others are read.
		in.Prechecks = diff.NewPrechecks()
		lockFiles, err = readPairFiles(ctx, bg, hg, m, lm, lockM, in)
	} else {
		lockFiles, err = readEach(ctx, base, head, m, lm, lockM, in, lockPath)
	}
	if err == nil {
		err = readSettings(ctx, base, head, in)
		if err != nil {
			err = fmt.Errorf("launch configs: %w", err)
		}
	}
	if err == nil {
		err = lockErr
	}
	if err != nil {
		in.Prechecks.Wait()
		return nil, nil, err
	}
	if lockM == nil {
		return in, nil, nil
	}
	lf, err := lockOf(p, lockFiles)
	if err != nil {
		in.Prechecks.Wait()
	}
	return in, lf, err
}

// lockMatcher returns the slash path of lockPath and the matcher that
// selects it; a nil matcher when lockPath is "", and an error (to be
// reported after the sides') when it is not a path inside a side.
func lockMatcher(lockPath string) (string, *Matcher, error) {
	if lockPath == "" {
		return "", nil, nil
	}
	p, err := lockSlashPath(lockPath)
	if err != nil {
		return "", nil, err
	}
	m, err := NewMatcher([]string{LiteralPattern(p)})
	if err != nil {
		return "", nil, fmt.Errorf("--lock %s: %w", lockPath, err)
	}
	return p, m, nil
}

// readPairFiles reads from two commits of one repository, in one round of
// git cat-file, the manifests m selects on each, the launch configs lm
// selects on each (lm nil: none), and the files lockM selects on the head
// (lockM nil: none), which it returns.
func readPairFiles(ctx context.Context, bg, hg *Git, m, lm, lockM *Matcher, in *diff.Input) ([]File, error) {
	fs, err := readPairTrees(ctx, bg, hg, m, lm, lockM, in.Prechecks)
	if err != nil {
		return nil, fmt.Errorf("reading %s and %s: %w", bg.Name(), hg.Name(), err)
	}
	in.BaseFiles, in.HeadFiles = fs[0], fs[1]
	if lm != nil {
		in.LaunchBase, in.LaunchHead = fs[2], fs[3]
	}
	if lockM == nil {
		return nil, nil
	}
	return fs[len(fs)-1], nil
}

// readPairTrees reads what readPairFiles returns and sets, in the order of
// its requests: base and head manifests, base and head launch configs,
// the head's lock. The blobs of manifests both sides hold go to pre as
// they are read.
func readPairTrees(ctx context.Context, bg, hg *Git, m, lm, lockM *Matcher, pre *diff.Prechecks) ([][]File, error) {
	bt, err := bg.tree(ctx)
	if err != nil {
		return nil, err
	}
	ht, err := hg.tree(ctx)
	if err != nil {
		return nil, err
	}
	reqs := []request{{bg, bt, m}, {hg, ht, m}}
	if lm != nil {
		reqs = append(reqs, request{bg, bt, lm}, request{hg, ht, lm})
	}
	if lockM != nil {
		reqs = append(reqs, request{hg, ht, lockM})
	}
	return readTrees(ctx, reqs, pre.Add)
}

// readEach reads the manifests, the launch configs (lm nil: none) and the
// head's lock (lockM nil: none) of sides that are not two commits of one
// repository, side by side.
func readEach(ctx context.Context, base, head Side, m, lm, lockM *Matcher, in *diff.Input, lockPath string) ([]File, error) {
	var err error
	if in.BaseFiles, in.HeadFiles, err = readSides(ctx, base, head, m); err != nil {
		return nil, err
	}
	if lm != nil {
		if in.LaunchBase, in.LaunchHead, err = readSides(ctx, base, head, lm); err != nil {
			return nil, fmt.Errorf("launch configs: %w", err)
		}
	}
	if lockM == nil {
		return nil, nil
	}
	files, err := head.Read(ctx, lockM)
	if err != nil {
		return nil, fmt.Errorf("--lock %s: %w", lockPath, err)
	}
	return files, nil
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

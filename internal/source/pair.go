package source

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/internal/gitrun"
)

// readPair lists the tree of head, and gives base the tree it derives
// from head's and the changes between the two commits (git diff-tree,
// which skips every subtree the commits share: a pull request that
// changes 3 files of 10,000 costs git 3 entries, not a second listing).
// It returns git's renames, new path -> old path, and whether git may
// have skipped the inexact part of its rename detection (renamesLimited).
// started, if not nil, is called once both git processes are started:
// git ls-tree is the longest step before the blobs can be read, and the
// bulk read's processes started first (on goroutines of their own) made
// it start up to 3.6 ms later (forks are one at a time in Go), in 2 of 6
// runs of BenchmarkDiffGit2000's repository at a load of 4.
func readPair(ctx context.Context, base, head *Git, started func()) (map[string]string, bool, error) {
	ls := head.startList(ctx, "")
	dt := startDiffTrees(ctx, head.Dir, base.Rev, head.Rev)
	if started != nil {
		started()
	}
	ht, err := listed(ls)
	changes, diffErr := diffed(dt)
	if err != nil {
		return nil, false, err
	}
	if diffErr != nil {
		return nil, false, diffErr
	}
	head.mu.Lock()
	if head.full == nil {
		head.full = ht
	}
	ht = head.full
	head.mu.Unlock()
	base.mu.Lock()
	if base.full == nil {
		base.full = derive(ht, changes)
	}
	base.mu.Unlock()
	renames := map[string]string{}
	for _, c := range changes {
		if c.status == 'R' {
			renames[c.newPath] = c.oldPath
		}
	}
	return renames, renamesLimited(changes), nil
}

// renameLimit is the -l git diff-tree is given, whatever the
// configuration's diff.renameLimit says: the inexact part of its rename
// detection runs only while the deleted files left unpaired times the
// added ones are at most renameLimit squared.
const renameLimit = 1000

// renamesLimited reports whether git may have skipped the inexact part of
// its rename detection for changes ("exhaustive rename detection was
// skipped due to too many files", a warning and exit 0): a file deleted
// and added elsewhere with edits then reads as removed, and a manifest
// moved out of the patterns, widened, as a narrowing.
func renamesLimited(changes []change) bool {
	var deleted, added int
	for _, c := range changes {
		switch c.status {
		case 'D':
			deleted++
		case 'A':
			added++
		}
	}
	return deleted*added > renameLimit*renameLimit
}

// change is one entry of a raw diff: a path's mode and blob on the old
// side and on the new ("000000" where it is absent), and both paths (they
// differ for a rename).
type change struct {
	oldMode, newMode, oldOID, newOID string
	oldPath, newPath                 string
	status                           byte
}

// absent is the mode of the side of a change where the path is not.
const absent = "000000"

// startDiffTrees starts git diff-tree, asking for the changes between two
// commits, recursing into trees, with renames found as git diff
// --find-renames finds them; diffed waits for it. Submodule changes are
// never ignored, whatever the configuration says.
func startDiffTrees(ctx context.Context, dir, base, head string) *gitrun.Running {
	return gitrun.Repo{Dir: dir}.Start(ctx, nil, "diff-tree", "-r", "-z", "--find-renames", "-l"+strconv.Itoa(renameLimit), "--no-abbrev", "--ignore-submodules=none", "--end-of-options", base, head, "--")
}

// diffed is the changes that dt, a startDiffTrees, gives.
func diffed(dt *gitrun.Running) ([]change, error) {
	out, err := dt.Wait()
	if err != nil {
		return nil, err
	}
	return parseRaw(out)
}

// parseRaw parses "git diff-tree -r -z" output: records
// ":<old mode> <new mode> <old oid> <new oid> <status>" NUL <path> NUL, a
// rename's with a second path. Anything else is an error: a listing
// derived from a misread diff would be wrong without a sign.
func parseRaw(out []byte) ([]change, error) {
	var cs []change
	rest := string(out)
	next := func() (string, bool) {
		f, r, ok := strings.Cut(rest, "\x00")
		rest = r
		return f, ok
	}
	for rest != "" {
		meta, ok := next()
		fs := strings.Fields(strings.TrimPrefix(meta, ":"))
		if !ok || !strings.HasPrefix(meta, ":") || len(fs) != 5 || fs[4] == "" {
			return nil, fmt.Errorf("git diff-tree: unexpected record %q", meta)
		}
		c := change{oldMode: fs[0], newMode: fs[1], oldOID: fs[2], newOID: fs[3], status: fs[4][0]}
		if c.oldPath, ok = next(); !ok {
			return nil, fmt.Errorf("git diff-tree: record %q without a path", meta)
		}
		c.newPath = c.oldPath
		switch c.status {
		case 'R':
			if c.newPath, ok = next(); !ok {
				return nil, fmt.Errorf("git diff-tree: rename %q without a new path", meta)
			}
		case 'A', 'D', 'M', 'T':
		default:
			return nil, fmt.Errorf("git diff-tree: unexpected status in %q", meta)
		}
		if (c.oldMode == absent) != (c.status == 'A') || (c.newMode == absent) != (c.status == 'D') || c.oldMode == "040000" || c.newMode == "040000" {
			return nil, fmt.Errorf("git diff-tree: modes do not fit the status in %q", meta)
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// derive returns the tree that changes turn into head: head's entries
// but those at a new path of a change, and the old side of every change,
// in git's order (by path, bytewise); it records which entries are head's
// (listing.from, at), so that they are matched once for both.
func derive(head *listing, changes []change) *listing {
	if len(changes) == 0 {
		return &listing{ents: head.ents, from: head}
	}
	drop := make(map[string]bool, len(changes))
	var olds []treeEntry
	for _, c := range changes {
		if c.newMode != absent {
			drop[c.newPath] = true
		}
		if c.oldMode != absent {
			typ := "blob"
			if c.oldMode == "160000" {
				typ = "commit"
			}
			olds = append(olds, treeEntry{mode: c.oldMode, typ: typ, oid: c.oldOID, path: c.oldPath})
		}
	}
	slices.SortFunc(olds, func(a, b treeEntry) int { return strings.Compare(a.path, b.path) })
	ents := make([]treeEntry, 0, len(head.ents)+len(olds))
	at := make([]int32, 0, len(head.ents)+len(olds))
	i := 0
	for j, e := range head.ents {
		if drop[e.path] {
			continue
		}
		for i < len(olds) && olds[i].path < e.path {
			ents, at = append(ents, olds[i]), append(at, -1)
			i++
		}
		ents, at = append(ents, e), append(at, int32(j))
	}
	for _, e := range olds[i:] {
		ents, at = append(ents, e), append(at, -1)
	}
	return &listing{ents: ents, from: head, at: at}
}

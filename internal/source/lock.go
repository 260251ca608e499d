package source

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/razukc/capgate-action/lock"
)

// ReadLock reads the approval lock at lockPath on the head side: the file
// at that path in the head commit, or inside the head directory (unless
// revOnly: then head must be a revision). A side without the file, and the
// empty side "", have an empty lock (nothing approved).
func ReadLock(ctx context.Context, dir, head, lockPath string, revOnly bool) (*lock.File, error) {
	p, err := lockSlashPath(lockPath)
	if err != nil {
		return nil, err
	}
	side, err := Open(ctx, dir, head, revOnly)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	m, err := NewMatcher([]string{LiteralPattern(p)})
	if err != nil {
		return nil, fmt.Errorf("--lock %s: %w", lockPath, err)
	}
	var files []File
	if g, ok := side.(*Git); ok {
		// One path of the tree: list only it.
		files, err = g.readPath(ctx, m, p)
	} else {
		files, err = side.Read(ctx, m)
	}
	if err != nil {
		return nil, fmt.Errorf("--lock %s: %w", lockPath, err)
	}
	return lockOf(p, files)
}

// lockSlashPath is lockPath cleaned and slash-separated, refused when it
// is not inside the side.
func lockSlashPath(lockPath string) (string, error) {
	p := filepath.ToSlash(filepath.Clean(lockPath))
	if filepath.IsAbs(lockPath) || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("--lock %s: must be a path inside the head side", lockPath)
	}
	return p, nil
}

// lockOf parses the lock at p among files (read with a literal pattern of
// p); none there is an empty lock.
func lockOf(p string, files []File) (*lock.File, error) {
	for _, f := range files {
		if f.Path != p {
			continue
		}
		if f.Err != nil {
			return nil, fmt.Errorf("%s: %w", p, f.Err)
		}
		return lock.Parse(p, f.Data)
	}
	return lock.New(), nil
}

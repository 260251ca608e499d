package source

import (
	"context"
	"strings"
	"testing"
)

// TestReadLockGit reads a lock from a commit, which lists only the lock's
// path: a regular file is parsed, a link is followed in the whole tree, a
// path that looks like a pattern or pathspec magic is a literal, and a
// path with nothing (or a directory) there is an empty lock.
func TestReadLockGit(t *testing.T) {
	t.Parallel()
	requireGit(t)
	const lockJSON = `{"schema": "https://github.com/razukc/capgate-action/docs/lock.md#v1", "approvals": [
  {"path": "a/capgate.json", "manifestHash": "sha256:a771a6a2037984e1884e7cfbe9a1ceb0156f2be8fba159613176f5398b7ca727",
   "approvedBy": "Mae <mae@example.invalid>", "reason": "r", "approvedAt": "2027-01-15T08:00:00Z"}]}`
	root := makeTree(t, map[string]node{
		"capgate.lock":         {data: lockJSON},
		"capgate.lock.bak":     {data: "not a lock"},
		"locks/real.lock":      {data: lockJSON},
		"link.lock":            {link: "locks/real.lock"},
		"out.lock":             {link: "../outside.json"},
		"[x].lock":             {data: lockJSON},
		"x.lock":               {data: "not a lock"},
		":(top)capgate.lock":   {data: lockJSON},
		"dir.lock/inside.json": {data: "not a lock"},
	})
	rev := commitTree(t, root)
	for _, tc := range []struct {
		path      string
		approvals int
		err       string
	}{
		{"capgate.lock", 1, ""},
		{"link.lock", 1, ""},
		{"out.lock", 0, "symbolic link points outside the repository"},
		{"[x].lock", 1, ""},
		{":(top)capgate.lock", 1, ""},
		{"missing.lock", 0, ""},
		{"dir.lock", 0, ""},
		{"capgate.lock.bak/x", 0, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			f, err := ReadLock(context.Background(), root, rev, tc.path, true)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ReadLock: %v, want an error containing %q", err, tc.err)
				}
				return
			}
			if err != nil || len(f.Approvals) != tc.approvals {
				t.Fatalf("ReadLock: %+v, %v; want %d approvals", f, err, tc.approvals)
			}
		})
	}
}

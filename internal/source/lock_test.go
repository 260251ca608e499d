package source

import (
	"context"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/lock"
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
		{"/abs.lock", 0, "must be a path inside the head side"},
		{"../up.lock", 0, "must be a path inside the head side"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			f, err := ReadLock(context.Background(), root, rev, tc.path, true)
			checkLock(t, "ReadLock", f, err, tc.approvals, tc.err)
			// Read with the sides, on two commits (in the manifests'
			// git processes) and on directories (the work tree): the
			// same lock or the same error.
			for _, o := range []Options{{Dir: root, Base: rev, Head: rev, RevisionsOnly: true}, {Base: root, Head: root}} {
				in, f, err := ReadSidesLock(context.Background(), o, tc.path)
				checkLock(t, "ReadSidesLock "+o.Head, f, err, tc.approvals, tc.err)
				if tc.err == "" && (in == nil || len(in.HeadFiles) != 0) {
					t.Errorf("ReadSidesLock %s: %+v, want no manifests", o.Head, in)
				}
			}
		})
	}
	// Without a lock path, nothing is read as one.
	if _, f, err := ReadSidesLock(context.Background(), Options{Dir: root, Base: rev, Head: rev}, ""); f != nil || err != nil {
		t.Errorf(`ReadSidesLock(""): %+v, %v; want no lock`, f, err)
	}
}

// checkLock checks what a lock read returned: an error containing
// wantErr, or a lock of approvals approvals.
func checkLock(t *testing.T, what string, f *lock.File, err error, approvals int, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: %v, want an error containing %q", what, err, wantErr)
		}
		return
	}
	if err != nil || f == nil || len(f.Approvals) != approvals {
		t.Errorf("%s: %+v, %v; want %d approvals", what, f, err, approvals)
	}
}

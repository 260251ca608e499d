package action

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLockThroughASymlinkIsRefused is issue 21, case 3: the base's
// capgate.lock is a symbolic link to a file no CODEOWNERS rule owns, and
// the pull request edits only that file to approve itself. The lock must be
// a regular file on both sides.
func TestLockThroughASymlinkIsRefused(t *testing.T) {
	t.Parallel()
	for _, side := range []string{"base", "head"} {
		t.Run(side, func(t *testing.T) {
			t.Parallel()
			f := setup(t, nil)
			writeFile(t, filepath.Join(f.origin, ".github/CODEOWNERS"), "/capgate.lock @octo/security\n")
			writeFile(t, filepath.Join(f.origin, "approvals/real.lock"), `{"schema": "https://github.com/razukc/capgate-action/docs/lock.md#v1", "approvals": []}`)
			if side == "base" {
				if err := os.Symlink("approvals/real.lock", filepath.Join(f.origin, "capgate.lock")); err != nil {
					t.Fatal(err)
				}
			}
			git(t, f.origin, "add", "-A")
			git(t, f.origin, "commit", "-q", "-m", "owners and lock")
			f.base = git(t, f.origin, "rev-parse", "HEAD")
			f.push(map[string]string{"servers/gh/capgate.json": headManifest})
			if side == "head" {
				if err := os.Symlink("approvals/real.lock", filepath.Join(f.origin, "capgate.lock")); err != nil {
					t.Fatal(err)
				}
			}
			// The pull request edits only the file the link points to.
			f.push(map[string]string{"approvals/real.lock": lockFor(headHash(t, f))})
			res := f.inProcess(context.Background(), nil)
			if res.code != ExitFailed || res.outputs["approved"] != "false" {
				t.Fatalf("a lock read through a symbolic link approved: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
			}
			want := "on the " + side + " side capgate.lock is a symbolic link; the lock must be a regular file on both sides"
			if !strings.Contains(res.stdout, want) || !strings.Contains(ours(f).Body, want) || !strings.Contains(res.summary, want) {
				t.Errorf("no clear message %q:\n%s\n%s", want, res.stdout, ours(f).Body)
			}
		})
	}
}

// TestLockIsFile: a submodule or a directory at the lock's path is refused
// too; a regular file or no lock at all is fine.
func TestLockIsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(dir, "file.lock"), "{}")
	writeFile(t, filepath.Join(dir, "dir.lock/x"), "{}")
	git(t, dir, "add", "-A")
	git(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("1", 40)+",sub.lock")
	git(t, dir, "commit", "-q", "-m", "x")
	for _, tc := range []struct{ path, want string }{
		{"file.lock", ""},
		{"none.lock", ""},
		{"dir.lock", "dir.lock is a directory"},
		{"sub.lock", "sub.lock is a git submodule"},
		{"./file.lock", ""},
	} {
		err := lockIsFile(context.Background(), dir, "", "HEAD", tc.path)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("lockIsFile(%s) = %v, want %q", tc.path, err, tc.want)
		}
	}
}

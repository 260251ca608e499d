package version

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// git archive (what GitHub's source tarballs are made with) writes the
// commit into archive_commit.txt, and a build without a stamp or VCS
// information names that commit.
func TestArchiveCommit(t *testing.T) {
	t.Parallel()
	if strings.TrimSpace(archived) != "$Format:%H$" {
		t.Fatalf("archive_commit.txt in the work tree is %q, want the placeholder", archived)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	if exec.Command("git", "cat-file", "-e", "HEAD:internal/version/archive_commit.txt").Run() != nil {
		t.Skip("archive_commit.txt is not committed yet")
	}
	out, err := exec.Command("sh", "-c", `cd "$(git rev-parse --show-toplevel)" && git archive HEAD internal/version/archive_commit.txt | tar -xO`).Output()
	if err != nil {
		t.Fatalf("git archive: %v", err)
	}
	if strings.TrimSpace(string(out)) != strings.TrimSpace(string(head)) {
		t.Fatalf("the archive's archive_commit.txt is %q, want HEAD %s (export-subst in .gitattributes?)", out, head)
	}
	saved := archived
	defer func() { archived = saved }()
	archived = string(out)
	read := func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true }
	if got, want := resolve("", read), "dev ("+string(head[:12])+")"; got != want {
		t.Errorf("resolve from the archive = %q, want %q", got, want)
	}
	if got := resolve("v1.2.3", read); got != "v1.2.3" {
		t.Errorf("a stamp must win over the archive: %q", got)
	}
}

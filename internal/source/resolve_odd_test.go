package source

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResolveOddRevisions holds resolveCommitsOn and resolveCommits to
// git rev-parse --verify on revisions TestResolveCommits leaves out: the
// previous branch (@{-1}), a tag of a tree and of a blob, a short id
// shared by the commit and a blob (ambiguous but for the commit hint of
// ^{commit}), a tab, a regex search, an upstream, and lines that read as
// --batch-command's own commands.
func TestResolveOddRevisions(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}})
	first := strings.TrimSpace(commitTree(t, root))
	runGit(t, root, "checkout", "-q", "-b", "other")
	runGit(t, root, "commit", "-q", "--allow-empty", "-m", "on other")
	runGit(t, root, "checkout", "-q", "main")
	runGit(t, root, "tag", "-a", "-m", "a tree", "treetag", "HEAD^{tree}")
	runGit(t, root, "tag", "blobtag", "HEAD:a/capgate.json")
	runGit(t, root, "branch", "-q", "--set-upstream-to=other")
	// A blob whose id starts as the first commit's does.
	var content string
	for n := 0; ; n++ {
		content = fmt.Sprintf("x%d", n)
		sum := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(content), content)))
		if hex.EncodeToString(sum[:])[:4] == first[:4] {
			break
		}
	}
	p := filepath.Join(t.TempDir(), "blob")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "hash-object", "-w", p)
	if _, err := git(context.Background(), root, nil, "rev-parse", "--verify", "--quiet", first[:4]); err == nil {
		t.Fatalf("%s is not ambiguous", first[:4])
	}
	specs := []string{"@{-1}", "@{-2}", "treetag", "blobtag", first[:4], "HEAD\tX", ":/on other", "HEAD^{/other}",
		"@{u}", "main@{upstream}", "flush", "info HEAD", "contents HEAD", "-", "@{-1}~1", "HEAD@{1}"}
	ctx := context.Background()
	want := make([]string, len(specs))
	for i, s := range specs {
		if rev, err := git(ctx, root, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", s+"^{commit}"); err == nil {
			want[i] = strings.TrimSpace(string(rev))
		}
	}
	if want[0] == "" || want[4] != first {
		t.Fatalf("@{-1} and the short id resolve to %q, %q", want[0], want[4])
	}
	on, cf := resolveCommitsOn(ctx, root, specs)
	if cf != nil {
		defer cf.close()
	}
	old := resolveCommits(ctx, root, specs)
	for i, s := range specs {
		if on[i] != want[i] || old[i] != want[i] {
			t.Errorf("%q: resolveCommitsOn %q, resolveCommits %q, rev-parse %q", s, on[i], old[i], want[i])
		}
	}
}

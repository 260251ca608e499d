package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResolveCommits holds resolveCommits, one git cat-file --batch-check
// for all specs, to what Open resolved each with, git rev-parse --verify
// --quiet --end-of-options SPEC^{commit}: on revisions of every form
// (relative, branch, remote-looking, lightweight and annotated tags, full
// and short ids, reflog, a tree, a blob, a path), names that look like
// options, spaces, an ambiguous name, unknown names, and lines git would
// split. A spec that holds a newline names no commit either way.
func TestResolveCommits(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}, "-n": {data: "x"}, "HEAD x": {data: "y"}})
	first := commitTree(t, root)
	if err := os.WriteFile(filepath.Join(root, "a", "capgate.json"), []byte("B"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "commit", "-q", "-a", "-m", "second")
	runGit(t, root, "tag", "light", first)
	runGit(t, root, "tag", "-a", "-m", "annotated", "annot")
	runGit(t, root, "branch", "feature", first)
	runGit(t, root, "tag", "feature", "HEAD") // a tag and a branch of one name
	runGit(t, root, "update-ref", "refs/remotes/origin/main", first)
	specs := []string{"HEAD", "HEAD~1", "HEAD^", "main", "feature", "light", "annot", "origin/main", "refs/heads/main",
		first, first[:7], first[:4], "main@{0}", "@", "HEAD^{tree}", "HEAD:a/capgate.json", "HEAD:a", ":/second",
		"-n", "--all", "--verify", " HEAD", "HEAD ", "HEAD x", "nope", "HEAD~9", "a/capgate.json", "..", "HEAD..main",
		"main^{commit}", "annot^{}", "HEAD\nHEAD", "HEAD\rX", "x\x00y"}
	got := resolveCommits(context.Background(), root, specs)
	for i, s := range specs {
		want := ""
		if !strings.ContainsAny(s, "\n\r\x00") {
			if rev, err := git(context.Background(), root, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", s+"^{commit}"); err == nil {
				want = strings.TrimSpace(string(rev))
			}
		}
		if got[i] != want {
			t.Errorf("%q: resolveCommits = %q, rev-parse = %q", s, got[i], want)
		}
	}
	if got[0] == "" || got[1] != first || got[6] == "" {
		t.Fatalf("HEAD, HEAD~1, annot resolve to %q, %q, %q", got[0], got[1], got[6])
	}
	// Outside a repository nothing resolves, as rev-parse resolves nothing.
	if out := resolveCommits(context.Background(), t.TempDir(), []string{"HEAD", "main"}); out[0] != "" || out[1] != "" {
		t.Errorf("outside a repository: %q", out)
	}
}

// TestCommitOf: only a commit's line gives an id.
func TestCommitOf(t *testing.T) {
	t.Parallel()
	id := strings.Repeat("ab", 20)
	for _, tc := range []struct{ line, want string }{
		{id + " commit 230", id},
		{strings.Repeat("c", 64) + " commit 1", strings.Repeat("c", 64)},
		{id + " tree 30", ""},
		{id + " commit", ""},
		{id + " commit 2x", ""},
		{"HEAD^{commit} missing", ""},
		{"abc^{commit} ambiguous", ""},
		{id[:39] + " commit 5", ""},
		{strings.ToUpper(id) + " commit 5", ""},
		{"x commit 5^{commit} missing", ""},
		{"", ""},
	} {
		if got := commitOf(tc.line); got != tc.want {
			t.Errorf("commitOf(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

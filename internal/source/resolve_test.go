package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResolveCommits holds resolveCommits, one git cat-file --batch-check
// for all specs, and resolveCommitsOn (--batch-command, or resolveCommits
// when git has none), to what Open resolved each with, git rev-parse --verify
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
	ctx := context.Background()
	want := make([]string, len(specs))
	for i, s := range specs {
		if !strings.ContainsAny(s, "\n\r\x00") {
			if rev, err := git(ctx, root, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", s+"^{commit}"); err == nil {
				want[i] = strings.TrimSpace(string(rev))
			}
		}
	}
	if want[0] == "" || want[1] != first || want[6] == "" {
		t.Fatalf("HEAD, HEAD~1, annot resolve to %q, %q, %q", want[0], want[1], want[6])
	}
	// resolveCommitsOn keeps its git cat-file --batch-command running, which
	// then reads blobs; resolveVia with an option git does not know is a
	// git without --batch-command: resolveCommits answers.
	bid := strings.TrimSpace(runGit(t, root, "rev-parse", "HEAD:a/capgate.json"))
	oldGit := []string{"cat-file", "--batch-command-from-the-future"}
	for _, r := range []struct {
		name    string
		resolve func(dir string, specs []string) ([]string, *catFile)
		running bool
	}{
		{"resolveCommits", func(dir string, specs []string) ([]string, *catFile) { return resolveCommits(ctx, dir, specs), nil }, false},
		{"resolveCommitsOn", func(dir string, specs []string) ([]string, *catFile) { return resolveCommitsOn(ctx, dir, specs) }, true},
		{"resolveVia an old git", func(dir string, specs []string) ([]string, *catFile) { return resolveVia(ctx, dir, specs, oldGit) }, false},
	} {
		got, cf := r.resolve(root, specs)
		for i, s := range specs {
			if got[i] != want[i] {
				t.Errorf("%s %q = %q, rev-parse = %q", r.name, s, got[i], want[i])
			}
		}
		if (cf != nil) != r.running {
			t.Fatalf("%s: process left running: %v, want %v", r.name, cf != nil, r.running)
		}
		if cf != nil {
			out := make([]blob, 1)
			if err := cf.read([]string{bid}, out, true); err != nil || string(out[0].data) != "B" {
				t.Errorf("%s: its process read %q, %v; want the blob", r.name, out[0].data, err)
			}
			if err := cf.close(); err != nil {
				t.Errorf("%s: %v", r.name, err)
			}
		}
		// Outside a repository nothing resolves, as rev-parse resolves nothing.
		if out, cf := r.resolve(t.TempDir(), []string{"HEAD", "main"}); out[0] != "" || out[1] != "" || cf != nil {
			t.Errorf("%s outside a repository: %q, running %v", r.name, out, cf != nil)
		}
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

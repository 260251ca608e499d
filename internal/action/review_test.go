package action

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Multi-line manifests, so that the base branch and the pull request can
// change one file without a merge conflict.
const (
	mlBase = `{
  "name": "gh",
  "version": "1.0.0",
  "description": "GitHub tools",
  "tools": [
    {"name": "search", "capabilities": ["fs:read:/workspace/**"]}
  ]
}
`
	// The base branch moves on: two lines near the top.
	mlBaseMoved = `{
  "name": "gh",
  "homepage": "https://example.com/gh",
  "license": "MIT",
  "version": "1.0.0",
  "description": "GitHub tools",
  "tools": [
    {"name": "search", "capabilities": ["fs:read:/workspace/**"]}
  ]
}
`
	// The pull request widens on line 7 of its own file.
	mlHead = `{
  "name": "gh",
  "version": "1.0.0",
  "description": "GitHub tools",
  "tools": [
    {"name": "search", "capabilities": ["fs:read:/workspace/**"]},
    {"name": "upload", "capabilities": ["net:connect:uploads.github.com:443"]}
  ]
}
`
)

// prFixture is a pull_request run as GitHub makes it after the base branch
// moved on: the runner checks out the merge commit (GITHUB_SHA) of the base
// branch's tip and the pull request's head; the pull request's diff is the
// three-dot one from their merge base. root is where the repository lies in
// the origin (a monorepo folder, or ""), checkout where actions/checkout
// put it in the workspace (its path input, or ""), and workdir the
// working-directory input.
func prFixture(t *testing.T, root, checkout, workdir string) (f *fixture, merge string) {
	t.Helper()
	f = setup(t, nil)
	origin := filepath.Join(t.TempDir(), "origin")
	if err := os.MkdirAll(origin, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(origin, root, "servers/gh/capgate.json")
	git(t, origin, "init", "-q", "-b", "main")
	writeFile(t, manifest, mlBase)
	git(t, origin, "add", "-A")
	git(t, origin, "commit", "-q", "-m", "base")
	git(t, origin, "checkout", "-q", "-b", "pr")
	writeFile(t, manifest, mlHead)
	git(t, origin, "commit", "-q", "-am", "pr")
	head := git(t, origin, "rev-parse", "HEAD")
	git(t, origin, "checkout", "-q", "main")
	writeFile(t, manifest, mlBaseMoved)
	git(t, origin, "commit", "-q", "-am", "main moves on")
	base := git(t, origin, "rev-parse", "HEAD")
	git(t, origin, "checkout", "-q", "-b", "merge")
	git(t, origin, "merge", "-q", "--no-edit", "pr")
	merge = git(t, origin, "rev-parse", "HEAD")
	git(t, origin, "checkout", "-q", "main")
	git(t, origin, "config", "uploadpack.allowReachableSHA1InWant", "true")
	if b, _ := os.ReadFile(filepath.Join(origin, root, "servers/gh/capgate.json")); string(b) != mlBaseMoved {
		t.Fatalf("origin main: %s", b)
	}

	ws := t.TempDir()
	clone := filepath.Join(ws, checkout)
	git(t, ws, "clone", "-q", "--depth", "1", "--branch", "merge", "file://"+origin, clone)
	f.origin, f.ws, f.base, f.head = origin, ws, base, head
	f.env["GITHUB_WORKSPACE"] = ws
	f.env["GITHUB_SHA"] = merge
	f.env["INPUT_WORKING-DIRECTORY"] = workdir
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.env["GITHUB_SERVER_URL"] = "https://github.example"
	f.setEvent("pull_request", nil)
	files := prFiles(t, origin, base, head)
	f.gh.set(func(g *fakeGitHub) { g.prHead, g.files = head, files })
	return f, merge
}

// TestReviewCommentsOnThePullRequestsLines is issue 21, case 5: when the
// base branch moved on, the widened row is on line 9 of the merge commit
// the runner compares but on line 7 of the pull request's head, which is
// where GitHub's diff shows it; whatever working-directory is, the path is
// from the repository root, and so are the links.
func TestReviewCommentsOnThePullRequestsLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, root, checkout, workdir string
	}{
		{"repository at the workspace", "", "", "."},
		{"actions/checkout path:", "", "repo", "repo"},
		{"monorepo folder", "sub", "", "sub"},
		{"monorepo folder under checkout path:", "sub", "repo", "repo/sub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, merge := prFixture(t, tc.root, tc.checkout, tc.workdir)
			res := f.inProcess(context.Background(), nil)
			if res.code != ExitFailed {
				t.Fatalf("exit %d\n%s", res.code, res.stdout)
			}
			path := strings.TrimPrefix(tc.root+"/servers/gh/capgate.json", "/")
			n, rcs := f.gh.inline()
			// Two widened rows (egress, and docker's network) on that line.
			if n != 2 || len(rcs) != 2 {
				t.Fatalf("%d posted, comments %+v\n%s", n, rcs, res.stdout)
			}
			for _, c := range rcs {
				if c.Path != path || c.Line != 7 || c.Side != "RIGHT" || c.CommitID != f.head {
					t.Errorf("inline comment at %s:%d (%s, commit %s), want %s:7 on the right at the head %s", c.Path, c.Line, c.Side, c.CommitID, path, f.head)
				}
			}
			// Annotations name the path from the repository root too.
			if !strings.Contains(res.stdout, ",file="+path+",line=9,") {
				t.Errorf("no annotation on %s:9:\n%s", path, res.stdout)
			}
			// The sticky comment's rows link to the compared commit's line.
			link := "(https://github.example/octo/servers/blob/" + merge + "/" + path + "#L9)"
			if body := ours(f).Body; !strings.Contains(body, link) {
				t.Errorf("no link %s in:\n%s", link, body)
			}
		})
	}
}

// TestReviewCommentsOffTheDiffAreNotPosted: a widened row that the pull
// request's own diff does not show (the base branch changed that line) is
// not commented inline, and nothing is posted that GitHub would refuse.
func TestReviewCommentsOffTheDiffAreNotPosted(t *testing.T) {
	t.Parallel()
	f, _ := prFixture(t, "", "", ".")
	// GitHub shows only the first hunk's first line (as for a patch cut
	// short): line 7 is not in the diff.
	f.gh.set(func(g *fakeGitHub) {
		g.files = []fakeFile{{Filename: "servers/gh/capgate.json", Patch: "@@ -1,1 +1,1 @@\n {"}}
	})
	res := f.inProcess(context.Background(), nil)
	if n, rcs := f.gh.inline(); n != 0 || len(rcs) != 0 {
		t.Errorf("%d posted off the diff: %+v", n, rcs)
	}
	if _, reqs := f.gh.snapshot(); strings.Contains(strings.Join(reqs, "\n"), "POST "+repoPath+"/pulls/7/comments") {
		t.Errorf("a comment GitHub would refuse was posted:\n%s", res.stdout)
	}
}

func TestLineMap(t *testing.T) {
	t.Parallel()
	m := lineMap(mlBaseMoved, mlBase)
	for a, b := range map[int]int{1: 1, 2: 2, 5: 3, 8: 6, 10: 8} {
		if m[a] != b {
			t.Errorf("line %d → %d, want %d", a, m[a], b)
		}
	}
	if _, ok := m[3]; ok {
		t.Errorf("a line only the first text has was mapped")
	}
	if id := lineMap("a\nb\n", "a\nb\n"); id[2] != 2 {
		t.Errorf("identity: %v", id)
	}
}

// TestPlanReview checks the decisions on their own: one comment per row
// inside the diff, the oldest of several copies kept, gone rows resolved.
func TestPlanReview(t *testing.T) {
	t.Parallel()
	rows := []reviewRow{{key: "a", path: "p", line: 3}, {key: "b", path: "p", line: 4}, {key: "c", path: "p", line: 40}, {key: "d", path: "p", line: 0}}
	inDiff := map[string]map[int]bool{"p": {3: true, 4: true}}
	mine := []ourReview{{id: 9, row: "b"}, {id: 5, row: "b"}, {id: 7, row: "gone"}, {id: 8, row: "old", fixed: true}}
	p := planReview(rows, inDiff, mine, 10)
	if len(p.create) != 1 || p.create[0].key != "a" {
		t.Errorf("create %+v, want row a only (b has one, c is off the diff, d has no line)", p.create)
	}
	if len(p.remove) != 1 || p.remove[0].id != 9 {
		t.Errorf("remove %+v, want the newer copy of b", p.remove)
	}
	if len(p.resolve) != 1 || p.resolve[0].id != 7 {
		t.Errorf("resolve %+v, want the comment of the gone row", p.resolve)
	}
	if p := planReview(rows, inDiff, nil, 1); len(p.create) != 1 {
		t.Errorf("limit 1: %d created", len(p.create))
	}
}

// TestConcurrentRunsLeaveOneCommentPerRow is issue 21, case 6: ten runs at
// once against one pull request, with API latency and comment lists that
// lag behind writes, leave one sticky comment and one inline comment per
// row.
func TestConcurrentRunsLeaveOneCommentPerRow(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": wider})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.gh.set(func(g *fakeGitHub) { g.listLag = 4; g.latency = 200 })
	// Each runner has its own clone; here they share one, so the base is
	// fetched once beforehand (two git fetches in one clone collide).
	git(t, f.ws, "fetch", "-q", "--depth=1", "origin", f.base)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := f.ownOutputs(t)
			if res := g.inProcess(context.Background(), newFakeClock()); res.code != ExitFailed {
				t.Errorf("run %d: exit %d\n%s", i, res.code, res.stdout)
			}
		}()
	}
	wg.Wait()
	f.gh.set(func(g *fakeGitHub) { g.listLag = 0 })
	if ours := f.gh.byLogin("github-actions[bot]"); len(ours) != 1 {
		t.Errorf("%d sticky comments", len(ours))
	}
	_, rcs := f.gh.inline()
	per := map[string]int{}
	for _, c := range rcs {
		per[c.Body[:strings.Index(c.Body, "\n")]]++
	}
	if len(per) != 3 || len(rcs) != 3 {
		t.Errorf("%d inline comments for %d rows, want one per row (3): %v", len(rcs), len(per), per)
	}
	for row, n := range per {
		if n != 1 {
			t.Errorf("%s: %d copies", row, n)
		}
	}
}

// TestRefusedInlineCommentsAreSaid: when GitHub refuses an inline comment
// (422, as for a line it cannot resolve), the run goes on, says so, and the
// sticky comment keeps every row.
func TestRefusedInlineCommentsAreSaid(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.gh.addFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/pulls/7/comments") {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity", "errors": []string{"Line could not be resolved"}})
			return true
		}
		return false
	})
	res := f.inProcess(context.Background(), nil)
	if _, rcs := f.gh.inline(); len(rcs) != 0 {
		t.Fatalf("%d inline comments", len(rcs))
	}
	if !strings.Contains(res.stdout, "GitHub refused 2 inline comment(s)") || strings.Contains(res.stdout, "could not write the review") {
		t.Errorf("no notice of the refused comments:\n%s", res.stdout)
	}
	if !strings.Contains(ours(f).Body, "uploads.github.com") {
		t.Errorf("the sticky comment lost the rows")
	}
}

// TestReviewCommentDeletedMeanwhile: an inline comment of ours deleted
// between the list and the GraphQL look-up of its editors (a concurrent run
// removing its copy) is dropped from ours, not an error that stops the
// review and leaves the other runs' copies in place.
func TestReviewCommentDeletedMeanwhile(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": wider})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("first run: exit %d\n%s", res.code, res.stdout)
	}
	_, rcs := f.gh.inline()
	if len(rcs) != 3 {
		t.Fatalf("first run left %d inline comments, want 3", len(rcs))
	}
	// A second copy of the first row, as a concurrent run leaves it; the
	// fault deletes it once the next list of review comments has shown it.
	var copyID int64
	f.gh.set(func(g *fakeGitHub) {
		c := g.addReviewComment("github-actions[bot]", reviewCommentIn{CommitID: rcs[0].CommitID, Path: rcs[0].Path, Line: rcs[0].Line, Side: "RIGHT", Body: rcs[0].Body})
		copyID = c.ID
	})
	listed := false
	f.gh.addFault(func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/pulls/7/comments"):
			listed = true
		case listed && strings.HasSuffix(r.URL.Path, "/graphql"):
			listed = false
			f.gh.reviewComments = slices.DeleteFunc(f.gh.reviewComments, func(c *fakeReviewComment) bool { return c.ID == copyID })
		}
		return false
	})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || strings.Contains(res.stdout, "could not write the review") || strings.Contains(res.stdout, "resolve to a node") {
		t.Fatalf("second run: exit %d\n%s", res.code, res.stdout)
	}
	if _, rcs := f.gh.inline(); len(rcs) != 3 {
		t.Errorf("%d inline comments after the second run, want 3", len(rcs))
	}
}

// TestMissingNodes: only NOT_FOUND entries at a node of the answer read as
// deleted comments; any other GraphQL error fails.
func TestMissingNodes(t *testing.T) {
	t.Parallel()
	nf := func(path ...any) graphqlError { return graphqlError{Type: "NOT_FOUND", Message: "gone", Path: path} }
	for _, tc := range []struct {
		name string
		errs []graphqlError
		want []int
		fail bool
	}{
		{"none", nil, nil, false},
		{"one deleted", []graphqlError{nf("nodes", 1.0)}, []int{1}, false},
		{"two deleted", []graphqlError{nf("nodes", 0.0), nf("nodes", 2.0)}, []int{0, 2}, false},
		{"beyond the batch", []graphqlError{nf("nodes", 3.0)}, nil, true},
		{"negative", []graphqlError{nf("nodes", -1.0)}, nil, true},
		{"not an index", []graphqlError{nf("nodes", 1.5)}, nil, true},
		{"another field", []graphqlError{nf("node", 0.0)}, nil, true},
		{"no path", []graphqlError{nf()}, nil, true},
		{"forbidden", []graphqlError{{Type: "FORBIDDEN", Message: "no", Path: []any{"nodes", 0.0}}}, nil, true},
		{"untyped", []graphqlError{{Message: "rate limited"}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := missingNodes(tc.errs, 3)
			if (err != nil) != tc.fail {
				t.Fatalf("err = %v, want failure %v", err, tc.fail)
			}
			if tc.fail {
				return
			}
			var idx []int
			for i := range 3 {
				if got[i] {
					idx = append(idx, i)
				}
			}
			if !slices.Equal(idx, tc.want) {
				t.Errorf("missing = %v, want %v", idx, tc.want)
			}
		})
	}
}

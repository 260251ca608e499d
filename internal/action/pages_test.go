package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPages checks the one pagination helper on scripted lists: pages in
// order, empty pages, an error mid-way, a cursor that does not advance,
// the page bound and a caller that stops early.
func TestPages(t *testing.T) {
	t.Parallel()
	type pg struct {
		items []int
		next  string
		more  bool
		err   error
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		list    map[string]pg // cursor → page; a missing cursor is an endless list of empty pages
		limit   int
		stopAt  int // the caller stops after this many items (0: never)
		want    []int
		wantErr string // "" for none
		fetches int
	}{
		{"one page", map[string]pg{"": {items: []int{1, 2}}}, 10, 0, []int{1, 2}, "", 1},
		{"three pages in order", map[string]pg{"": {[]int{1}, "a", true, nil}, "a": {[]int{2, 3}, "b", true, nil}, "b": {items: []int{4}}}, 10, 0, []int{1, 2, 3, 4}, "", 3},
		{"empty pages are read through", map[string]pg{"": {nil, "a", true, nil}, "a": {nil, "b", true, nil}, "b": {items: []int{7}}}, 10, 0, []int{7}, "", 3},
		{"an empty list", map[string]pg{"": {}}, 10, 0, nil, "", 1},
		{"an error mid-way ends it, last", map[string]pg{"": {[]int{1}, "a", true, nil}, "a": {err: boom}}, 10, 0, []int{1}, "boom", 2},
		{"a cursor that does not advance", map[string]pg{"": {[]int{1}, "a", true, nil}, "a": {[]int{2}, "a", true, nil}}, 10, 0, []int{1, 2}, "one already read (a)", 2},
		{"a cycle back to the first page", map[string]pg{"": {[]int{1}, "a", true, nil}, "a": {[]int{2}, "", true, nil}}, 10, 0, []int{1, 2}, "one already read", 2},
		{"more pages than the bound", nil, 5, 0, nil, "longer than capgate reads (5 pages)", 5},
		{"the caller stops early", map[string]pg{"": {[]int{1, 2}, "a", true, nil}, "a": {items: []int{3}}}, 10, 1, []int{1}, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fetches := 0
			fetch := func(_ context.Context, at string) ([]int, string, bool, error) {
				fetches++
				if p, ok := tc.list[at]; ok {
					return p.items, p.next, p.more, p.err
				}
				return nil, at + "x", true, nil
			}
			var got []int
			var errs []error
			for it, err := range pages(context.Background(), "", tc.limit, fetch) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if len(errs) > 0 {
					t.Fatalf("an item after the error")
				}
				if got = append(got, it); len(got) == tc.stopAt {
					break
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || fetches != tc.fetches {
				t.Errorf("items %v in %d fetches, want %v in %d", got, fetches, tc.want, tc.fetches)
			}
			switch {
			case tc.wantErr == "" && len(errs) > 0:
				t.Errorf("error %v", errs)
			case tc.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.wantErr)):
				t.Errorf("errors %v, want one with %q", errs, tc.wantErr)
			}
		})
	}
}

// commentsPath is the REST list of the pull request's comments.
var commentsPath = fmt.Sprintf("%s/issues/%d/comments", repoPath, prNumber)

// labelled is a fixture whose first run commented and whose label a
// maintainer then applied: a run that reads every list approves.
func labelled(t *testing.T) *fixture {
	t.Helper()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("first run: exit %d", res.code)
	}
	f.gh.label("capgate:approve-widening")
	return f
}

// requestsTo counts the requests made to path.
func requestsTo(f *fixture, path string) int {
	_, reqs := f.gh.snapshot()
	n := 0
	for _, r := range reqs {
		if strings.HasSuffix(r, " "+path) {
			n++
		}
	}
	return n
}

// TestRESTPagination runs the action against comment lists whose pages
// misbehave: an empty first page, a failure on the second page, a next
// page that is the page already read. Only a list read to its end counts;
// anything else approves nothing and keeps the one comment (fail closed),
// and no list is read without end.
func TestRESTPagination(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// list answers GET comments; real serves the fake's own list.
		list func(w http.ResponseWriter, r *http.Request, real func(*http.Request))
		code int
		say  string // in the log
	}{
		{"an empty first page", func(w http.ResponseWriter, r *http.Request, real func(*http.Request)) {
			if r.URL.Query().Get("page") == "" {
				w.Header().Set("Link", fmt.Sprintf(`<%s?page=2&per_page=100>; rel="next"`, r.URL.Path))
				writeJSON(w, http.StatusOK, []any{})
				return
			}
			real(withPage(r, "1"))
		}, ExitOK, ""},
		{"a failure on the second page", func(w http.ResponseWriter, r *http.Request, real func(*http.Request)) {
			if r.URL.Query().Get("page") == "" {
				w.Header().Set("Link", fmt.Sprintf(`<%s?page=2&per_page=100>; rel="next"`, r.URL.Path))
				writeJSON(w, http.StatusOK, []any{})
				return
			}
			writeJSON(w, http.StatusForbidden, notAccessible)
		}, ExitFailed, "HTTP 403"},
		{"a next page already read", func(w http.ResponseWriter, r *http.Request, _ func(*http.Request)) {
			w.Header().Set("Link", fmt.Sprintf(`<%s?page=2&per_page=100>; rel="next"`, r.URL.Path))
			writeJSON(w, http.StatusOK, []any{})
		}, ExitFailed, "one already read (2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := labelled(t)
			before, reqs := ours(f), requestsTo(f, commentsPath)
			f.gh.handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request, tok fakeToken) {
				tc.list(w, r, func(r *http.Request) { f.gh.listComments(w, r, tok) })
			})
			res := f.inProcess(context.Background(), nil)
			if res.code != tc.code || res.outputs["approved"] != strconv.FormatBool(tc.code == ExitOK) || !strings.Contains(res.stdout, tc.say) {
				t.Fatalf("exit %d, outputs %v, want exit %d and %q in:\n%s", res.code, res.outputs, tc.code, tc.say, res.stdout)
			}
			if after := ours(f); tc.code != ExitOK && after.ID != before.ID {
				t.Errorf("a list read only in part made a new comment")
			}
			// Two pages for the label check, two to comment.
			if n := requestsTo(f, commentsPath) - reqs; n > 4 {
				t.Errorf("%d requests for the comment list, want 4 at most", n)
			}
		})
	}
}

// withPage returns r asking for page p.
func withPage(r *http.Request, p string) *http.Request {
	u := *r.URL
	q := u.Query()
	q.Set("page", p)
	u.RawQuery = q.Encode()
	r2 := r.Clone(r.Context())
	r2.URL = &url.URL{Path: u.Path, RawQuery: u.RawQuery}
	return r2
}

// TestEditHistoryPagination: the edit history of capgate's comment is read
// to its end through GraphQL's cursors (an edit by someone else on the
// last page counts), and a history that cannot be read to its end (an
// error on a later page, a cursor that does not advance, more pages than
// capgate reads) approves nothing.
func TestEditHistoryPagination(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		mallory bool                        // mallory's edit is the oldest, on the last page
		edits   int                         // capgate's own edits
		node    func(w http.ResponseWriter) // answers the later pages (nil: the fake does)
		code    int
		say     string
		maxNode int // the most later-page requests
	}{
		{"three pages, all ours", false, 250, nil, ExitOK, "", 2},
		{"someone else's edit on the last page", true, 250, nil, ExitFailed, "edited by @", 2},
		{"an error on the second page", false, 150, func(w http.ResponseWriter) {
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"node": nil}, "errors": []map[string]string{{"message": "timeout"}}})
		}, ExitFailed, "could not be read", 1},
		{"a cursor that does not advance", false, 150, func(w http.ResponseWriter) {
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"node": map[string]any{"id": "x",
				"userContentEdits": map[string]any{"pageInfo": map[string]any{"hasNextPage": true, "endCursor": "100"}, "nodes": []any{}}}}})
		}, ExitFailed, "one already read (100)", 1},
		{"more pages than capgate reads", false, maxEditPages * editsPage, nil, ExitFailed, "more edits than capgate reads", maxEditPages - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
			f.inProcess(context.Background(), nil)
			c := ours(f)
			if tc.mallory {
				f.gh.edit("mallory", c.ID, c.Body)
			}
			for range tc.edits {
				f.gh.edit("github-actions[bot]", c.ID, c.Body)
			}
			f.gh.label("capgate:approve-widening")
			nodeReqs := 0
			f.gh.handle("POST /api/graphql", func(w http.ResponseWriter, r *http.Request, tok fakeToken) {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				var q struct{ Query string }
				_ = json.Unmarshal(b, &q)
				if !strings.Contains(q.Query, "node(id:") {
					f.gh.graphql(w, r, tok)
					return
				}
				nodeReqs++
				if tc.node == nil {
					f.gh.graphql(w, r, tok)
					return
				}
				tc.node(w)
			})
			res := f.inProcess(context.Background(), nil)
			f.gh.mu.Lock() // the handler counted with the lock held
			defer f.gh.mu.Unlock()
			if res.code != tc.code || !strings.Contains(res.summary+res.stdout, tc.say) {
				t.Fatalf("exit %d, want %d and %q in:\n%s\n%s", res.code, tc.code, tc.say, res.stdout, res.summary)
			}
			// The label check and the inline comments read it once each at
			// most; the pages beyond the first are nodeReqs.
			if nodeReqs == 0 && tc.edits >= editsPage || nodeReqs > tc.maxNode {
				t.Errorf("%d requests for later pages of the edit history, want 1 to %d", nodeReqs, tc.maxNode)
			}
		})
	}
}

// TestRereadUntil: a list that lags behind this run's writes is read
// again, with doubling waits on the injected clock, until it shows them or
// maxRereads reads were made; errors end it at once.
func TestRereadUntil(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for _, tc := range []struct {
		name      string
		showsAt   int   // the read that shows the write (0: never)
		readErrAt int   // the read that fails (0: none)
		waitErr   error // what every wait returns
		reads     int
		waits     []time.Duration
		err       error
	}{
		{"shows at once", 1, 0, nil, 1, nil, nil},
		{"shows on the third read", 3, 0, nil, 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, nil},
		{"never shows: the last read", 0, 0, nil, maxRereads, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond}, nil},
		{"a failed read", 0, 2, nil, 2, []time.Duration{100 * time.Millisecond}, boom},
		{"the run's time runs out while waiting", 0, 0, context.DeadlineExceeded, 1, []time.Duration{100 * time.Millisecond}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reads := 0
			var waits []time.Duration
			wait := func(_ context.Context, d time.Duration) error { waits = append(waits, d); return tc.waitErr }
			read := func() (int, error) {
				reads++
				if reads == tc.readErrAt {
					return 0, boom
				}
				return reads, nil
			}
			got, err := rereadUntil(context.Background(), wait, read, func(n int) bool { return n == tc.showsAt })
			if reads != tc.reads || !reflect.DeepEqual(waits, tc.waits) || !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("%d reads, waits %v, err %v; want %d, %v, %v", reads, waits, err, tc.reads, tc.waits, tc.err)
			}
			if err == nil && got != reads {
				t.Errorf("returned read %d, want the last (%d)", got, reads)
			}
		})
	}
}

// TestRESTPageFailsMidway: with 150 other comments the list has two pages
// (capgate's comment on the first); a fault on the second page fails the
// label check and the comment (fail closed: the first page alone is not
// the list), and no second comment of capgate's is made.
func TestRESTPageFailsMidway(t *testing.T) {
	t.Parallel()
	f := labelled(t)
	for range 150 {
		f.gh.addComment("someone", "lgtm")
	}
	f.gh.addFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || r.URL.Path != commentsPath || r.URL.Query().Get("page") != "2" {
			return false
		}
		writeJSON(w, http.StatusForbidden, notAccessible)
		return true
	})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" ||
		!strings.Contains(res.stdout, "could not check the approval label, so it approves nothing: the token may not do this (HTTP 403") ||
		!strings.Contains(res.stdout, "could not update the pull request comment") {
		t.Fatalf("exit %d, outputs %v:\n%s", res.code, res.outputs, res.stdout)
	}
	if n := len(f.gh.byLogin("github-actions[bot]")); n != 1 {
		t.Errorf("%d comments of capgate's, want the one", n)
	}
}

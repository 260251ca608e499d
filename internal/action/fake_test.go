package action

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeGitHub is an in-process stand-in for the parts of GitHub's REST and
// GraphQL APIs the action uses, behaving as GitHub documents them: bearer
// authentication, pagination with Link headers, 422 for a comment body over
// 65,536 characters, 403 for tokens without write access, secondary rate
// limits with Retry-After, and injected 5xx answers.
type fakeGitHub struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	tokens   map[string]fakeToken
	comments []*fakeComment
	nextID   int64
	prHead   string
	labels   []string
	// fail5xx answers the next n API calls with 502; rateLimit the next n
	// with a secondary rate limit (403 and Retry-After: retryAfter, or no
	// Retry-After at all when retryAfter is ""); hang the next n by not
	// answering until the client gives up.
	fail5xx, rateLimit, hang int
	retryAfter               string
	// failPost5xxAfterStore stores the next n comment POSTs and then
	// answers 502, as a proxy that loses the answer does.
	failPost5xxAfterStore int
	// crlf stores comment bodies with CRLF line ends, as a browser edit
	// does.
	crlf bool
	// missingPR answers 404 for the pull request, as GitHub does for a
	// deleted one or a repository the token cannot see.
	missingPR bool
	// events is the event list (labeled, unlabeled); files the
	// pull request's changed files with their patches; reviews the
	// reviews posted and reviewComments their inline comments.
	events         []fakeEvent
	files          []fakeFile
	reviews        int
	reviewComments []*fakeReviewComment
	requests       []string // "METHOD path"
	clock          int64    // seconds; every write advances it
}

type fakeEvent struct {
	ID    int64  `json:"id"`
	Event string `json:"event"`
	Label struct {
		Name string `json:"name"`
	} `json:"label"`
	CreatedAt string `json:"created_at"`
}

type fakeFile struct {
	Filename string `json:"filename"`
	Patch    string `json:"patch"`
}

type fakeReviewComment struct {
	ID     int64  `json:"id"`
	NodeID string `json:"node_id"`
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Side   string `json:"side"`
	Body   string `json:"body"`
	User   struct {
		Login string `json:"login"`
	} `json:"user"`
	minimized bool
}

// label applies a label now, as a maintainer would.
func (f *fakeGitHub) label(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.labels = append(f.labels, name)
	f.nextID++
	e := fakeEvent{ID: f.nextID, Event: "labeled", CreatedAt: f.tick()}
	e.Label.Name = name
	f.events = append(f.events, e)
}

// unlabel removes a label.
func (f *fakeGitHub) unlabel(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ls []string
	for _, l := range f.labels {
		if l != name {
			ls = append(ls, l)
		}
	}
	f.labels = ls
	f.nextID++
	e := fakeEvent{ID: f.nextID, Event: "unlabeled", CreatedAt: f.tick()}
	e.Label.Name = name
	f.events = append(f.events, e)
}

// page answers a list request with GitHub's pagination: per_page (default
// 30, at most 100), page, and a Link header naming the next page.
func page[T any](f *fakeGitHub, w http.ResponseWriter, r *http.Request, all []T) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 || per > 100 {
		per = 30
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pg = max(pg, 1)
	start := min((pg-1)*per, len(all))
	end := min(start+per, len(all))
	if end < len(all) {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(pg+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, f.srv.URL, next.RequestURI()))
	}
	out := all[start:end]
	if out == nil {
		out = []T{}
	}
	writeJSON(w, 200, out)
}

// rightSide reports whether line of path is on the head side of the pull
// request's diff (GitHub refuses review comments elsewhere).
func (f *fakeGitHub) rightSide(path string, line int) bool {
	for _, fl := range f.files {
		if fl.Filename == path {
			return rightLines(fl.Patch)[line]
		}
	}
	return false
}

// set changes the fake's state under its lock (the server may be serving
// a request of an earlier run).
func (f *fakeGitHub) set(fn func(g *fakeGitHub)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// tick returns the fake's clock as GitHub's timestamp format, advancing it.
func (f *fakeGitHub) tick() string {
	f.clock++
	return time.Unix(1_800_000_000+f.clock, 0).UTC().Format(time.RFC3339)
}

type fakeToken struct {
	login    string
	app      bool // an installation token: GET /user answers 403
	readOnly bool
}

type fakeComment struct {
	ID     int64  `json:"id"`
	NodeID string `json:"node_id"`
	Body   string `json:"body"`
	User   struct {
		Login string `json:"login"`
	} `json:"user"`
	HTMLURL   string `json:"html_url"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	minimized bool
}

const (
	repoPath = "/api/v3/repos/octo/servers"
	prNumber = 7
)

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, nextID: 1000, tokens: map[string]fakeToken{
		"ghs_workflowtoken": {login: "github-actions[bot]", app: true},
		"ghs_forktoken":     {login: "github-actions[bot]", app: true, readOnly: true},
		"ghp_maintainer":    {login: "maintainer"},
	}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) apiURL() string     { return f.srv.URL + "/api/v3" }
func (f *fakeGitHub) graphqlURL() string { return f.srv.URL + "/api/graphql" }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if f.hang > 0 {
		f.hang--
		f.requests = append(f.requests, "HANG "+r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		<-r.Context().Done()
		return
	}
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	if f.fail5xx > 0 {
		f.fail5xx--
		writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
		return
	}
	if f.rateLimit > 0 {
		f.rateLimit--
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})
		return
	}
	auth := r.Header.Get("Authorization")
	tok, ok := f.tokens[strings.TrimPrefix(auth, "Bearer ")]
	if !ok || !strings.HasPrefix(auth, "Bearer ") {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	notAccessible := map[string]string{"message": "Resource not accessible by integration"}
	p := r.URL.Path
	if f.missingPR && (strings.HasPrefix(p, fmt.Sprintf("%s/pulls/%d", repoPath, prNumber)) || strings.HasPrefix(p, fmt.Sprintf("%s/issues/%d/", repoPath, prNumber))) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	switch {
	case r.Method == "GET" && p == "/api/v3/user":
		if tok.app {
			writeJSON(w, http.StatusForbidden, notAccessible)
			return
		}
		writeJSON(w, 200, map[string]any{"login": tok.login})
	case r.Method == "POST" && p == "/api/graphql":
		var q struct {
			Query     string            `json:"query"`
			Variables map[string]string `json:"variables"`
		}
		_ = json.NewDecoder(r.Body).Decode(&q)
		switch {
		case strings.Contains(q.Query, "viewer"):
			writeJSON(w, 200, map[string]any{"data": map[string]any{"viewer": map[string]string{"login": tok.login}}})
		case strings.Contains(q.Query, "minimizeComment"):
			for _, c := range f.comments {
				if c.NodeID == q.Variables["id"] {
					c.minimized = true
				}
			}
			for _, c := range f.reviewComments {
				if c.NodeID == q.Variables["id"] {
					c.minimized = true
				}
			}
			writeJSON(w, 200, map[string]any{"data": map[string]any{"minimizeComment": map[string]any{}}})
		default:
			writeJSON(w, 400, map[string]string{"message": "unknown query"})
		}
	case r.Method == "GET" && p == fmt.Sprintf("%s/pulls/%d", repoPath, prNumber):
		labels := []map[string]string{}
		for _, l := range f.labels {
			labels = append(labels, map[string]string{"name": l})
		}
		writeJSON(w, 200, map[string]any{"number": prNumber, "head": map[string]string{"sha": f.prHead}, "labels": labels})
	case r.Method == "GET" && p == fmt.Sprintf("%s/issues/%d/comments", repoPath, prNumber):
		page(f, w, r, f.comments)
	case r.Method == "GET" && p == fmt.Sprintf("%s/issues/%d/labels", repoPath, prNumber):
		var ls []map[string]string
		for _, l := range f.labels {
			ls = append(ls, map[string]string{"name": l})
		}
		page(f, w, r, ls)
	case r.Method == "GET" && p == fmt.Sprintf("%s/issues/%d/events", repoPath, prNumber):
		page(f, w, r, f.events)
	case r.Method == "GET" && p == fmt.Sprintf("%s/pulls/%d/files", repoPath, prNumber):
		page(f, w, r, f.files)
	case r.Method == "GET" && p == fmt.Sprintf("%s/pulls/%d/comments", repoPath, prNumber):
		page(f, w, r, f.reviewComments)
	case r.Method == "POST" && p == fmt.Sprintf("%s/pulls/%d/reviews", repoPath, prNumber):
		if tok.readOnly {
			writeJSON(w, http.StatusForbidden, notAccessible)
			return
		}
		var in struct {
			CommitID string `json:"commit_id"`
			Event    string `json:"event"`
			Comments []struct {
				Path string `json:"path"`
				Line int    `json:"line"`
				Side string `json:"side"`
				Body string `json:"body"`
			} `json:"comments"`
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in.CommitID != "" && in.CommitID != f.prHead {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity", "errors": []string{"commit_id is not part of the pull request"}})
			return
		}
		for _, c := range in.Comments {
			if c.Side != "RIGHT" || !f.rightSide(c.Path, c.Line) {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity", "errors": []string{"Line could not be resolved"}})
				return
			}
		}
		f.reviews++
		for _, c := range in.Comments {
			f.nextID++
			rc := &fakeReviewComment{ID: f.nextID, NodeID: fmt.Sprintf("PRRC_%d", f.nextID), Path: c.Path, Line: c.Line, Side: c.Side, Body: c.Body}
			rc.User.Login = tok.login
			f.reviewComments = append(f.reviewComments, rc)
		}
		writeJSON(w, 200, map[string]any{"id": f.nextID, "state": "COMMENTED"})
	case r.Method == "PATCH" && strings.HasPrefix(p, repoPath+"/pulls/comments/"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(p, repoPath+"/pulls/comments/"), 10, 64)
		for _, c := range f.reviewComments {
			if c.ID == id {
				if c.User.Login != tok.login {
					writeJSON(w, http.StatusForbidden, notAccessible)
					return
				}
				var in struct{ Body string }
				_ = json.NewDecoder(r.Body).Decode(&in)
				c.Body = in.Body
				writeJSON(w, 200, c)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	case r.Method == "POST" && p == fmt.Sprintf("%s/issues/%d/comments", repoPath, prNumber):
		if tok.readOnly {
			writeJSON(w, http.StatusForbidden, notAccessible)
			return
		}
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if utf8.RuneCountInString(in.Body) > 65536 {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
				"errors": []map[string]string{{"resource": "IssueComment", "code": "custom", "field": "body", "message": "body is too long (maximum is 65536 characters)"}}})
			return
		}
		f.nextID++
		c := &fakeComment{ID: f.nextID, NodeID: fmt.Sprintf("IC_%d", f.nextID), Body: f.lineEnds(in.Body),
			HTMLURL: fmt.Sprintf("https://github.example/octo/servers/pull/%d#issuecomment-%d", prNumber, f.nextID)}
		c.CreatedAt = f.tick()
		c.UpdatedAt = c.CreatedAt
		c.User.Login = tok.login
		f.comments = append(f.comments, c)
		if f.failPost5xxAfterStore > 0 {
			f.failPost5xxAfterStore--
			writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
			return
		}
		writeJSON(w, http.StatusCreated, c)
	case strings.HasPrefix(p, repoPath+"/issues/comments/"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(p, repoPath+"/issues/comments/"), 10, 64)
		i := -1
		for k, c := range f.comments {
			if c.ID == id {
				i = k
			}
		}
		if i < 0 {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		if tok.readOnly || f.comments[i].User.Login != tok.login {
			writeJSON(w, http.StatusForbidden, notAccessible)
			return
		}
		switch r.Method {
		case "PATCH":
			var in struct{ Body string }
			_ = json.NewDecoder(r.Body).Decode(&in)
			if utf8.RuneCountInString(in.Body) > 65536 {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
				return
			}
			f.comments[i].Body = f.lineEnds(in.Body)
			f.comments[i].UpdatedAt = f.tick()
			writeJSON(w, 200, f.comments[i])
		case "DELETE":
			f.comments = append(f.comments[:i], f.comments[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, 405, map[string]string{"message": "Method Not Allowed"})
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// lineEnds stores a body as GitHub would after a browser edit when crlf
// is set.
func (f *fakeGitHub) lineEnds(s string) string {
	if f.crlf {
		return strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

// addComment puts a comment on the PR directly (as another user would).
func (f *fakeGitHub) addComment(login, body string) *fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	c := &fakeComment{ID: f.nextID, NodeID: fmt.Sprintf("IC_%d", f.nextID), Body: body}
	c.CreatedAt = f.tick()
	c.UpdatedAt = c.CreatedAt
	c.User.Login = login
	f.comments = append(f.comments, c)
	return c
}

func (f *fakeGitHub) snapshot() ([]fakeComment, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := make([]fakeComment, len(f.comments))
	for i, c := range f.comments {
		cs[i] = *c
	}
	return cs, append([]string(nil), f.requests...)
}

func (f *fakeGitHub) byLogin(login string) []fakeComment {
	cs, _ := f.snapshot()
	var out []fakeComment
	for _, c := range cs {
		if c.User.Login == login {
			out = append(out, c)
		}
	}
	return out
}

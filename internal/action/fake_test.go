package action

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
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
// 65,536 characters and for a review comment off the diff's right side,
// 403 for tokens without write access, a second user with write access who
// may edit anyone's comment (the edit shows in the comment's
// userContentEdits), issue events with times and actors, collaborator
// permissions, secondary rate limits with Retry-After, injected 5xx
// answers, latency, and comment lists that lag behind writes.
//
// Each route is one method (routes); a test replaces or adds one with
// handle, and faults are middleware in front of every route (faults; a
// test adds its own with addFault).
type fakeGitHub struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux
	// overrides are the test's own handlers, tried before the routes;
	// extra the test's own faults (addFault).
	overrides *http.ServeMux
	extra     []fault

	mu       sync.Mutex
	tokens   map[string]fakeToken
	comments []*fakeComment
	nextID   int64
	prHead   string
	// author is the pull request's author; perms the collaborators'
	// role_name (read, triage, write, maintain, admin) by login.
	author string
	perms  map[string]string
	// teams maps org/slug to the team's permission on the repository
	// (pull, triage, push, maintain, admin); a team not listed has no
	// access (404).
	teams  map[string]string
	labels []string
	// fail5xx answers the next n API calls with 502; rateLimit the next n
	// with a secondary rate limit (403 and Retry-After: retryAfter, or no
	// Retry-After at all when retryAfter is ""); hang the next n by not
	// answering until the client gives up.
	fail5xx, rateLimit, hang int
	retryAfter               string
	// hung hears of each request held by hang (when nobody listens, the
	// request is held all the same), so that a test acts on it instead of
	// waiting on the wall clock.
	hung chan string
	// latency is how many times, at most, a request yields the processor
	// before it is served (a random share of it, so that concurrent runs
	// interleave differently; yields, not sleeps, so no test waits on the
	// wall clock).
	latency int
	// listLag hides from comment lists the comments created within the
	// last listLag requests, as GitHub's replicas lag behind the primary.
	listLag int
	// failPost5xxAfterStore stores the next n comment POSTs and then
	// answers 502, as a proxy that loses the answer does.
	failPost5xxAfterStore int
	// crlf stores comment bodies with CRLF line ends, as a browser edit
	// does.
	crlf bool
	// missingPR answers 404 for the pull request, as GitHub does for a
	// deleted one or a repository the token cannot see.
	missingPR bool
	// events is the issue's event list (labeled, unlabeled); files the
	// pull request's changed files with their patches; reviews counts the
	// review comments posted (each its own review) and reviewComments are
	// the inline comments.
	events         []fakeEvent
	files          []fakeFile
	reviews        int
	reviewComments []*fakeReviewComment
	requests       []string // "METHOD path"
	clock          int64    // seconds; every write advances it
	served         int      // requests so far (for listLag)
}

type fakeActor struct {
	Login string `json:"login"`
}

type fakeEvent struct {
	ID    int64     `json:"id"`
	Event string    `json:"event"`
	Actor fakeActor `json:"actor"`
	Label struct {
		Name string `json:"name"`
	} `json:"label"`
	CreatedAt string `json:"created_at"`
}

type fakeFile struct {
	Filename string `json:"filename"`
	Patch    string `json:"patch"`
}

// fakeEdit is one entry of a comment's edit history (GraphQL
// userContentEdits), newest last.
type fakeEdit struct {
	login string
}

type fakeReviewComment struct {
	ID        int64     `json:"id"`
	NodeID    string    `json:"node_id"`
	Path      string    `json:"path"`
	Line      int       `json:"line"`
	Side      string    `json:"side"`
	CommitID  string    `json:"commit_id"`
	Body      string    `json:"body"`
	User      fakeActor `json:"user"`
	minimized bool
	edits     []fakeEdit
	written   int // the request that created it (for listLag)
}

type fakeComment struct {
	ID        int64     `json:"id"`
	NodeID    string    `json:"node_id"`
	Body      string    `json:"body"`
	User      fakeActor `json:"user"`
	HTMLURL   string    `json:"html_url"`
	CreatedAt string    `json:"created_at"`
	UpdatedAt string    `json:"updated_at"`
	minimized bool
	edits     []fakeEdit
	written   int
}

type fakeToken struct {
	login    string
	app      bool // an installation token: GET /user answers 403
	readOnly bool
}

const (
	repoPath = "/api/v3/repos/octo/servers"
	prNumber = 7
)

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, nextID: 1000, author: "contributor", tokens: map[string]fakeToken{
		"ghs_workflowtoken": {login: "github-actions[bot]", app: true},
		"ghs_forktoken":     {login: "github-actions[bot]", app: true, readOnly: true},
		"ghp_maintainer":    {login: "maintainer"},
		"ghp_mallory":       {login: "mallory"},
		"ghp_contributor":   {login: "contributor"},
	}, perms: map[string]string{"maintainer": "admin", "mallory": "write", "contributor": "write", "triager": "triage", "sec": "write"},
		teams: map[string]string{"octo/security": "push"}}
	f.mux, f.overrides = http.NewServeMux(), http.NewServeMux()
	f.routes()
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// fakeHandler serves one request with the fake's lock held; tok is the
// caller's token.
type fakeHandler func(w http.ResponseWriter, r *http.Request, tok fakeToken)

// handle adds or replaces the route for pattern (http.ServeMux syntax,
// such as "GET /api/v3/user") for this test.
func (f *fakeGitHub) handle(pattern string, h fakeHandler) {
	f.overrides.Handle(pattern, f.wrap(h))
}

type tokenKey struct{}

func contextWith(r *http.Request, tok fakeToken) context.Context {
	return context.WithValue(r.Context(), tokenKey{}, tok)
}

func (f *fakeGitHub) wrap(h fakeHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, r.Context().Value(tokenKey{}).(fakeToken))
	})
}

func (f *fakeGitHub) routes() {
	pr := fmt.Sprintf("%s/pulls/%d", repoPath, prNumber)
	issue := fmt.Sprintf("%s/issues/%d", repoPath, prNumber)
	for pattern, h := range map[string]fakeHandler{
		"GET /api/v3/user":                                       f.getUser,
		"POST /api/graphql":                                      f.graphql,
		"GET " + pr:                                              f.getPR,
		"GET " + pr + "/files":                                   func(w http.ResponseWriter, r *http.Request, _ fakeToken) { page(f, w, r, f.files) },
		"GET " + pr + "/comments":                                f.listReviewComments,
		"POST " + pr + "/comments":                               f.postReviewComment,
		"POST " + pr + "/reviews":                                f.postReview,
		"PATCH " + repoPath + "/pulls/comments/{id}":             f.editReviewComment,
		"DELETE " + repoPath + "/pulls/comments/{id}":            f.deleteReviewComment,
		"GET " + issue + "/comments":                             f.listComments,
		"POST " + issue + "/comments":                            f.postComment,
		"GET " + issue + "/labels":                               f.listLabels,
		"GET " + issue + "/events":                               func(w http.ResponseWriter, r *http.Request, _ fakeToken) { page(f, w, r, f.events) },
		"PATCH " + repoPath + "/issues/comments/{id}":            f.editComment,
		"DELETE " + repoPath + "/issues/comments/{id}":           f.deleteComment,
		"GET " + repoPath + "/collaborators/{user}/permission":   f.getPermission,
		"GET /api/v3/orgs/{org}/teams/{team}/repos/octo/servers": f.getTeamRepo,
	} {
		f.mux.Handle(pattern, f.wrap(h))
	}
}

func (f *fakeGitHub) apiURL() string     { return f.srv.URL + "/api/v3" }
func (f *fakeGitHub) graphqlURL() string { return f.srv.URL + "/api/graphql" }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

var (
	notAccessible = map[string]string{"message": "Resource not accessible by integration"}
	notFound      = map[string]string{"message": "Not Found"}
)

// fault is one middleware in front of the routes: called with the fake's
// lock held, it answers the request itself (and returns true) or lets it
// through.
type fault func(w http.ResponseWriter, r *http.Request) bool

// faults are the fake's middleware, in order: 5xx answers, secondary rate
// limits, authentication, a missing pull request, then the test's own
// (addFault).
func (f *fakeGitHub) faults() []fault {
	return append([]fault{f.serverError, f.secondaryLimit, f.authenticate, f.pullRequestGone}, f.extra...)
}

// addFault adds a test's own middleware after the built-in ones.
func (f *fakeGitHub) addFault(fl fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.extra = append(f.extra, fl)
}

// serve puts latency and hangs (which must not hold the lock), then the
// faults, in front of the test's handlers and the routes.
func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	lat := f.latency
	f.mu.Unlock()
	for range rand.N(lat + 1) {
		runtime.Gosched() // injected latency, so that runs interleave
	}
	f.mu.Lock()
	if f.hang > 0 {
		f.hang--
		f.requests = append(f.requests, "HANG "+r.Method+" "+r.URL.Path)
		hung := f.hung
		f.mu.Unlock()
		select {
		case hung <- r.Method + " " + r.URL.Path:
		default:
		}
		<-r.Context().Done()
		return
	}
	defer f.mu.Unlock()
	f.served++
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	for _, fl := range f.faults() {
		if fl(w, r) {
			return
		}
	}
	tok := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	r = r.WithContext(contextWith(r, tok))
	// ServeHTTP (not the handler Handler returns) sets the path values.
	if _, pattern := f.overrides.Handler(r); pattern != "" {
		f.overrides.ServeHTTP(w, r)
		return
	}
	if _, pattern := f.mux.Handler(r); pattern != "" {
		f.mux.ServeHTTP(w, r)
		return
	}
	writeJSON(w, http.StatusNotFound, notFound)
}

func (f *fakeGitHub) serverError(w http.ResponseWriter, _ *http.Request) bool {
	if f.fail5xx <= 0 {
		return false
	}
	f.fail5xx--
	writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
	return true
}

func (f *fakeGitHub) secondaryLimit(w http.ResponseWriter, _ *http.Request) bool {
	if f.rateLimit <= 0 {
		return false
	}
	f.rateLimit--
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	writeJSON(w, http.StatusForbidden, map[string]string{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})
	return true
}

func (f *fakeGitHub) authenticate(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if _, ok := f.tokens[strings.TrimPrefix(auth, "Bearer ")]; ok && strings.HasPrefix(auth, "Bearer ") {
		return false
	}
	writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
	return true
}

func (f *fakeGitHub) pullRequestGone(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if f.missingPR && (strings.HasPrefix(p, fmt.Sprintf("%s/pulls/%d", repoPath, prNumber)) || strings.HasPrefix(p, fmt.Sprintf("%s/issues/%d/", repoPath, prNumber))) {
		writeJSON(w, http.StatusNotFound, notFound)
		return true
	}
	return false
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

// write advances the clock for a write, returning its timestamp.
func (f *fakeGitHub) write() string { return f.tick() }

// visible reports whether something created during request n shows in a
// list yet (listLag).
func (f *fakeGitHub) visible(n int) bool { return n <= f.served-f.listLag }

func (f *fakeGitHub) getUser(w http.ResponseWriter, _ *http.Request, tok fakeToken) {
	if tok.app {
		writeJSON(w, http.StatusForbidden, notAccessible)
		return
	}
	writeJSON(w, 200, map[string]any{"login": tok.login})
}

func (f *fakeGitHub) getPR(w http.ResponseWriter, _ *http.Request, _ fakeToken) {
	labels := []map[string]string{}
	for _, l := range f.labels {
		labels = append(labels, map[string]string{"name": l})
	}
	writeJSON(w, 200, map[string]any{"number": prNumber, "head": map[string]string{"sha": f.prHead},
		"user": map[string]string{"login": f.author}, "labels": labels})
}

func (f *fakeGitHub) getPermission(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	role, ok := f.perms[r.PathValue("user")]
	if !ok {
		writeJSON(w, http.StatusNotFound, notFound)
		return
	}
	// permission is the older, coarser field: maintain reads as write,
	// triage as read.
	perm := map[string]string{"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}[role]
	writeJSON(w, 200, map[string]any{"permission": perm, "role_name": role, "user": map[string]string{"login": r.PathValue("user")}})
}

func (f *fakeGitHub) listLabels(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	var ls []map[string]string
	for _, l := range f.labels {
		ls = append(ls, map[string]string{"name": l})
	}
	page(f, w, r, ls)
}

func (f *fakeGitHub) listComments(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	var shown []*fakeComment
	for _, c := range f.comments {
		if f.visible(c.written) {
			shown = append(shown, c)
		}
	}
	page(f, w, r, shown)
}

func (f *fakeGitHub) postComment(w http.ResponseWriter, r *http.Request, tok fakeToken) {
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
	c := f.newComment(tok.login, f.lineEnds(in.Body))
	if f.failPost5xxAfterStore > 0 {
		f.failPost5xxAfterStore--
		writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (f *fakeGitHub) newComment(login, body string) *fakeComment {
	f.nextID++
	c := &fakeComment{ID: f.nextID, NodeID: fmt.Sprintf("IC_%d", f.nextID), Body: body,
		HTMLURL: fmt.Sprintf("https://github.example/octo/servers/pull/%d#issuecomment-%d", prNumber, f.nextID)}
	c.CreatedAt = f.write()
	c.UpdatedAt, c.written = c.CreatedAt, f.served
	c.User.Login = login
	f.comments = append(f.comments, c)
	return c
}

func (f *fakeGitHub) findComment(w http.ResponseWriter, r *http.Request, tok fakeToken) int {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for k, c := range f.comments {
		if c.ID == id {
			// GitHub lets anyone with write access edit or delete anyone's
			// comment.
			if tok.readOnly || (c.User.Login != tok.login && f.perms[tok.login] != "write" && f.perms[tok.login] != "admin" && f.perms[tok.login] != "maintain") {
				writeJSON(w, http.StatusForbidden, notAccessible)
				return -1
			}
			return k
		}
	}
	writeJSON(w, http.StatusNotFound, notFound)
	return -1
}

func (f *fakeGitHub) editComment(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	i := f.findComment(w, r, tok)
	if i < 0 {
		return
	}
	var in struct{ Body string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	if utf8.RuneCountInString(in.Body) > 65536 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
		return
	}
	c := f.comments[i]
	if len(c.edits) == 0 { // the history starts with the original
		c.edits = append(c.edits, fakeEdit{c.User.Login})
	}
	c.edits = append(c.edits, fakeEdit{tok.login})
	c.Body = f.lineEnds(in.Body)
	c.UpdatedAt = f.write()
	writeJSON(w, 200, c)
}

func (f *fakeGitHub) deleteComment(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	i := f.findComment(w, r, tok)
	if i < 0 {
		return
	}
	f.comments = append(f.comments[:i], f.comments[i+1:]...)
	f.write()
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeGitHub) listReviewComments(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	var shown []*fakeReviewComment
	for _, c := range f.reviewComments {
		if f.visible(c.written) {
			shown = append(shown, c)
		}
	}
	page(f, w, r, shown)
}

type reviewCommentIn struct {
	CommitID string `json:"commit_id"`
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Side     string `json:"side"`
	Body     string `json:"body"`
}

// acceptable answers 422 as GitHub does for a review comment it cannot
// place: another commit than the head, or a line that is not on the
// right side of the pull request's diff (inside a hunk).
func (f *fakeGitHub) acceptable(w http.ResponseWriter, c reviewCommentIn) bool {
	if c.CommitID != "" && c.CommitID != f.prHead {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity", "errors": []string{"commit_id is not part of the pull request"}})
		return false
	}
	if c.Side != "RIGHT" || !f.rightSide(c.Path, c.Line) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity", "errors": []string{"Line could not be resolved"}})
		return false
	}
	return true
}

func (f *fakeGitHub) addReviewComment(login string, c reviewCommentIn) *fakeReviewComment {
	f.nextID++
	rc := &fakeReviewComment{ID: f.nextID, NodeID: fmt.Sprintf("PRRC_%d", f.nextID), Path: c.Path, Line: c.Line, Side: c.Side, CommitID: c.CommitID, Body: c.Body}
	rc.User.Login = login
	f.write()
	rc.written = f.served
	f.reviewComments = append(f.reviewComments, rc)
	return rc
}

func (f *fakeGitHub) postReviewComment(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	if tok.readOnly {
		writeJSON(w, http.StatusForbidden, notAccessible)
		return
	}
	var in reviewCommentIn
	_ = json.NewDecoder(r.Body).Decode(&in)
	if in.CommitID == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed", "errors": []string{"commit_id is missing"}})
		return
	}
	if !f.acceptable(w, in) {
		return
	}
	f.reviews++
	writeJSON(w, http.StatusCreated, f.addReviewComment(tok.login, in))
}

func (f *fakeGitHub) postReview(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	if tok.readOnly {
		writeJSON(w, http.StatusForbidden, notAccessible)
		return
	}
	var in struct {
		CommitID string            `json:"commit_id"`
		Event    string            `json:"event"`
		Comments []reviewCommentIn `json:"comments"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	for _, c := range in.Comments {
		c.CommitID = in.CommitID
		if !f.acceptable(w, c) {
			return
		}
	}
	f.reviews++
	for _, c := range in.Comments {
		c.CommitID = in.CommitID
		f.addReviewComment(tok.login, c)
	}
	writeJSON(w, 200, map[string]any{"id": f.nextID, "state": "COMMENTED"})
}

func (f *fakeGitHub) findReviewComment(w http.ResponseWriter, r *http.Request, tok fakeToken) int {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for k, c := range f.reviewComments {
		if c.ID == id {
			if tok.readOnly || (c.User.Login != tok.login && f.perms[tok.login] == "") {
				writeJSON(w, http.StatusForbidden, notAccessible)
				return -1
			}
			return k
		}
	}
	writeJSON(w, http.StatusNotFound, notFound)
	return -1
}

func (f *fakeGitHub) editReviewComment(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	i := f.findReviewComment(w, r, tok)
	if i < 0 {
		return
	}
	c := f.reviewComments[i]
	var in struct{ Body string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	if len(c.edits) == 0 {
		c.edits = append(c.edits, fakeEdit{c.User.Login})
	}
	c.edits = append(c.edits, fakeEdit{tok.login})
	c.Body = in.Body
	f.write()
	writeJSON(w, 200, c)
}

func (f *fakeGitHub) deleteReviewComment(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	i := f.findReviewComment(w, r, tok)
	if i < 0 {
		return
	}
	f.reviewComments = append(f.reviewComments[:i], f.reviewComments[i+1:]...)
	f.write()
	w.WriteHeader(http.StatusNoContent)
}

// graphqlActor renders a login as a GraphQL Actor: an app's "NAME[bot]"
// is the Bot "NAME".
func graphqlActor(login string) map[string]string {
	if name, ok := strings.CutSuffix(login, "[bot]"); ok {
		return map[string]string{"__typename": "Bot", "login": name}
	}
	return map[string]string{"__typename": "User", "login": login}
}

func (f *fakeGitHub) graphql(w http.ResponseWriter, r *http.Request, tok fakeToken) {
	var q struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	_ = json.NewDecoder(r.Body).Decode(&q)
	str := func(k string) string { s, _ := q.Variables[k].(string); return s }
	switch {
	case strings.Contains(q.Query, "viewer"):
		writeJSON(w, 200, map[string]any{"data": map[string]any{"viewer": map[string]string{"login": tok.login}}})
	case strings.Contains(q.Query, "minimizeComment"):
		for _, c := range f.comments {
			c.minimized = c.minimized || c.NodeID == str("id")
		}
		for _, c := range f.reviewComments {
			c.minimized = c.minimized || c.NodeID == str("id")
		}
		writeJSON(w, 200, map[string]any{"data": map[string]any{"minimizeComment": map[string]any{}}})
	case strings.Contains(q.Query, "nodes(ids:"):
		ids, _ := q.Variables["ids"].([]any)
		nodes, errs := []any{}, []any{}
		for i, id := range ids {
			s, _ := id.(string)
			n := f.editsNode(s, "")
			if n == nil {
				// As GitHub answers an ID that no longer resolves (a
				// deleted comment): null, and an error at its path.
				errs = append(errs, map[string]any{"type": "NOT_FOUND", "path": []any{"nodes", i},
					"message": "Could not resolve to a node with the global id of '" + s + "'."})
			}
			nodes = append(nodes, n)
		}
		out := map[string]any{"data": map[string]any{"nodes": nodes}}
		if len(errs) > 0 {
			out["errors"] = errs
		}
		writeJSON(w, 200, out)
	case strings.Contains(q.Query, "node(id:"):
		writeJSON(w, 200, map[string]any{"data": map[string]any{"node": f.editsNode(str("id"), str("after"))}})
	default:
		writeJSON(w, 400, map[string]string{"message": "unknown query"})
	}
}

// editsPage is how many edits one page of userContentEdits holds.
const editsPage = 100

// editsNode renders a comment with its edit history as GraphQL does, one
// page of userContentEdits from the cursor after (an index); nil when
// there is no such comment.
func (f *fakeGitHub) editsNode(id, after string) any {
	var edits []fakeEdit
	found := false
	for _, c := range f.comments {
		if c.NodeID == id {
			edits, found = c.edits, true
		}
	}
	for _, c := range f.reviewComments {
		if c.NodeID == id {
			edits, found = c.edits, true
		}
	}
	if !found {
		return nil
	}
	// GitHub lists the newest edit first.
	newest := make([]fakeEdit, len(edits))
	for i, e := range edits {
		newest[len(edits)-1-i] = e
	}
	start, _ := strconv.Atoi(after)
	start = min(start, len(newest))
	end := min(start+editsPage, len(newest))
	nodes := []any{}
	for _, e := range newest[start:end] {
		nodes = append(nodes, map[string]any{"editor": graphqlActor(e.login)})
	}
	n := map[string]any{"id": id, "editor": nil, "lastEditedAt": nil,
		"userContentEdits": map[string]any{"pageInfo": map[string]any{"hasNextPage": end < len(newest), "endCursor": strconv.Itoa(end)}, "nodes": nodes}}
	if len(edits) > 0 {
		n["editor"], n["lastEditedAt"] = graphqlActor(edits[len(edits)-1].login), "2027-01-01T00:00:00Z"
	}
	return n
}

// label applies a label now, as the maintainer would.
func (f *fakeGitHub) label(name string) { f.labelBy("maintainer", name) }

// labelBy applies a label now, as login would.
func (f *fakeGitHub) labelBy(login, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.labels = append(f.labels, name)
	f.event(login, "labeled", name)
}

func (f *fakeGitHub) event(login, what, label string) {
	f.nextID++
	e := fakeEvent{ID: f.nextID, Event: what, CreatedAt: f.write()}
	e.Actor.Login = login
	e.Label.Name = label
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
	f.event("maintainer", "unlabeled", name)
}

// edit changes a comment as login would through the API (anyone with
// write access may edit anyone's comment).
func (f *fakeGitHub) edit(login string, id int64, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.comments {
		if c.ID == id {
			if len(c.edits) == 0 {
				c.edits = append(c.edits, fakeEdit{c.User.Login})
			}
			c.edits = append(c.edits, fakeEdit{login})
			c.Body = body
			c.UpdatedAt = f.write()
			return
		}
	}
	f.t.Fatalf("no comment %d to edit", id)
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
	return f.newComment(login, body)
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

// inline returns a copy of the review comments and how many were posted.
func (f *fakeGitHub) inline() (int, []fakeReviewComment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]fakeReviewComment, len(f.reviewComments))
	for i, c := range f.reviewComments {
		out[i] = *c
	}
	return f.reviews, out
}

// getTeamRepo answers as GitHub documents "Check team permissions for a
// repository": with the repository media type, 200 and the team's
// permissions; without it, 204; 404 when the team has no access or does
// not exist.
func (f *fakeGitHub) getTeamRepo(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	perm, ok := f.teams[r.PathValue("org")+"/"+r.PathValue("team")]
	if !ok {
		writeJSON(w, http.StatusNotFound, notFound)
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "application/vnd.github.v3.repository+json") {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rank := map[string]int{"pull": 1, "triage": 2, "push": 3, "maintain": 4, "admin": 5}[perm]
	perms := map[string]bool{}
	for p, n := range map[string]int{"pull": 1, "triage": 2, "push": 3, "maintain": 4, "admin": 5} {
		perms[p] = rank >= n
	}
	writeJSON(w, 200, map[string]any{"full_name": "octo/servers", "permissions": perms, "role_name": perm})
}

package action

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the run's clock, wait and timers in these tests: a wait
// returns at once and moves the clock on, so a minute's back-off takes no
// time, and the waits asked for are recorded; a timer (After: an API
// attempt's timeout, a share of the time limit) fires when the clock
// reaches it, by a wait or by Advance, never by the wall clock.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	waits  []time.Duration
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	c.waits = append(c.waits, d)
	c.advance(d)
	return nil
}

// After returns a channel that receives when the clock reaches d from now.
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := fakeTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	c.fire()
	return t.c
}

// Advance moves the clock on by d, firing the timers it reaches.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(d)
}

func (c *fakeClock) advance(d time.Duration) {
	c.now = c.now.Add(d)
	c.fire()
}

// fire sends on the timers that are due and forgets them.
func (c *fakeClock) fire() {
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.c <- c.now
	}
	c.timers = kept
}

// Timers returns how many timers have not fired yet.
func (c *fakeClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// transportSetup returns a client with the action's retry transport in front
// of a fake GitHub, and the fake clock it waits on.
func transportSetup(t *testing.T) (*fakeGitHub, *http.Client, *fakeClock) {
	f := newFakeGitHub(t)
	clk := newFakeClock()
	rt := &retryTransport{base: http.DefaultTransport, attempt: 30 * time.Second, maxWait: 70 * time.Second,
		secondary: time.Minute, now: clk.Now, wait: clk.Wait, after: clk.After}
	return f, &http.Client{Transport: rt}, clk
}

func get(t *testing.T, ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer ghp_maintainer")
	resp, err := c.Do(req)
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	f, c, clk := transportSetup(t)
	f.set(func(g *fakeGitHub) { g.rateLimit, g.retryAfter = 1, "60" })
	ctx := deadlineOn(t, clk, 3*time.Minute)
	resp, err := get(t, ctx, c, f.apiURL()+"/user")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after Retry-After: %v %v", resp, err)
	}
	if w := clk.Waits(); len(w) != 1 || w[0] != 60*time.Second {
		t.Errorf("waits %v, want one of 60s", w)
	}
}

func TestRetryAfterPastDeadlineIsNotWaited(t *testing.T) {
	t.Parallel()
	f, c, clk := transportSetup(t)
	f.set(func(g *fakeGitHub) { g.rateLimit, g.retryAfter = 1, "60" })
	ctx := deadlineOn(t, clk, 10*time.Second)
	resp, err := get(t, ctx, c, f.apiURL()+"/user")
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("want the 403 back at once: %v %v", resp, err)
	}
	if w := clk.Waits(); len(w) != 0 {
		t.Errorf("waited %v past the deadline", w)
	}
}

func TestSecondaryLimitWithoutRetryAfterIsRetried(t *testing.T) {
	t.Parallel()
	f, c, clk := transportSetup(t)
	f.set(func(g *fakeGitHub) { g.rateLimit, g.retryAfter = 1, "" })
	ctx := deadlineOn(t, clk, 3*time.Minute)
	resp, err := get(t, ctx, c, f.apiURL()+"/user")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("secondary limit not retried: %v %v", resp, err)
	}
	if w := clk.Waits(); len(w) != 1 || w[0] != time.Minute {
		t.Errorf("waits %v, want one of 1m (GitHub asks for at least a minute)", w)
	}
}

func TestPersistent5xxEndsWithItsStatus(t *testing.T) {
	t.Parallel()
	f, c, clk := transportSetup(t)
	f.set(func(g *fakeGitHub) { g.fail5xx = 1 << 30 })
	ctx := deadlineOn(t, clk, 20*time.Second)
	resp, err := get(t, ctx, c, f.apiURL()+"/user")
	if err != nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("want the 502 once the deadline is near: %v %v", resp, err)
	}
	var total time.Duration
	for _, w := range clk.Waits() {
		total += w
	}
	if len(clk.Waits()) < 3 || total > 20*time.Second {
		t.Errorf("waits %v (total %s) against a 20s deadline", clk.Waits(), total)
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	f := newFakeGitHub(t)
	clk := newFakeClock()
	c := &http.Client{Transport: &retryTransport{base: http.DefaultTransport, attempt: 30 * time.Second,
		maxWait: time.Minute, secondary: time.Minute, now: clk.Now, wait: clk.Wait, after: clk.After}}
	hung := make(chan string, 1)
	f.set(func(g *fakeGitHub) { g.hang, g.hung = 1, hung })
	go func() {
		<-hung // the first attempt, held: its 30 s run out on the fake clock
		clk.Advance(30 * time.Second)
	}()
	resp, err := get(t, context.Background(), c, f.apiURL()+"/user")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("a hung attempt was not retried: %v %v", resp, err)
	}
	if _, reqs := f.snapshot(); len(reqs) != 2 || !strings.HasPrefix(reqs[0], "HANG") {
		t.Errorf("requests %v", reqs)
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	if err := sleepCtx(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("sleepCtx after cancel: %v", err)
	}
}

func TestPostIsNotRepeatedAfter5xx(t *testing.T) {
	t.Parallel()
	f, c, _ := transportSetup(t)
	f.set(func(g *fakeGitHub) { g.fail5xx = 1 })
	req, _ := http.NewRequest("POST", f.apiURL()+"/repos/octo/servers/issues/7/comments", strings.NewReader(`{"body":"x"}`))
	req.Header.Set("Authorization", "Bearer ghp_maintainer")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, reqs := f.snapshot(); resp.StatusCode != http.StatusBadGateway || len(reqs) != 1 {
		t.Errorf("status %d after requests %v: a POST that may have landed was repeated", resp.StatusCode, reqs)
	}
}

func TestGraphQLURL(t *testing.T) {
	t.Parallel()
	for api, want := range map[string]string{
		"https://api.github.com":         "https://api.github.com/graphql",
		"https://ghes.example/api/v3":    "https://ghes.example/api/graphql",
		"https://ghes.example/api/v3/":   "https://ghes.example/api/graphql",
		"https://proxy.example/gh/api/":  "https://proxy.example/gh/api/graphql",
		"https://ghe.example.com/api/v3": "https://ghe.example.com/api/graphql",
	} {
		if got := graphqlFor(api); got != want {
			t.Errorf("graphqlFor(%q) = %q, want %q", api, got, want)
		}
	}
}

// inProcess runs Main in this process with the fixture's environment and a
// fake clock, so back-off waits take no time.
func (f *fixture) inProcess(ctx context.Context, clk *fakeClock) result {
	f.t.Helper()
	os.Remove(f.outPath)
	os.Remove(f.summary)
	var out bytes.Buffer
	env := Env{Getenv: func(k string) string { return f.env[k] }, Stdout: &out}
	if clk != nil {
		env.Now, env.Wait, env.After = clk.Now, clk.Wait, clk.After
	}
	code := Main(ctx, env)
	sum, _ := os.ReadFile(f.summary)
	return result{code: code, stdout: out.String(), outputs: parseOutputs(f.t, f.outPath), summary: string(sum)}
}

// deadline is a context whose deadline the test decides: expire ends it
// with context.DeadlineExceeded, as the run's input timeout running out
// would, without a wait on the wall clock.
// When in is set, Deadline reports a deadline that far from whenever it is
// asked (what the run budgets from, whatever the machine's load), on clock
// (the wall clock when nil), but only expire ends the context. When at is
// set, the deadline is that time (on a fake clock).
type deadline struct {
	context.Context
	done  chan struct{}
	once  sync.Once
	in    time.Duration
	clock func() time.Time
	at    time.Time
}

// deadlineOn is a deadline d from now on clk: it passes only as clk's
// waits move the clock on, whatever the machine's load.
func deadlineOn(t *testing.T, clk *fakeClock, d time.Duration) *deadline {
	ctx := newDeadline()
	ctx.at = clk.Now().Add(d)
	t.Cleanup(ctx.expire)
	return ctx
}

func newDeadline() *deadline {
	return &deadline{Context: context.Background(), done: make(chan struct{})}
}

func (d *deadline) expire()               { d.once.Do(func() { close(d.done) }) }
func (d *deadline) Done() <-chan struct{} { return d.done }

func (d *deadline) Deadline() (time.Time, bool) {
	if !d.at.IsZero() {
		return d.at, true
	}
	now := time.Now
	if d.clock != nil {
		now = d.clock
	}
	return now().Add(d.in), d.in > 0
}

func (d *deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// expireOnHang expires ctx once the fake has held a request.
func expireOnHang(t *testing.T, g *fakeGitHub, ctx *deadline) {
	hung := make(chan string, 1)
	g.set(func(g *fakeGitHub) { g.hung = hung })
	go func() {
		<-hung
		ctx.expire()
	}()
	t.Cleanup(ctx.expire)
}

func TestHangingAPIKeepsTheResult(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.gh.set(func(g *fakeGitHub) { g.hang = 1 << 30 })
	f.env["INPUT_COMMENT"] = "hide-and-new"
	ctx := newDeadline()
	expireOnHang(t, f.gh, ctx)
	res := f.inProcess(ctx, nil)
	if res.code != ExitFailed || res.outputs["widened"] != "true" || !strings.Contains(res.summary, "Widened") {
		t.Fatalf("the result was lost: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
	if !strings.Contains(res.stdout, "time limit") {
		t.Errorf("the warning does not say the time limit ran out:\n%s", res.stdout)
	}
	if _, reqs := f.gh.snapshot(); len(reqs) > 2 {
		t.Errorf("kept calling a hanging API after the deadline: %v", reqs)
	}
}

func TestNoTokenSkipsTheCommentAtOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_GITHUB-TOKEN"] = ""
	res := f.inProcess(context.Background(), nil)
	if _, reqs := f.gh.snapshot(); len(reqs) != 0 {
		t.Errorf("API calls without a token: %v", reqs)
	}
	if res.code != ExitFailed || !strings.Contains(res.stdout, "no github-token") || res.outputs["widened"] != "true" {
		t.Errorf("exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
}

func TestStatusMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, token string
		setup       func(g *fakeGitHub)
		want        string
	}{
		{"401", "ghp_unknown", nil, "HTTP 401"},
		{"403 read-only", "ghs_forktoken", nil, "missing permission: pull-requests: write"},
		{"404", "ghp_maintainer", func(g *fakeGitHub) { g.missingPR = true }, "not found (HTTP 404)"},
		{"persistent 502", "ghp_maintainer", func(g *fakeGitHub) { g.fail5xx = 1 << 30 }, "GitHub answered HTTP 502"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
			f.env["INPUT_GITHUB-TOKEN"] = tc.token
			if tc.setup != nil {
				f.gh.set(tc.setup)
			}
			res := f.inProcess(context.Background(), newFakeClock())
			if !strings.Contains(res.stdout, tc.want) || res.outputs["widened"] != "true" {
				t.Errorf("want a warning with %q:\n%s", tc.want, res.stdout)
			}
			if tc.name != "403 read-only" && strings.Contains(res.stdout, "pull-requests: write") {
				t.Errorf("%s blamed on a missing permission:\n%s", tc.name, res.stdout)
			}
		})
	}
}

func TestCRLFMarkerIsFound(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.gh.set(func(g *fakeGitHub) { g.crlf = true })
	f.inProcess(context.Background(), nil)
	f.gh.set(func(g *fakeGitHub) { g.crlf = false })
	f.env["INPUT_FAIL-ON"] = "never" // a different body: the comment is edited
	f.inProcess(context.Background(), nil)
	if ours := f.gh.byLogin("github-actions[bot]"); len(ours) != 1 {
		t.Fatalf("a CRLF marker was not found: %d comments", len(ours))
	}
}

func TestRetriedNewCommentPostsOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_COMMENT"] = "new"
	f.gh.set(func(g *fakeGitHub) { g.failPost5xxAfterStore = 1 })
	res := f.inProcess(context.Background(), newFakeClock())
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 1 || res.outputs["comment-url"] != ours[0].HTMLURL {
		t.Fatalf("a POST whose answer was lost: %d comments, comment-url %q\n%s", len(ours), res.outputs["comment-url"], res.stdout)
	}
}

func TestBaseRefWithAncestry(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	// Two more commits on main; base-ref main~2 is the head commit above.
	writeFile(t, f.origin+"/README.md", "one\n")
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "one")
	writeFile(t, f.origin+"/README.md", "two\n")
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "two")
	f.setEvent("workflow_dispatch", nil)
	f.env["INPUT_BASE-REF"], f.env["INPUT_HEAD-REF"] = "main~2", f.head
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitOK || res.outputs["widened"] != "false" {
		t.Fatalf("base-ref main~2: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
	f.env["INPUT_BASE-REF"] = "main~3" // the base commit: the head widens it
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed || res.outputs["widened"] != "true" {
		t.Fatalf("base-ref main~3: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
}

func TestPostModeRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ field, from, to, want string }{
		{"side", `"side": "head"`, `"side": "@octo/team [x](https://evil.example) ![i](https://evil.example/i.png)"`, "].side"},
		{"text_diffs[].target", `"target": "docker",`, `"target": "@octo/team",`, "].text_diffs["},
		{"kind", `"kind": "env"`, `"kind": "<img src=x>"`, "].kind"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
			f.env["INPUT_MODE"] = "analyze"
			f.inProcess(context.Background(), nil)
			b, _ := os.ReadFile(f.ws + "/capgate-report.json")
			if !strings.Contains(string(b), tc.from) {
				t.Fatalf("report has no %s to tamper with:\n%s", tc.from, b)
			}
			p := t.TempDir() + "/artifact.json"
			writeFile(t, p, strings.Replace(string(b), tc.from, tc.to, 1))
			f.env["INPUT_MODE"], f.env["INPUT_REPORT"] = "post", p
			f.setEvent("workflow_run", nil)
			res := f.inProcess(context.Background(), nil)
			if res.code != ExitError || !strings.Contains(res.stdout, tc.want) || len(f.gh.byLogin("github-actions[bot]")) != 0 {
				t.Errorf("tampered %s: exit %d\n%s", tc.field, res.code, res.stdout)
			}
		})
	}
}

func TestPostModeSetsEveryOutput(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_MODE"] = "analyze"
	f.inProcess(context.Background(), nil)
	p := t.TempDir() + "/artifact.json"
	b, _ := os.ReadFile(f.ws + "/capgate-report.json")
	writeFile(t, p, string(b))
	f.env["INPUT_MODE"], f.env["INPUT_REPORT"] = "post", p
	f.setEvent("workflow_run", nil)
	res := f.inProcess(context.Background(), nil)
	for _, o := range []string{"widened", "widened-count", "unenforceable-added", "errors", "approved", "report-json", "sarif", "comment-url"} {
		if _, ok := res.outputs[o]; !ok {
			t.Errorf("post mode did not set %s: %v", o, res.outputs)
		}
	}
	if res.outputs["widened-count"] != "2" {
		t.Errorf("widened-count %q", res.outputs["widened-count"])
	}
}

func TestCommentWithLongPathsFitsTheLimit(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	long := strings.Repeat("a-rather-long-directory-name/", 8)
	for i := 0; i < 120; i++ {
		var caps []string
		for j := 0; j < 6; j++ {
			caps = append(caps, `"net:connect:host-`+strings.Repeat("x", 40)+`-`+string(rune('a'+j))+`-`+strings.Repeat("y", i%7)+`.example.com:443"`)
		}
		files[long+"s"+strings.Repeat("0", 3-len(itoa(i)))+itoa(i)+"/capgate.json"] = `{"name": "s", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(caps, ", ") + `]}]}`
	}
	f := setup(t, files)
	res := f.inProcess(context.Background(), nil)
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 1 {
		t.Fatalf("no comment\n%s", res.stdout)
	}
	if n := len([]rune(ours[0].Body)); n > 65536 || (!strings.Contains(ours[0].Body, "Trimmed to fit") && !strings.Contains(ours[0].Body, "Cut to fit")) {
		t.Errorf("comment of %d characters", n)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestGHESGraphQLURLWithoutEnv(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	delete(f.env, "GITHUB_GRAPHQL_URL") // GITHUB_API_URL is .../api/v3
	old := f.gh.addComment("github-actions[bot]", "<!-- capgate-action:default -->\nan earlier run")
	f.env["INPUT_COMMENT"] = "hide-and-new"
	res := f.inProcess(context.Background(), nil)
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 2 || ours[0].ID != old.ID || !ours[0].minimized {
		t.Fatalf("the earlier comment was not hidden through /api/graphql:\n%s", res.stdout)
	}
	_, reqs := f.gh.snapshot()
	if !strings.Contains(strings.Join(reqs, "\n"), "POST /api/graphql") {
		t.Errorf("requests %v", reqs)
	}
}

func TestFitComment(t *testing.T) {
	t.Parallel()
	long := "<!-- m -->\n<details><summary>x</summary>\n\n```diff\n" + strings.Repeat("+ a line of a long diff, ñ\n", 4000)
	for _, limit := range []int{65536 - nonceRoom, 1000} {
		got := fitComment(long, limit)
		if n := len([]rune(got)); n > limit || !strings.HasSuffix(got, cutNote) {
			t.Errorf("limit %d: %d characters, note at the end: %v", limit, n, strings.HasSuffix(got, cutNote))
		}
		if strings.Count(got, "```")%2 != 0 || strings.Count(got, "<details>") != strings.Count(got, "</details>") {
			t.Errorf("limit %d: a fence or <details> left open", limit)
		}
	}
	if short := "<!-- m -->\nsmall"; fitComment(short, 100) != short {
		t.Error("a short body was changed")
	}
}

func TestGitFetchIsBounded(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	// An origin that accepts the connection and never answers.
	ctx := newDeadline()
	t.Cleanup(ctx.expire)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx.expire() // the fetch is waiting on it: the time is up
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	git(t, f.ws, "remote", "set-url", "origin", hang.URL+"/octo/servers.git")
	res := f.inProcess(ctx, nil)
	if res.code != ExitError || !strings.Contains(res.stdout, "time limit") {
		t.Fatalf("a hanging fetch: exit %d\n%s", res.code, res.stdout)
	}
}

func TestParseTimeout(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"": DefaultTimeout, "90s": 90 * time.Second, "5m": 5 * time.Minute, "45": 45 * time.Second} {
		if got, err := parseTimeout(in); err != nil || got != want {
			t.Errorf("parseTimeout(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "500ms", "7h", "soon", "-3m"} {
		if _, err := parseTimeout(in); err == nil || !strings.HasPrefix(err.Error(), "input timeout: ") {
			t.Errorf("parseTimeout(%q): %v, want an error", in, err)
		}
	}
}

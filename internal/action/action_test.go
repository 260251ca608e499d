package action

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var actionBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "capgate-action-bin-")
	if err != nil {
		panic(err)
	}
	actionBin = filepath.Join(dir, "capgate-action")
	if out, err := exec.Command("go", "build", "-o", actionBin, "../../cmd/capgate-action").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const baseManifest = `{"name": "gh", "version": "1.0.0", "tools": [
  {"name": "search", "capabilities": ["fs:read:/workspace/**", "net:connect:api.github.com:443"]}]}
`

const headManifest = `{"name": "gh", "version": "1.1.0", "tools": [
  {"name": "search", "capabilities": ["fs:read:/workspace/**", "net:connect:api.github.com:443"]},
  {"name": "upload", "capabilities": ["net:connect:uploads.github.com:443", "env:inject:GITHUB_TOKEN"]}]}
`

// fixture is one runner: an origin repository with a base and a head
// commit, a depth-1 clone of the head as the workspace (what
// actions/checkout leaves), an event payload, and the output files.
// ownOutputs returns a copy of f, for a run beside others on the same
// repositories and fake GitHub, with output and summary files of its own.
func (f *fixture) ownOutputs(t *testing.T) *fixture {
	g := *f
	g.env = make(map[string]string, len(f.env))
	maps.Copy(g.env, f.env)
	dir := t.TempDir()
	g.outPath, g.summary = filepath.Join(dir, "out"), filepath.Join(dir, "sum")
	g.env["GITHUB_OUTPUT"], g.env["GITHUB_STEP_SUMMARY"] = g.outPath, g.summary
	return &g
}

type fixture struct {
	t          *testing.T
	gh         *fakeGitHub
	origin, ws string
	base, head string
	eventPath  string
	outPath    string
	summary    string
	env        map[string]string
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// setup builds a fixture whose head changes the manifests given (path ->
// content; "" deletes) on top of a base holding servers/gh/capgate.json.
func setup(t *testing.T, headFiles map[string]string) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{t: t, gh: newFakeGitHub(t), origin: filepath.Join(root, "origin"), ws: filepath.Join(root, "ws")}
	if err := os.MkdirAll(f.origin, 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, f.origin, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(f.origin, "servers/gh/capgate.json"), baseManifest)
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "base")
	f.base = git(t, f.origin, "rev-parse", "HEAD")
	for p, s := range headFiles {
		if s == "" {
			os.Remove(filepath.Join(f.origin, p))
			continue
		}
		writeFile(t, filepath.Join(f.origin, p), s)
	}
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "--allow-empty", "-m", "head")
	f.head = git(t, f.origin, "rev-parse", "HEAD")
	git(t, f.origin, "config", "uploadpack.allowReachableSHA1InWant", "true")
	git(t, root, "clone", "-q", "--depth", "1", "file://"+f.origin, f.ws)
	f.gh.prHead = f.head
	f.gh.files = prFiles(t, f.origin, f.base, f.head)
	f.eventPath = filepath.Join(root, "event.json")
	f.outPath = filepath.Join(root, "output")
	f.summary = filepath.Join(root, "summary")
	f.setEvent("pull_request", nil)
	f.env = map[string]string{
		"PATH":                    os.Getenv("PATH"),
		"HOME":                    root,
		"GIT_CONFIG_NOSYSTEM":     "1",
		"GITHUB_ACTIONS":          "true",
		"GITHUB_EVENT_NAME":       "pull_request",
		"GITHUB_EVENT_PATH":       f.eventPath,
		"GITHUB_OUTPUT":           f.outPath,
		"GITHUB_STEP_SUMMARY":     f.summary,
		"GITHUB_WORKSPACE":        f.ws,
		"GITHUB_REPOSITORY":       "octo/servers",
		"GITHUB_SHA":              f.head,
		"GITHUB_API_URL":          f.gh.apiURL(),
		"GITHUB_GRAPHQL_URL":      f.gh.graphqlURL(),
		"INPUT_GITHUB-TOKEN":      "ghs_workflowtoken",
		"INPUT_FAIL-ON":           "widened,error",
		"INPUT_COMMENT":           "update",
		"INPUT_COMMENT-WHEN":      "changes",
		"INPUT_ALLOW-LABEL":       "capgate:approve-widening",
		"INPUT_KEY":               "default",
		"INPUT_MANIFESTS":         "**/capgate.json\n**/*.capgate.json",
		"INPUT_WORKING-DIRECTORY": ".",
	}
	return f
}

// prFiles is what GET /pulls/N/files answers, the three-dot diff
// base...head (from their merge base, as GitHub shows a pull request): each changed
// file with its unified diff from the first hunk on.
func prFiles(t *testing.T, dir, base, head string) []fakeFile {
	var out []fakeFile
	for _, chunk := range strings.Split(git(t, dir, "diff", "--no-color", "--no-renames", "-U3", base+"..."+head), "diff --git ")[1:] {
		name := ""
		var patch []string
		for _, l := range strings.Split(chunk, "\n") {
			switch {
			case strings.HasPrefix(l, "+++ b/"):
				name = strings.TrimPrefix(l, "+++ b/")
			case strings.HasPrefix(l, "@@") || len(patch) > 0:
				patch = append(patch, l)
			}
		}
		if name != "" {
			out = append(out, fakeFile{Filename: name, Patch: strings.Join(patch, "\n")})
		}
	}
	return out
}

func (f *fixture) setEvent(name string, labels []string) {
	f.t.Helper()
	var payload any
	switch name {
	case "pull_request", "pull_request_target":
		ls := []map[string]string{}
		for _, l := range labels {
			ls = append(ls, map[string]string{"name": l})
		}
		payload = map[string]any{"pull_request": map[string]any{"number": prNumber,
			"base": map[string]string{"sha": f.base}, "head": map[string]string{"sha": f.head}, "labels": ls}}
	case "push":
		payload = map[string]any{"before": f.base, "after": f.head}
	case "merge_group":
		payload = map[string]any{"merge_group": map[string]string{"base_sha": f.base, "head_sha": f.head}}
	case "workflow_run":
		payload = map[string]any{"workflow_run": map[string]any{"head_sha": f.head, "pull_requests": []any{}}}
	default:
		payload = map[string]any{}
	}
	b, _ := json.Marshal(payload)
	writeFile(f.t, f.eventPath, string(b))
	if f.env != nil {
		f.env["GITHUB_EVENT_NAME"] = name
	}
}

type result struct {
	code    int
	stdout  string
	outputs map[string]string
	summary string
}

// run executes the real binary the way the runner does.
func (f *fixture) run() result {
	f.t.Helper()
	os.Remove(f.outPath)
	os.Remove(f.summary)
	cmd := exec.Command(actionBin)
	cmd.Dir = f.ws
	for k, v := range f.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		f.t.Fatal(err)
	}
	sum, _ := os.ReadFile(f.summary)
	return result{code: code, stdout: out.String(), outputs: parseOutputs(f.t, f.outPath), summary: string(sum)}
}

// parseOutputs reads a GITHUB_OUTPUT file ("name<<DELIM\nvalue\nDELIM").
func parseOutputs(t *testing.T, p string) map[string]string {
	b, err := os.ReadFile(p)
	out := map[string]string{}
	if err != nil {
		return out
	}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			continue
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

func (f *fixture) noToken(res result) {
	f.t.Helper()
	for _, tok := range []string{"ghs_workflowtoken", "ghs_forktoken"} {
		cs, _ := f.gh.snapshot()
		all := res.stdout + res.summary + fmt.Sprint(res.outputs)
		for _, c := range cs {
			all += c.Body
		}
		rep, _ := os.ReadFile(filepath.Join(f.ws, "capgate-report.json"))
		all += string(rep)
		// The mask command itself names the token once, for the runner.
		if strings.Count(all, tok) > strings.Count(res.stdout, "::add-mask::"+tok) {
			f.t.Errorf("the token %s appears in the output", tok)
		}
	}
}

func TestFirstRunCreatesOneComment(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	res := f.run()
	if res.code != ExitFailed {
		t.Fatalf("exit %d, want %d (widened, fail-on widened)\n%s", res.code, ExitFailed, res.stdout)
	}
	if res.outputs["widened"] != "true" || res.outputs["widened-count"] != "2" || res.outputs["unenforceable-added"] != "1" {
		t.Errorf("outputs: %v", res.outputs)
	}
	if res.outputs["report-json"] != "capgate-report.json" || res.outputs["sarif"] != "capgate.sarif" {
		t.Errorf("report paths: %v", res.outputs)
	}
	if _, err := os.Stat(filepath.Join(f.ws, "capgate.sarif")); err != nil {
		t.Errorf("no SARIF file: %v", err)
	}
	if !strings.Contains(res.summary, "**capgate: blocked.** 2 widened capabilities are not approved") {
		t.Errorf("step summary:\n%s", res.summary)
	}
	if !strings.Contains(res.stdout, "::warning col=39,file=servers/gh/capgate.json,line=3,") {
		t.Errorf("no annotation on the widened line:\n%s", res.stdout)
	}
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 1 || !strings.HasPrefix(ours[0].Body, "<!-- capgate-action:default -->\n") {
		t.Fatalf("comments: %+v", ours)
	}
	if !strings.Contains(ours[0].Body, "uploads.github.com:443") || !strings.Contains(ours[0].Body, "#### Widened (2)") {
		t.Errorf("comment body:\n%s", ours[0].Body)
	}
	if res.outputs["comment-url"] != ours[0].HTMLURL {
		t.Errorf("comment-url %q, want %q", res.outputs["comment-url"], ours[0].HTMLURL)
	}
	f.noToken(res)
}

func TestRerunUpdatesInPlace(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.run()
	first := f.gh.byLogin("github-actions[bot]")
	f.run()
	second := f.gh.byLogin("github-actions[bot]")
	if len(second) != 1 || second[0].ID != first[0].ID {
		t.Fatalf("a re-run left %d comments (ids %v, then %v)", len(second), first, second)
	}
	_, reqs := f.gh.snapshot()
	for _, r := range reqs {
		if strings.HasPrefix(r, "PATCH") {
			t.Errorf("the body did not change, yet the comment was edited: %s", r)
		}
	}
	// A different body (here: another key's approval state) is edited in place.
	f.gh.label("capgate:approve-widening")
	res := f.run()
	if res.code != ExitOK {
		t.Errorf("approved widening: exit %d\n%s", res.code, res.stdout)
	}
	third := f.gh.byLogin("github-actions[bot]")
	if len(third) != 1 || third[0].ID != first[0].ID || !strings.Contains(third[0].Body, "approved by the") {
		t.Fatalf("after approval: %+v", third)
	}
	if res.outputs["approved"] != "true" {
		t.Errorf("approved output: %q", res.outputs["approved"])
	}
}

func TestConcurrentRunsLeaveOneComment(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.ownOutputs(t).run()
		}()
	}
	wg.Wait()
	if ours := f.gh.byLogin("github-actions[bot]"); len(ours) != 1 {
		t.Fatalf("concurrent runs left %d comments", len(ours))
	}
}

func TestSpoofedMarkerIsIgnored(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	spoof := f.gh.addComment("mallory", "<!-- capgate-action:default -->\n### ✅ capgate: nothing to see")
	f.run()
	cs, _ := f.gh.snapshot()
	if len(cs) != 2 {
		t.Fatalf("want mallory's comment and ours, got %d", len(cs))
	}
	for _, c := range cs {
		if c.ID == spoof.ID && c.Body != spoof.Body {
			t.Errorf("the spoofed comment was edited")
		}
	}
	if len(f.gh.byLogin("github-actions[bot]")) != 1 {
		t.Errorf("no comment of our own")
	}
}

func TestForkTokenDegradesToWarning(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_GITHUB-TOKEN"] = "ghs_forktoken"
	f.env["INPUT_FAIL-ON"] = "error"
	res := f.run()
	if res.code != ExitOK {
		t.Fatalf("exit %d: a read-only token must not fail the check\n%s", res.code, res.stdout)
	}
	if !strings.Contains(res.stdout, "::warning::") || !strings.Contains(res.stdout, "pull-requests: write") {
		t.Errorf("no warning naming the permission:\n%s", res.stdout)
	}
	if res.outputs["widened"] != "true" || !strings.Contains(res.summary, "Widened") {
		t.Errorf("the result was lost: outputs %v", res.outputs)
	}
	f.noToken(res)
}

func TestTooLargeCommentIsTrimmed(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for i := 0; i < 150; i++ {
		var caps []string
		for j := 0; j < 6; j++ {
			caps = append(caps, fmt.Sprintf(`"net:connect:host-%d-%d.some-long-domain-name.example.com:443"`, i, j))
		}
		files[fmt.Sprintf("servers/s%03d/capgate.json", i)] = fmt.Sprintf(`{"name": "s%d", "version": "1", "tools": [{"name": "t", "capabilities": [%s]}]}`, i, strings.Join(caps, ", "))
	}
	f := setup(t, files)
	res := f.run()
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 1 {
		t.Fatalf("no comment (the API refuses bodies over 65,536 characters)\n%s", res.stdout)
	}
	if n := len([]rune(ours[0].Body)); n > 65536 || !strings.Contains(ours[0].Body, "Trimmed to fit") {
		t.Errorf("comment of %d characters, trimmed note present: %v", n, strings.Contains(ours[0].Body, "Trimmed to fit"))
	}
	if !strings.Contains(res.summary, "host-149-5") {
		t.Errorf("the step summary should keep everything")
	}
}

func TestStaleRunDoesNotOverwrite(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.gh.set(func(g *fakeGitHub) { g.prHead = "1111111111111111111111111111111111111111" }) // a newer push
	newer := f.gh.addComment("github-actions[bot]", "<!-- capgate-action:default -->\nthe newer run's comment")
	res := f.run()
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 1 || ours[0].Body != newer.Body {
		t.Fatalf("a stale run changed the comment: %+v", ours)
	}
	if !strings.Contains(res.stdout, "head moved on") {
		t.Errorf("no notice:\n%s", res.stdout)
	}
	if res.outputs["widened"] != "true" {
		t.Errorf("outputs lost: %v", res.outputs)
	}
}

func TestRetriesServerErrorsAndRateLimits(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.gh.set(func(g *fakeGitHub) { g.fail5xx, g.rateLimit, g.retryAfter = 2, 1, "1" })
	f.run()
	if len(f.gh.byLogin("github-actions[bot]")) != 1 {
		_, reqs := f.gh.snapshot()
		t.Fatalf("no comment after transient failures; requests: %v", reqs)
	}
}

func TestNoChangeIsQuietThenUpdatesStaleComment(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"README.md": "docs only\n"})
	res := f.run()
	if res.code != ExitOK || len(f.gh.byLogin("github-actions[bot]")) != 0 {
		t.Fatalf("no manifest change: exit %d, %d comments", res.code, len(f.gh.byLogin("github-actions[bot]")))
	}
	old := f.gh.addComment("github-actions[bot]", "<!-- capgate-action:default -->\n### ⚠️ capgate: this change widens …")
	f.run()
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 1 || ours[0].ID != old.ID || !strings.Contains(ours[0].Body, "No manifest changes") {
		t.Fatalf("the earlier comment was not updated: %+v", ours)
	}
}

func TestKeysKeepSeparateComments(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.run()
	f.env["INPUT_KEY"] = "second"
	f.run()
	if ours := f.gh.byLogin("github-actions[bot]"); len(ours) != 2 {
		t.Fatalf("two keys, %d comments", len(ours))
	}
}

func TestOtherEvents(t *testing.T) {
	t.Parallel()
	for _, ev := range []string{"push", "merge_group"} {
		t.Run(ev, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
			f.setEvent(ev, nil)
			res := f.run()
			if res.code != ExitFailed || res.outputs["widened-count"] != "2" {
				t.Fatalf("exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
			}
			if len(f.gh.byLogin("github-actions[bot]")) != 0 {
				t.Errorf("%s has no pull request to comment on", ev)
			}
		})
	}
	t.Run("workflow_dispatch", func(t *testing.T) {
		t.Parallel()
		f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
		f.setEvent("workflow_dispatch", nil)
		f.env["INPUT_BASE-REF"], f.env["INPUT_HEAD-REF"] = f.base, f.head
		if res := f.run(); res.code != ExitFailed || res.outputs["widened"] != "true" {
			t.Fatalf("exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
		}
	})
	t.Run("head does not compile", func(t *testing.T) {
		t.Parallel()
		f := setup(t, map[string]string{"servers/gh/capgate.json": `{"name": "gh", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:a.com:99999"]}]}`})
		f.env["INPUT_FAIL-ON"] = "error"
		res := f.run()
		if res.code != ExitFailed || !strings.Contains(res.stdout, "::error col=73,file=servers/gh/capgate.json,line=1,") {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
		// The annotation carries lint's hint; the summary opens with the
		// verdict and the error to fix, and no approval step.
		if !strings.Contains(res.stdout, "[CAP_NET_PORT]%0Ahint: a port is a whole number from 1 to 65535") {
			t.Errorf("the error annotation has no hint:\n%s", res.stdout)
		}
		if !strings.HasPrefix(res.summary, "> [!WARNING]\n> **capgate: blocked.** 1 manifest does not compile.\n> **Next step:** fix the error in `servers/gh/capgate.json` line 1: a port is a whole number from 1 to 65535; leave it out to allow any port.\n") {
			t.Errorf("summary:\n%.400s", res.summary)
		}
	})
}

// The fork-safe two-step mode: analyze writes the report, post comments it
// from a workflow_run job after checking it.
func TestTwoStepMode(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_MODE"] = "analyze"
	f.env["INPUT_GITHUB-TOKEN"] = "ghs_forktoken"
	res := f.run()
	if len(f.gh.byLogin("github-actions[bot]")) != 0 || res.outputs["report-json"] == "" {
		t.Fatalf("analyze: %v\n%s", res.outputs, res.stdout)
	}
	reportPath := filepath.Join(t.TempDir(), "artifact.json")
	b, _ := os.ReadFile(filepath.Join(f.ws, "capgate-report.json"))
	writeFile(t, reportPath, string(b))

	f.env["INPUT_MODE"] = "post"
	f.env["INPUT_GITHUB-TOKEN"] = "ghs_workflowtoken"
	f.env["INPUT_REPORT"] = reportPath
	f.setEvent("workflow_run", nil)
	res = f.run()
	ours := f.gh.byLogin("github-actions[bot]")
	if res.code != ExitOK || len(ours) != 1 || !strings.Contains(ours[0].Body, "#### Widened (2)") {
		t.Fatalf("post: exit %d, comments %+v\n%s", res.code, ours, res.stdout)
	}

	// A tampered artifact is refused.
	var doc map[string]any
	_ = json.Unmarshal(b, &doc)
	doc["counts"].(map[string]any)["widened"] = 0.0
	tampered, _ := json.Marshal(doc)
	writeFile(t, reportPath, string(tampered))
	if res := f.run(); res.code != ExitError || !strings.Contains(res.stdout, "counts do not match") {
		t.Errorf("tampered report accepted: exit %d\n%s", res.code, res.stdout)
	}
	// A report for another head is refused.
	_ = json.Unmarshal(b, &doc)
	doc["pull_request"].(map[string]any)["head_sha"] = "2222222222222222222222222222222222222222"
	other, _ := json.Marshal(doc)
	writeFile(t, reportPath, string(other))
	if res := f.run(); res.code != ExitError || !strings.Contains(res.stdout, "not commenting") {
		t.Errorf("report for another head accepted: exit %d\n%s", res.code, res.stdout)
	}
}

func TestHideAndNew(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	old := f.gh.addComment("github-actions[bot]", "<!-- capgate-action:default -->\nan earlier run")
	f.env["INPUT_COMMENT"] = "hide-and-new"
	f.run()
	ours := f.gh.byLogin("github-actions[bot]")
	if len(ours) != 2 || ours[0].ID != old.ID || !ours[0].minimized || ours[1].minimized {
		t.Fatalf("want the old comment hidden and a new one: %+v", ours)
	}
}

// TestBaseNamedInTheTreeIsNotRead: the base commit's SHA is public, so a
// pull request can add a directory or symbolic link named like it. The
// action reads its sides as git revisions only, so that entry cannot stand
// in for the base (it did: the head was compared with itself, "no change").
func TestBaseNamedInTheTreeIsNotRead(t *testing.T) {
	t.Parallel()
	widening := `{"name": "gh", "version": "1.0.0", "tools": [
  {"name": "search", "capabilities": ["fs:read:/workspace/**", "ipc:connect:\"unix:/var/run/docker.sock\""]}]}
`
	f := setup(t, map[string]string{"servers/gh/capgate.json": widening})
	if err := os.Symlink(".", filepath.Join(f.origin, f.base)); err != nil {
		t.Fatal(err)
	}
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "a link named like the base")
	f.head = git(t, f.origin, "rev-parse", "HEAD")
	f.gh.prHead = f.head
	if err := os.RemoveAll(f.ws); err != nil {
		t.Fatal(err)
	}
	git(t, filepath.Dir(f.ws), "clone", "-q", "--depth", "1", "file://"+f.origin, f.ws)
	f.env["GITHUB_SHA"] = f.head
	f.setEvent("pull_request", nil)
	res := f.run()
	if res.code != ExitFailed {
		t.Fatalf("exit %d, want %d (widened)\n%s", res.code, ExitFailed, res.stdout)
	}
	if res.outputs["widened"] != "true" || !strings.Contains(res.summary, "docker.sock") {
		t.Errorf("the widening was not seen: outputs %v\n%s", res.outputs, res.summary)
	}
}

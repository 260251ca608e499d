// Package action is the GitHub Action: it diffs the manifests of a pull
// request (or a push, a merge group, a manual run), writes the outputs, the
// step summary and annotations, and keeps one PR comment up to date.
// cmd/capgate-action wraps Main.
package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/gitrun"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/internal/version"
	"github.com/razukc/capgate-action/report"
)

// Exit codes of the action's process.
const (
	ExitOK     = 0
	ExitFailed = 1 // something listed in fail-on happened
	ExitError  = 2 // the action could not run (bad input, unreadable event, git failure)
)

// Env is what the action reads from and writes to; tests fill it in.
type Env struct {
	Getenv func(string) string
	// Stdout receives workflow commands (annotations, masks, logs).
	Stdout io.Writer
	// Transport is the HTTP transport for the GitHub API; nil means
	// http.DefaultTransport. Retries are layered on top of it.
	Transport http.RoundTripper
	Now       func() time.Time
	// Wait sleeps for d or until ctx is done (the retry back-off); nil
	// means a timer.
	Wait func(ctx context.Context, d time.Duration) error
	// After returns a channel that receives once d has passed: what ends
	// a share of the time limit (the label check's, the CODEOWNERS
	// check's) and one API attempt. nil means time.After.
	After func(d time.Duration) <-chan time.Time
}

// Config is the action's inputs.
type Config struct {
	Token       string
	Manifests   []string
	FailOn      diff.FailOn
	AllowEmpty  bool
	Comment     CommentMode
	CommentWhen CommentWhen
	AllowLabel  string
	// LabelPermission is the least permission (triage, write, maintain,
	// admin) of whoever applies the label for it to count.
	LabelPermission Permission
	BaseRef         string
	HeadRef         string
	WorkDir         string
	Key             string
	Mode            Mode
	Report          string // post mode: the report file to post
	// Lock is the approval lock's path on the head side ("" for none).
	Lock string
	// ReviewComments asks for inline review comments on manifest lines.
	ReviewComments bool
	// Timeout bounds the whole run: git fetches and every API call.
	Timeout time.Duration
	// VerifyOutDir is the drift check's directory of compiled policies,
	// relative to WorkDir; "" turns the check off.
	VerifyOutDir string
	// Targets are the targets the diff compares; nil means capgate's four.
	Targets []string
	// Launch are the launch config patterns (launch-configs input; nil
	// means launch.DefaultPatterns); NoLaunch is the input's "off".
	Launch   []string
	NoLaunch bool
}

// CommentMode is input comment: how the sticky comment is kept.
type CommentMode string

// The values of input comment.
const (
	CommentUpdate     CommentMode = "update"       // edit the one comment
	CommentNew        CommentMode = "new"          // a new comment each run
	CommentHideAndNew CommentMode = "hide-and-new" // hide the earlier ones, then a new one
	CommentOff        CommentMode = "off"          // no comment
)

// CommentWhen is input comment-when: whether a run that changes nothing
// comments.
type CommentWhen string

// The values of input comment-when.
const (
	CommentOnChanges CommentWhen = "changes"
	CommentAlways    CommentWhen = "always"
)

// Mode is input mode: what the run does.
type Mode string

// The values of input mode.
const (
	ModeFull    Mode = "full"    // diff, report and comment
	ModeAnalyze Mode = "analyze" // diff and report, no comment (the fork-safe first job)
	ModePost    Mode = "post"    // comment a downloaded report (the fork-safe second job)
)

// Permission is a permission level on a repository, as the
// collaborator-permission API names it (role_name).
type Permission string

// The permission levels, lowest first.
const (
	PermNone     Permission = "none"
	PermRead     Permission = "read"
	PermTriage   Permission = "triage"
	PermWrite    Permission = "write"
	PermMaintain Permission = "maintain"
	PermAdmin    Permission = "admin"
)

// DefaultTimeout is the default of the timeout input.
const DefaultTimeout = 3 * time.Minute

var keyRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

func readConfig(a *githubactions.Action, getenv func(string) string) (Config, error) {
	in := func(name, def string) string {
		if v := strings.TrimSpace(a.GetInput(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Token:      in("github-token", getenv("GITHUB_TOKEN")),
		AllowLabel: in("allow-label", "capgate:approve-widening"),
		BaseRef:    in("base-ref", ""),
		HeadRef:    in("head-ref", ""),
		WorkDir:    in("working-directory", "."),
		Key:        in("key", "default"),
		Report:     in("report", ""),
		Lock:       in("lock", "capgate.lock"),
	}
	if c.Lock == "none" {
		c.Lock = ""
	}
	if c.AllowLabel == "none" {
		c.AllowLabel = ""
	}
	var err error
	if c.LabelPermission, err = choice(in, "allow-label-permission", PermWrite, PermTriage, PermWrite, PermMaintain, PermAdmin); err != nil {
		return c, err
	}
	if c.ReviewComments, err = boolInput(in, "review-comments"); err != nil {
		return c, err
	}
	c.VerifyOutDir = in("verify-out-dir", "")
	for _, l := range strings.Split(a.GetInput("manifests"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			c.Manifests = append(c.Manifests, l)
		}
	}
	c.Launch, c.NoLaunch = launchInput(a.GetInput("launch-configs"))
	if c.FailOn, err = diff.ParseFailOn(in("fail-on", diff.DefaultFailOn)); err != nil {
		return c, err
	}
	if c.Targets, err = diff.ParseTargets(in("targets", "")); err != nil {
		return c, fmt.Errorf("input targets: %w", err)
	}
	if c.AllowEmpty, err = boolInput(in, "allow-empty"); err != nil {
		return c, err
	}
	if c.Comment, err = choice(in, "comment", CommentUpdate, CommentUpdate, CommentNew, CommentHideAndNew, CommentOff); err != nil {
		return c, err
	}
	if c.CommentWhen, err = choice(in, "comment-when", CommentOnChanges, CommentOnChanges, CommentAlways); err != nil {
		return c, err
	}
	if c.Mode, err = choice(in, "mode", ModeFull, ModeFull, ModeAnalyze, ModePost); err != nil {
		return c, err
	}
	if c.Timeout, err = parseTimeout(in("timeout", "")); err != nil {
		return c, err
	}
	if !keyRE.MatchString(c.Key) {
		return c, fmt.Errorf("input key: %q must be 1-64 letters, digits, '.', '_' or '-'", c.Key)
	}
	return c, nil
}

// choice reads input name (def when it is empty) as one of vals, or says
// which values it may take.
func choice[T ~string](in func(name, def string) string, name string, def T, vals ...T) (T, error) {
	v := T(in(name, string(def)))
	if slices.Contains(vals, v) {
		return v, nil
	}
	names := make([]string, len(vals))
	for i, x := range vals {
		names[i] = string(x)
	}
	list := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	return v, fmt.Errorf("input %s: %q is not %s", name, v, list)
}

// boolInput reads input name as true or false (false when it is empty).
func boolInput(in func(name, def string) string, name string) (bool, error) {
	v, err := choice(in, name, "false", "true", "false")
	return v == "true", err
}

// parseTimeout reads the timeout input: a Go duration ("3m", "90s") or a
// number of seconds, between 1 second and 6 hours (GitHub's job limit).
func parseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.Atoi(s)
		if nerr != nil {
			return 0, fmt.Errorf("input timeout: %q is not a duration such as 3m or 90s", s)
		}
		d = time.Duration(n) * time.Second
	}
	if d < time.Second || d > 6*time.Hour {
		return 0, fmt.Errorf("input timeout: %s is not between 1s and 6h", d)
	}
	return d, nil
}

// event is the part of an event payload the action reads.
type event struct {
	Before      string `json:"before"`
	After       string `json:"after"`
	PullRequest *struct {
		Number int `json:"number"`
		Base   struct {
			SHA string `json:"sha"`
		} `json:"base"`
		Head struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	MergeGroup *struct {
		BaseSHA string `json:"base_sha"`
		HeadSHA string `json:"head_sha"`
	} `json:"merge_group"`
	WorkflowRun *struct {
		HeadSHA      string `json:"head_sha"`
		PullRequests []struct {
			Number int `json:"number"`
		} `json:"pull_requests"`
	} `json:"workflow_run"`
}

// target is what one run compares and where it comments.
type target struct {
	base, head string
	// prNumber is 0 when there is no pull request to comment on;
	// prHead is the PR head commit the run is about, for the stale check.
	prNumber int
	prHead   string
}

var zeroSHA = regexp.MustCompile(`^0+$`)

func resolveTarget(cfg Config, name string, ev *event, sha string) (target, error) {
	var t target
	switch name {
	case "pull_request", "pull_request_target":
		if ev.PullRequest == nil {
			return t, fmt.Errorf("%s event without pull_request", name)
		}
		pr := ev.PullRequest
		t.base, t.prNumber, t.prHead = pr.Base.SHA, pr.Number, pr.Head.SHA
		// pull_request checks out the merge commit (GITHUB_SHA): base plus
		// the PR's changes. pull_request_target runs on the base branch, so
		// the PR head is read as data (never run).
		t.head = pr.Head.SHA
		if name == "pull_request" && sha != "" {
			t.head = sha
		}
	case "merge_group":
		if ev.MergeGroup == nil {
			return t, fmt.Errorf("merge_group event without merge_group")
		}
		t.base, t.head = ev.MergeGroup.BaseSHA, ev.MergeGroup.HeadSHA
	case "push":
		t.base, t.head = ev.Before, ev.After
		if zeroSHA.MatchString(t.base) {
			t.base = "" // a new branch: compare with nothing
		}
	}
	if cfg.BaseRef != "" {
		t.base = cfg.BaseRef
	}
	if cfg.HeadRef != "" {
		t.head = cfg.HeadRef
	}
	if t.head == "" {
		t.head = sha
	}
	if t.head == "" || (t.base == "" && name != "push") {
		return t, fmt.Errorf("no base and head to compare for a %q event: set the base-ref and head-ref inputs", name)
	}
	return t, nil
}

// Main runs the action and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Wait == nil {
		env.Wait = sleepCtx
	}
	if env.After == nil {
		env.After = time.After
	}
	a := githubactions.New(githubactions.WithGetenv(env.Getenv), githubactions.WithWriter(&safeLog{w: env.Stdout}))
	cfg, err := readConfig(a, env.Getenv)
	if cfg.Token != "" {
		a.AddMask(cfg.Token)
	}
	if err != nil {
		a.Errorf("capgate: %v", err)
		return ExitError
	}
	// One deadline for the whole run: git fetches, reading the sides and
	// API calls. The result is written before the comment's API calls (only
	// the bounded, fail-closed label check comes earlier), so running out
	// of time loses at most the comment.
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	r := &run{a: a, out: newOutputs(env.Getenv, a), env: env, cfg: cfg}
	return r.main(ctx)
}

type run struct {
	a   *githubactions.Action
	out *outputs // step outputs and summary (outputs.go)
	env Env
	cfg Config
	gh  *gh
	// drift is the drift check's Markdown, for the summary and comment.
	drift string
	// dir is the repository directory (working-directory in the workspace).
	dir string
	// gate is what the verdict and next steps of the summary and the
	// comment are judged by: the last decision's, applied by the runner.
	gate *report.Gate
}

func (r *run) api() (*gh, error) {
	if r.gh != nil {
		return r.gh, nil
	}
	base := r.env.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	// No client-wide timeout: each attempt has its own, and the run's
	// deadline (the context) bounds attempts and waits together.
	hc := &http.Client{Transport: &retryTransport{base: base, attempt: 30 * time.Second,
		maxWait: 70 * time.Second, secondary: time.Minute, now: r.env.Now, wait: r.env.Wait, after: r.env.After}}
	g, err := newGitHub(hc, r.env.Getenv("GITHUB_API_URL"), r.env.Getenv("GITHUB_GRAPHQL_URL"), r.cfg.Token, r.env.Getenv("GITHUB_REPOSITORY"))
	r.gh = g
	return g, err
}

func (r *run) main(ctx context.Context) int {
	name := r.env.Getenv("GITHUB_EVENT_NAME")
	var ev event
	if p := r.env.Getenv("GITHUB_EVENT_PATH"); p != "" && readEvent(p, &ev) != nil {
		r.a.Errorf("capgate: cannot read the event payload at GITHUB_EVENT_PATH")
		return ExitError
	}
	if r.cfg.Mode == ModePost {
		return r.post(ctx, name, &ev)
	}
	t, base, err := r.prepare(ctx, name, &ev)
	if err != nil {
		r.a.Errorf("capgate: %v", err)
		return ExitError
	}
	in, err := source.ReadSides(ctx, source.Options{Dir: r.dir, Base: base, Head: t.head, RevisionsOnly: true, Patterns: r.cfg.Manifests,
		Launch: r.cfg.Launch, NoLaunch: r.cfg.NoLaunch})
	if err != nil {
		r.a.Errorf("capgate: %v", err)
		return ExitError
	}
	in.AllowEmpty, in.Targets = r.cfg.AllowEmpty, r.cfg.Targets
	res, err := diff.Run(in)
	if err != nil {
		r.a.Errorf("capgate: %v", err)
		return ExitError
	}
	res.Base, res.Head = short(t.base, "(nothing)"), short(t.head, "")

	// Approval: the lock from the head side, then the label, read from the
	// API. The label check is the only API work before the verdict, runs
	// only while some widening is unapproved, is bounded by the run's
	// deadline, and fails closed.
	ap := r.approveByLock(ctx, res, base, t.head)

	// The result first, as it stands without the label (unapproved widening
	// fails): reports, outputs, summary and annotations, before any API
	// call. A run killed during the label check leaves a complete,
	// fail-closed result.
	commenting := t.prNumber > 0 && r.cfg.Token != "" && r.cfg.Mode == ModeFull && r.cfg.Comment != CommentOff
	jr := report.NewJSON(res)
	if t.prNumber > 0 {
		jr.PullRequest = &report.PullRequestRef{Number: t.prNumber, HeadSHA: t.prHead}
	}
	f := facts{res: res, t: t, cfg: &r.cfg, ap: ap, commenting: commenting, link: r.linker(t.head)}
	f.driftOK = r.cfg.VerifyOutDir == "" || r.verifyOutDir(r.dir)
	f.drift = r.drift
	d := decide(f)
	r.gate = d.gate
	r.writeOutputs(res, jr, r.dir, d.approved, d.footer, t.head)
	r.annotate(res)

	// Then the label, read from the API: only while some widening is
	// unapproved, within half the time left, failing closed.
	if commenting && res.UnapprovedWidened() > 0 && d.hidden == 0 {
		d = r.labelPhase(ctx, f, d)
	}
	if d.code == ExitFailed {
		r.a.Errorf("%s", strings.TrimSpace(report.Judge(res, *r.gate).PlainVerdict()))
	}
	if t.prNumber > 0 && r.cfg.Mode == ModeFull && r.cfg.Comment != CommentOff {
		r.comment(ctx, res, t, ap, d.body) // without a token, it says there is none
	}
	return d.code
}

func readEvent(p string, ev *event) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ev)
}

// prepare resolves what the run compares and makes both commits available
// in the clone: the target, and the base revision to read ("" for a push
// that creates a branch, compared with nothing). It sets r.dir.
func (r *run) prepare(ctx context.Context, name string, ev *event) (target, string, error) {
	t, err := resolveTarget(r.cfg, name, ev, r.env.Getenv("GITHUB_SHA"))
	if err != nil {
		return t, "", err
	}
	r.dir = r.cfg.WorkDir
	if ws := r.env.Getenv("GITHUB_WORKSPACE"); ws != "" && !filepath.IsAbs(r.dir) {
		r.dir = filepath.Join(ws, r.dir)
	}
	base := t.base
	if base != "" {
		if base, err = ensureCommit(ctx, r.dir, base); err != nil {
			return t, "", err
		}
	}
	t.head, err = ensureCommit(ctx, r.dir, t.head)
	return t, base, err
}

// approveByLock applies the lock and says, in the log, when it approves
// nothing or refuses the pull request's own approvals.
func (r *run) approveByLock(ctx context.Context, res *diff.Result, base, head string) *approval {
	ap := &approval{}
	r.readLocks(ctx, res, r.dir, base, head, ap)
	if ap.lockErr != nil {
		r.a.Errorf("capgate: the approval lock approves nothing: %v", ap.lockErr)
	}
	if n := r.selfApprovalNote(ap, false); n != "" {
		r.a.Warningf("capgate: %s", n)
	}
	return ap
}

// labelPhase checks the label (within half the time left, failing closed)
// and decides again with what it read. When that changes the verdict or
// what the summary says, the summary is rewritten and the changed outputs
// appended (later lines win).
func (r *run) labelPhase(ctx context.Context, f facts, d decision) decision {
	lctx, cancel := ctx, context.CancelFunc(func() {})
	share := time.Duration(0)
	if dl, ok := ctx.Deadline(); ok {
		share = dl.Sub(r.env.Now()) / 2
		lctx, cancel = budget(ctx, share, r.env.Now, r.env.After)
	}
	lr, err := r.checkLabelSafe(lctx, f.t.prNumber, f.ap)
	labelTimedOut := lctx.Err() != nil && ctx.Err() == nil
	cancel()
	if err != nil {
		msg := explain(err, "could not check the approval label, so it approves nothing")
		if labelTimedOut {
			msg = fmt.Sprintf("could not check the approval label, so it approves nothing: the label check's share of the time limit (%s, half of what was left of input timeout) ran out before GitHub answered", share.Round(time.Second))
		}
		r.a.Warningf("capgate: %s", msg)
		lr = &labelRead{refused: "capgate " + report.Text(msg) + "."}
	}
	f.ap.label = lr
	d2 := decide(f)
	r.gate = d2.gate
	if d2.footer != d.footer {
		r.out.ReplaceStepSummary(r.summary(f.res, d2.footer, f.t.head))
	}
	if d2.approved != d.approved {
		r.out.SetOutput("approved", strconv.FormatBool(d2.approved))
	}
	return d2
}

// checkLabelSafe runs checkLabel; a panic in it is an error (the label
// then approves nothing) rather than a lost result.
func (r *run) checkLabelSafe(ctx context.Context, number int, ap *approval) (lr *labelRead, err error) {
	defer func() {
		if p := recover(); p != nil {
			lr, err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	return r.checkLabel(ctx, number, ap)
}

func short(sha, empty string) string {
	if sha == "" {
		return empty
	}
	if len(sha) == 40 {
		return sha[:12]
	}
	return sha
}

// revSuffix splits "main~2^" into "main" and "~2^".
var revSuffix = regexp.MustCompile(`^([^~^]+)((?:[~^][0-9]*)*)$`)

// ensureCommit makes rev available and returns a name for it that resolves
// in the clone: after a checkout of depth 1 the base commit is missing, so
// it is fetched with just the history it needs ("main~2" fetches main with
// depth 3 and returns the commit's SHA). Every git command is bounded by
// ctx, the run's deadline.
func ensureCommit(ctx context.Context, dir, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("revision %q may not start with '-'", rev)
	}
	repo := gitrun.Repo{Dir: dir}
	if _, err := repo.Output(ctx, nil, "cat-file", "-e", rev+"^{commit}"); err == nil {
		return rev, nil
	}
	name, suffix, depth := rev, "", 1
	if m := revSuffix.FindStringSubmatch(rev); m != nil {
		name, suffix = m[1], m[2]
		for _, s := range regexp.MustCompile(`[~^][0-9]*`).FindAllString(suffix, -1) {
			n := 1
			if len(s) > 1 {
				n, _ = strconv.Atoi(s[1:])
			}
			if s[0] == '^' {
				n = 1 // a parent of a merge is one step back, whichever
			}
			depth += n
		}
	}
	if depth > 10000 {
		return "", fmt.Errorf("revision %q reaches too far back to fetch", rev)
	}
	// The fetch writes to the clone: as its owner (outputs.go), its
	// process group killed when the run's time is up.
	fetch := gitrun.Repo{Dir: dir, Setup: func(cmd *exec.Cmd) { asOwnerOf(cmd, dir); bound(cmd) }}
	if out, err := fetch.CombinedOutput(ctx, "fetch", "--no-tags", "--quiet", "--depth="+strconv.Itoa(depth), "origin", name); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("fetching %s: the run's time limit (input timeout) ran out", rev)
		}
		return "", fmt.Errorf("commit %s is not in the clone and could not be fetched: %s", rev, strings.TrimSpace(string(out)))
	}
	out, err := repo.Output(ctx, nil, "rev-parse", "--verify", "--quiet", "FETCH_HEAD"+suffix+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("fetched %s from origin, but %s is not a commit in its history", name, rev)
	}
	return strings.TrimSpace(string(out)), nil
}

func (r *run) writeOutputs(res *diff.Result, jr *report.JSONReport, dir string, approved bool, footer, headSHA string) {
	ws := r.env.Getenv("GITHUB_WORKSPACE")
	if ws == "" {
		ws = dir
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(ws, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			r.a.Warningf("capgate: cannot write %s: %v", name, err)
			return ""
		}
		chownToOwnerOf(p, ws) // outputs.go
		return name
	}
	jsonPath := write("capgate-report.json", jr.Encode())
	sarifPath := write("capgate.sarif", report.SARIF(res, version.String()))
	r.out.SetOutput("widened", strconv.FormatBool(res.Widened()))
	r.out.SetOutput("widened-count", strconv.Itoa(res.Counts.Widened))
	r.out.SetOutput("unenforceable-added", strconv.Itoa(res.Counts.UnenforceableAdded))
	r.out.SetOutput("errors", strconv.Itoa(res.Counts.Errors))
	r.out.SetOutput("launch-widened-count", strconv.Itoa(res.LaunchWidened()))
	r.out.SetOutput("approved", strconv.FormatBool(approved))
	r.out.SetOutput("report-json", jsonPath)
	r.out.SetOutput("sarif", sarifPath)
	r.out.AddStepSummary(r.summary(res, footer, headSHA))
}

// stepSummaryBytes is the most bytes the runner uploads of a step's
// summary: over it, it drops the whole summary with an error annotation
// ("supports content up to a size of 1024k").
const stepSummaryBytes = 1 << 20

// summary renders the step summary in fewer than stepSummaryBytes bytes
// with its line end. report.Markdown's limit counts UTF-16 code units,
// up to three bytes each: a summary of non-ASCII paths (a CJK directory)
// fitted to 1 MiB of units was 2 MiB, and the runner dropped all of it.
// It is rendered again, cut in proportion, while it has too many bytes;
// the third try's limit, a third of the bytes, holds for any text.
func (r *run) summary(res *diff.Result, footer, headSHA string) string {
	link := r.linker(headSHA)
	limit := stepSummaryBytes - 1 // AddStepSummary's line end
	for try := 1; ; try++ {
		s := report.Markdown(res, report.MarkdownOptions{Limit: limit, Footer: footer, Link: link, Gate: r.gate})
		if len(s) < stepSummaryBytes || try == 3 {
			return string(s)
		}
		limit = limit * (stepSummaryBytes - 1) / len(s)
		if try == 2 {
			limit = (stepSummaryBytes - 1) / 3
		}
	}
}

// linker returns a function giving the URL of a line of a head manifest at
// the head commit: SERVER/OWNER/REPO/blob/SHA/PATH#Lline, where SERVER is
// GITHUB_SERVER_URL (GitHub Enterprise Server too). nil when the server,
// repository or a full commit SHA is unknown.
func (r *run) linker(sha string) func(string, int) string {
	server := strings.TrimSuffix(r.env.Getenv("GITHUB_SERVER_URL"), "/")
	repo := r.env.Getenv("GITHUB_REPOSITORY")
	u, err := url.Parse(server)
	if server == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || !repoRE.MatchString(repo) || !shaRE.MatchString(sha) {
		return nil
	}
	// Manifest paths are from the repository root (the sides are git
	// trees), whatever working-directory is.
	return func(p string, line int) string {
		full := p
		segs := strings.Split(full, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		return fmt.Sprintf("%s/%s/blob/%s/%s#L%d", server, repo, sha, strings.Join(segs, "/"), line)
	}
}

var (
	repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	shaRE  = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
)

// Per-step annotation limits GitHub enforces; beyond them annotations are
// dropped silently, so the most important go first.
const maxAnnotations = 10

// annotate writes the error and warning annotations on the manifest lines
// (annotations decides which).
func (r *run) annotate(res *diff.Result) {
	as, errs, warns := annotations(res)
	for _, an := range as {
		fields := map[string]string{"file": an.file, "line": strconv.Itoa(max(an.line, 1)), "col": strconv.Itoa(max(an.col, 1)), "title": "capgate"}
		if an.error {
			r.a.WithFieldsMap(fields).Errorf("%s", an.msg)
		} else {
			r.a.WithFieldsMap(fields).Warningf("%s", an.msg)
		}
	}
	if errs > maxAnnotations || warns > maxAnnotations {
		r.a.Noticef("capgate: %d errors and %d warnings in all; the step summary lists every one", errs, warns)
	}
}

// annotation is one workflow annotation on a manifest line: an error, or
// a warning.
type annotation struct {
	error     bool
	file      string
	line, col int
	msg       string
}

// annotations lists the annotations of res: the manifests that do not
// compile, as errors; then, as warnings, the loud changes, the rest of the
// widened ones and the new unenforceable ones, of the head side. Their
// file is the manifest's path from the repository root (the sides are git
// trees), which is what a check run's annotations name, whatever
// working-directory is; every text taken from input (the path, the
// message, the change's values) is escaped as the text report does
// (report.Term), so it shows on its line as written. At most maxAnnotations of each are listed (GitHub
// drops the rest silently, so the most important go first); errs and
// warns count them all. It is pure.
func annotations(res *diff.Result) (out []annotation, errs, warns int) {
	for _, m := range res.Manifests {
		if m.Error == nil {
			continue
		}
		if errs++; errs <= maxAnnotations {
			msg := fmt.Sprintf("%s [%s]", report.Term(m.Error.Message), report.Term(m.Error.Code))
			if m.Error.Hint != "" {
				msg += "\nhint: " + report.Term(m.Error.Hint)
			}
			out = append(out, annotation{error: true, file: report.Term(m.Path), line: m.Error.Line, col: m.Error.Col, msg: msg})
		}
	}
	// Loud ones first, then the rest of widened, then new unenforceable.
	for _, hit := range []func(c *diff.Change) bool{
		func(c *diff.Change) bool { return c.Loud },
		func(c *diff.Change) bool { return c.Severity == diff.Widened && !c.Loud },
		func(c *diff.Change) bool { return c.Severity == diff.UnenforceableAdded },
	} {
		for _, m := range res.Manifests {
			for j := range m.Changes {
				c := &m.Changes[j]
				if !hit(c) || c.Side != diff.SideHead {
					continue
				}
				if warns++; warns <= maxAnnotations {
					out = append(out, annotation{file: report.Term(m.Path), line: c.Line, col: c.Col,
						msg: report.Term(fmt.Sprintf("%s %s [%s]: %s → %s: %s", strings.ReplaceAll(string(c.Severity), "_", " "), c.Kind, c.Target, orNone(c.Before), orNone(c.After), c.Why))})
				}
			}
		}
	}
	return out, errs, warns
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// errStale says a newer commit is now the PR head.
var errStale = errors.New("stale run")

// launchInput reads the launch-configs input: patterns one per line, or
// "off" alone to read no launch configs; empty means the defaults.
func launchInput(v string) (patterns []string, off bool) {
	if strings.TrimSpace(v) == "off" {
		return nil, true
	}
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			patterns = append(patterns, l)
		}
	}
	return patterns, false
}

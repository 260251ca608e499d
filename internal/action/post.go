package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/launch"
	"github.com/razukc/capgate-action/report"
)

// maxReportBytes caps the report read in post mode: far above what
// analyze writes for a pull request that changes a thousand manifests on
// every target (about 10 MB), and small enough to read into memory.
const maxReportBytes = 64 << 20

// readReport reads a JSON report from an artifact, treating it as untrusted:
// size-capped, schema-checked, every status and severity one of the known
// values. Rendering escapes its text like any manifest text.
func readReport(path string) (*report.JSONReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if len(b) > maxReportBytes {
		return nil, fmt.Errorf("report: larger than %d bytes", maxReportBytes)
	}
	var jr report.JSONReport
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&jr); err != nil {
		return nil, fmt.Errorf("report: not a capgate JSON report: %w", err)
	}
	if jr.Schema != report.Schema {
		return nil, fmt.Errorf("report: schema %q, want %q", jr.Schema, report.Schema)
	}
	if len(jr.Manifests) > 10000 {
		return nil, fmt.Errorf("report: %d manifests is more than a report can hold", len(jr.Manifests))
	}
	if err := checkFields(jr.Manifests); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	c, known := diff.Tally(jr.Manifests)
	if !known {
		return nil, fmt.Errorf("report: unknown status or severity")
	}
	if c != jr.Counts || jr.Widened != (c.Widened > 0) {
		return nil, fmt.Errorf("report: counts do not match its changes")
	}
	return &jr, nil
}

// vocab is the values a report's fields that are not free text may hold:
// every change kind diff reports, every target the compiler has, and the
// clients and launch kinds package launch lists, so that post accepts
// whatever analyze writes and nothing else.
type vocab struct {
	kinds       map[diff.Kind]bool
	targets     map[string]bool
	clients     map[launch.Client]bool
	launchKinds map[launch.Kind]bool
}

func newVocab() *vocab {
	v := &vocab{kinds: map[diff.Kind]bool{}, targets: map[string]bool{}, clients: map[launch.Client]bool{}, launchKinds: map[launch.Kind]bool{}}
	for _, k := range diff.Kinds() {
		v.kinds[k] = true
	}
	for _, t := range compiler.AllTargets() {
		v.targets[t] = true
	}
	for _, c := range launch.Clients() {
		v.clients[c] = true
	}
	for _, k := range launch.Kinds() {
		v.launchKinds[k] = true
	}
	return v
}

// targetList reports whether s is "all" or a comma-separated list of
// distinct known targets.
func targetList(s diff.Targets, known map[string]bool) bool {
	if s == diff.AllTargets {
		return true
	}
	ts := s.List()
	if len(ts) == 0 {
		return false
	}
	seen := map[string]bool{}
	for _, t := range ts {
		if !known[t] || seen[t] {
			return false
		}
		seen[t] = true
	}
	return true
}

// checkFields checks every field of a downloaded report that is not free
// text against the values capgate writes: free text (paths, grants, why,
// messages) is escaped when rendered; the rest must be one of the known
// values (vocab), so nothing unexpected reaches the comment.
func checkFields(ms []diff.ManifestDiff) error {
	v := newVocab()
	for i, m := range ms {
		if m.Path == "" || len(m.Path) > 4096 || len(m.BasePath) > 4096 {
			return fmt.Errorf("manifests[%d]: bad path", i)
		}
		for _, p := range []*diff.Problem{m.Error, m.BaseError} {
			if p != nil && (p.Line < 0 || p.Col < 0 || len(p.Code) > 64) {
				return fmt.Errorf("manifests[%d]: bad error position or code", i)
			}
		}
		if m.Launch != "" && !v.clients[m.Launch] {
			return fmt.Errorf("manifests[%d].launch: %q is not a client", i, m.Launch)
		}
		for j, c := range m.Changes {
			check := v.checkChange
			if m.Launch != "" {
				check = v.checkLaunchChange
			}
			if err := check(c); err != nil {
				return fmt.Errorf("manifests[%d].changes[%d].%w", i, j, err)
			}
		}
		if err := v.checkExceeds(m); err != nil {
			return fmt.Errorf("manifests[%d].%w", i, err)
		}
		for j, td := range m.TextDiffs {
			if !v.targets[td.Target] {
				return fmt.Errorf("manifests[%d].text_diffs[%d].target: %q is not a target", i, j, td.Target)
			}
		}
	}
	return nil
}

func (v *vocab) checkChange(c diff.Change) error {
	switch {
	case !c.Side.Valid():
		return fmt.Errorf("side: %q is not head or base", c.Side)
	case !v.kinds[c.Kind]:
		return fmt.Errorf("kind: %q is not a capability kind", c.Kind)
	case !targetList(c.Target, v.targets):
		return fmt.Errorf("target: %q is not a target list", c.Target)
	case c.Line < 0 || c.Col < 0:
		return fmt.Errorf("line: negative position")
	}
	return nil
}

// checkExceeds checks the entries of a launch config beyond their
// manifests.
func (v *vocab) checkExceeds(m diff.ManifestDiff) error {
	for j, x := range m.Exceeds {
		if m.Launch == "" || x.Line < 0 || !v.launchKinds[x.Kind] {
			return fmt.Errorf("exceeds[%d]: not a launch entry", j)
		}
		for k, c := range x.Changes {
			if err := v.checkLaunchChange(c); err != nil {
				return fmt.Errorf("exceeds[%d].changes[%d].%w", j, k, err)
			}
		}
	}
	return nil
}

// checkLaunchChange checks a change of a launch config: its target is a
// launch kind, its kind a change kind or launch's own.
func (v *vocab) checkLaunchChange(c diff.Change) error {
	switch {
	case !c.Side.Valid():
		return fmt.Errorf("side: %q is not head or base", c.Side)
	case !v.kinds[c.Kind] && c.Kind != diff.KindLaunch:
		return fmt.Errorf("kind: %q is not a capability kind", c.Kind)
	case !v.launchKinds[launch.Kind(c.Target)]:
		return fmt.Errorf("target: %q is not a launch kind", c.Target)
	case c.Line < 0 || c.Col < 0:
		return fmt.Errorf("line: negative position")
	}
	return nil
}

// post is the second job of the fork-safe mode: on workflow_run, it renders
// the analysing job's report and comments on the pull request. The pull
// request is the one the report names only if GitHub agrees that its head
// is the commit the analysing run was for.
func (r *run) post(ctx context.Context, name string, ev *event) int {
	if r.cfg.Report == "" {
		r.a.Errorf("capgate: mode post needs the report input (the downloaded capgate-report.json)")
		return ExitError
	}
	jr, err := readReport(r.cfg.Report)
	if err != nil {
		r.a.Errorf("capgate: %v", err)
		return ExitError
	}
	res := jr.Result()
	dir := r.env.Getenv("GITHUB_WORKSPACE")
	if dir == "" {
		dir = "."
	}
	// The verdict and next steps of the summary and the comment, from this
	// job's inputs (the report carries the lock's approvals).
	head := ""
	if jr.PullRequest != nil {
		head = jr.PullRequest.HeadSHA
	}
	r.gate = &report.Gate{FailOn: r.cfg.FailOn, Base: res.Base, Head: head, Lock: r.cfg.Lock, Label: r.cfg.AllowLabel}
	_, approved, _ := verdict(res, r.cfg.FailOn, false, true)
	r.writeOutputs(res, jr, dir, approved, "", "")
	if jr.PullRequest == nil || jr.PullRequest.Number <= 0 {
		r.a.Noticef("capgate: the report is not for a pull request; nothing to comment on")
		return ExitOK
	}
	runHead := ""
	if ev.WorkflowRun != nil {
		runHead = ev.WorkflowRun.HeadSHA
	}
	if runHead == "" || runHead != jr.PullRequest.HeadSHA {
		r.a.Errorf("capgate: the report is for head %s but the workflow run was for %s; not commenting", report.Code(jr.PullRequest.HeadSHA), report.Code(runHead))
		return ExitError
	}
	if r.cfg.Comment == CommentOff {
		return ExitOK
	}
	// commentErr checks with the API that the PR's head is runHead.
	t := target{prNumber: jr.PullRequest.Number, prHead: runHead}
	if jr.Head == short(runHead, "") {
		t.head = runHead // the report's lines are the head's: inline comments can be placed
	}
	body, _ := fitBody(res, r.cfg.Key, r.gate, "", t.prHead, r.linker(t.head), nil)
	r.comment(ctx, res, t, &approval{}, body)
	return ExitOK
}

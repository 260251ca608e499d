package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

// maxReportBytes caps the report read in post mode.
const maxReportBytes = 8 << 20

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
	c, known := diff.Tally(jr.Manifests)
	if !known {
		return nil, fmt.Errorf("report: unknown status or severity")
	}
	if c != jr.Counts || jr.Widened != (c.Widened > 0) {
		return nil, fmt.Errorf("report: counts do not match its changes")
	}
	return &jr, nil
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
	r.out.AddStepSummary(string(report.Markdown(res, report.MarkdownOptions{Limit: 1 << 20})))
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
	if r.cfg.Comment == "off" {
		return ExitOK
	}
	// commentErr checks with the API that the PR's head is runHead.
	t := target{prNumber: jr.PullRequest.Number, prHead: runHead}
	r.comment(ctx, res, t, false)
	return ExitOK
}

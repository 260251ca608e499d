package report

import (
	"github.com/razukc/capgate-action/diff"
)

// Schema identifies the version of the JSON report; see docs/report-json.md.
const Schema = "https://github.com/razukc/capgate-action/docs/report-json.md#v1"

// JSONReport is the document --format json writes.
type JSONReport struct {
	Schema    string              `json:"schema"`
	Widened   bool                `json:"widened"`
	Base      string              `json:"base"`
	Head      string              `json:"head"`
	Targets   []string            `json:"targets,omitempty"`
	Counts    diff.Counts         `json:"counts"`
	Manifests []diff.ManifestDiff `json:"manifests"`
	// PullRequest is set by the action for the pull request the report
	// is about; the posting job of the two-step mode checks it.
	PullRequest *PullRequestRef `json:"pull_request,omitempty"`
}

// PullRequestRef names a pull request and the head commit a report is for.
type PullRequestRef struct {
	Number  int    `json:"number"`
	HeadSHA string `json:"head_sha"`
}

// NewJSON wraps a result in the versioned report document.
func NewJSON(r *diff.Result) *JSONReport {
	ms := r.Manifests
	if ms == nil {
		ms = []diff.ManifestDiff{}
	}
	return &JSONReport{Schema: Schema, Widened: r.Widened(), Base: r.Base, Head: r.Head, Targets: r.Targets, Counts: r.Counts, Manifests: ms}
}

// JSON renders r as indented JSON with a trailing newline.
func JSON(r *diff.Result) []byte { return NewJSON(r).Encode() }

// Encode renders the document as indented JSON with a trailing newline:
// what encoding/json writes (indented by two spaces, no HTML escaping),
// written by jsonw, with invisible characters escaped (as jsonVisible
// escapes them).
func (j *JSONReport) Encode() []byte {
	w := jsonw{b: make([]byte, 0, encodedSize(j))}
	w.encode(j)
	return w.b
}

// encodedSize guesses the length of j encoded: 128 bytes a manifest and
// its text diffs' length and a tenth for escapes (growing the buffer to
// the megabyte of 400 modified manifests' diffs copied it five times).
func encodedSize(j *JSONReport) int {
	n := 4096
	for i := range j.Manifests {
		n += 128
		for _, td := range j.Manifests[i].TextDiffs {
			n += len(td.Diff) + len(td.Diff)/10
		}
	}
	return n
}

// Result converts a report document back into a diff.Result.
func (j *JSONReport) Result() *diff.Result {
	return &diff.Result{Base: j.Base, Head: j.Head, Targets: j.Targets, Counts: j.Counts, Manifests: j.Manifests}
}

package report

import (
	"io"

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

// WriteTo writes the document to out as Encode renders it, byte for byte,
// through a buffer of about flushBytes instead of the whole document, and
// returns the bytes written and the first write's error. It implements
// io.WriterTo; TestWriteToMatchesEncode guards it. What it buys: the
// 1.1 MB report of BenchmarkDiffGit2000 was built whole in buffers grown
// and copied to it (3.2 MB allocated, each new page a page fault) before
// one write; streamed, 0.7 MB (the second piece's buffer). In-process
// (the report of /tmp/pb/r2k.clone, 3 runs each, load 1.5-2.5): 2.5-6.4
// ms -> 2.2-3.6 ms; whole `capgate diff --format json` processes
// alternated 40 rounds with the build before (2026-12-07 14:53, load
// 2.2-2.3): 5,079 -> 4,556 page faults, CPU median 123.5 -> 119.1 ms,
// wall median 78.2 -> 74.8 ms.
func (j *JSONReport) WriteTo(out io.Writer) (int64, error) {
	w := jsonw{b: make([]byte, 0, min(encodedSize(j), 2*flushBytes)), out: out}
	w.encode(j)
	w.flush(true)
	return w.n, w.err
}

// encodedSize guesses the length of j encoded, from the strings it holds
// and what each element adds around them (keys, indentation), a tenth more
// for the escapes of text diffs: a buffer too small is grown and copied
// (before the changes were counted, BenchmarkDiffGit2000's 1.1 MB report
// was guessed at 0.9 MB, and each piece of it was copied once more).
func encodedSize(j *JSONReport) int {
	n := 4096
	for i := range j.Manifests {
		m := &j.Manifests[i]
		n += 96 + len(m.Path) + len(m.BasePath) + changesSize(m.Changes)
		for _, p := range []*diff.Problem{m.Error, m.BaseError} {
			if p != nil {
				n += 128 + len(p.Code) + len(p.Message) + len(p.Hint)
			}
		}
		for _, td := range m.TextDiffs {
			n += 64 + len(td.Target) + len(td.Diff) + len(td.Diff)/10
		}
		for _, e := range m.Exceeds {
			n += 192 + len(e.Server) + len(e.Manifest) + len(e.Name) + len(e.Paste) + changesSize(e.Changes)
		}
	}
	return n
}

// changesSize is encodedSize's guess for the changes cs.
func changesSize(cs []diff.Change) int {
	n := 0
	for i := range cs {
		c := &cs[i]
		n += 240 + len(c.Kind) + len(c.Target) + len(c.Before) + len(c.After) + len(c.Why)
	}
	return n
}

// Result converts a report document back into a diff.Result.
func (j *JSONReport) Result() *diff.Result {
	return &diff.Result{Base: j.Base, Head: j.Head, Targets: j.Targets, Counts: j.Counts, Manifests: j.Manifests}
}

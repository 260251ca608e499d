package action

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/lock"
)

// widenedResult is a diff result of n manifests that each widen once;
// long makes each row long enough that 200 of them overflow a comment.
func widenedResult(n int, long bool) *diff.Result {
	var ms []diff.ManifestDiff
	for i := range n {
		host := fmt.Sprintf("host-%03d.example.com:443", i)
		if long {
			host = fmt.Sprintf("host-%03d.%sexample.com:443", i, strings.Repeat("long-domain-label-", 14))
		}
		ms = append(ms, diff.ManifestDiff{Path: fmt.Sprintf("servers/s%03d/capgate.json", i), Status: diff.StatusModified,
			Changes: []diff.Change{{Severity: diff.Widened, Kind: "net", Target: diff.AllTargets, Side: diff.SideHead,
				After: "net:connect:" + host, Why: "a new host", Line: 3, Col: 7}}})
	}
	c, _ := diff.Tally(ms)
	return &diff.Result{Manifests: ms, Counts: c}
}

// approveAll is a label read whose recorded rows are every pending row.
func approveAll(res *diff.Result) *labelRead {
	return &labelRead{event: 7, rows: pendingRows(res)}
}

// TestJudgeLabel checks the label's decision table: what was read, the
// pending rows and the row bound.
func TestJudgeLabel(t *testing.T) {
	t.Parallel()
	two := widenedResult(2, false)
	rows := pendingRows(two)
	many := widenedResult(maxStateRows+1, false)
	for _, tc := range []struct {
		name    string
		lr      *labelRead
		res     *diff.Result
		byLabel bool
		note    string // a part of the note; "" for none
		state   bool   // the label's rows are kept in the comment
	}{
		{"not read or not on the pull request", nil, two, false, "", false},
		{"refused (who applied it, the state, the check's failure)", &labelRead{refused: "no."}, two, false, "no.", false},
		{"every pending row recorded", &labelRead{event: 7, rows: rows}, two, true, "", true},
		{"a row came later", &labelRead{event: 7, rows: rows[:1]}, two, false, "1 widened row(s) came later", true},
		{"nothing recorded", &labelRead{event: 7}, two, false, "2 widened row(s) came later", true},
		{"too many rows", approveAll(many), many, false, fmt.Sprintf("More than %d widened rows", maxStateRows), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := judgeLabel(tc.lr, tc.res, "ok-label")
			if v.byLabel != tc.byLabel || (tc.note == "") != (v.note == "") || !strings.Contains(v.note, tc.note) || (v.state != nil) != tc.state {
				t.Fatalf("judgeLabel = %+v; want byLabel %v, note with %q, state %v", v, tc.byLabel, tc.note, tc.state)
			}
			if tc.state && (v.state.Event != tc.lr.event || !reflect.DeepEqual(v.state.Rows, tc.lr.rows)) {
				t.Errorf("state %+v, want event %d rows %v", v.state, tc.lr.event, tc.lr.rows)
			}
		})
	}
}

// TestDecide checks the whole decision from the facts: the exit code, the
// label, the footer, the gate, the fitted comment and its hidden rows.
func TestDecide(t *testing.T) {
	t.Parallel()
	fo, _ := diff.ParseFailOn(diff.DefaultFailOn)
	small := widenedResult(2, false)
	big := widenedResult(200, true)
	fits := widenedResult(120, true) // every row shows, with a footer of a few thousand characters
	pr := target{base: "b", head: "h", prNumber: 3, prHead: "p"}
	type want struct {
		code            int
		byLabel         bool
		hidden          bool // some pending row is not shown
		blocked         bool // gate.LabelBlocked
		footer, notIn   string
		body            bool
		stateRows       int // -1: the rows the comment shows (hidden)
		stateLabel      bool
		apHead, gateHed string
	}
	for _, tc := range []struct {
		name string
		f    facts
		cfg  Config
		w    want
	}{
		{"not commenting: no comment is fitted", facts{res: small, t: pr, ap: &approval{}, driftOK: true}, Config{},
			want{code: ExitFailed, apHead: "p", gateHed: "p"}},
		{"commenting: every pending row in the state", facts{res: small, t: pr, ap: &approval{}, driftOK: true, commenting: true}, Config{},
			want{code: ExitFailed, body: true, stateRows: 2, apHead: "p", gateHed: "p"}},
		{"no pull request head: the compared head is named", facts{res: small, t: target{base: "b", head: "h"}, ap: &approval{}, driftOK: true}, Config{},
			want{code: ExitFailed, apHead: "h", gateHed: "h"}},
		{"the label approves every row", facts{res: small, t: pr, ap: &approval{label: approveAll(small)}, driftOK: true, commenting: true}, Config{AllowLabel: "ok-label"},
			want{code: ExitOK, byLabel: true, body: true, stateRows: 2, stateLabel: true, footer: "approved by the `ok-label` label", apHead: "p", gateHed: "p"}},
		{"the label is refused", facts{res: small, t: pr, ap: &approval{label: &labelRead{refused: "Refused here."}}, driftOK: true, commenting: true}, Config{AllowLabel: "ok-label"},
			want{code: ExitFailed, body: true, stateRows: 2, footer: "> [!WARNING]\n> Refused here.\n", apHead: "p", gateHed: "p"}},
		{"drift fails an approved widening", facts{res: small, t: pr, ap: &approval{label: approveAll(small)}, drift: "\nDRIFT\n", commenting: true}, Config{AllowLabel: "ok-label"},
			want{code: ExitFailed, byLabel: true, body: true, stateRows: 2, stateLabel: true, footer: "\nDRIFT\n", apHead: "p", gateHed: "p"}},
		{"the lock approves", facts{res: small, t: pr, ap: &approval{lockApproved: 2}, driftOK: true}, Config{Lock: "capgate.lock"},
			want{code: ExitFailed, footer: "2 manifest(s) widen with a capability set that `capgate.lock` approves", apHead: "p", gateHed: "p"}},
		{"rows the comment cannot show refuse the label", facts{res: big, t: pr, ap: &approval{label: approveAll(big)}, driftOK: true, commenting: true}, Config{AllowLabel: "ok-label"},
			want{code: ExitFailed, hidden: true, blocked: true, body: true, stateRows: -1, stateLabel: true, footer: "label approves nothing: it approves only rows the comment shows", notIn: "approved by the", apHead: "p", gateHed: "p"}},
		{"a long label note pushes rows out of the comment", facts{res: fits, t: pr, ap: &approval{label: &labelRead{refused: strings.Repeat("word ", 3000)}}, driftOK: true, commenting: true}, Config{AllowLabel: "ok-label"},
			want{code: ExitFailed, hidden: true, blocked: true, body: true, stateRows: -1, footer: "label approves nothing: it approves only rows the comment shows", notIn: "word word", apHead: "p", gateHed: "p"}},
		{"hidden rows without a label input", facts{res: big, t: pr, ap: &approval{}, driftOK: true, commenting: true}, Config{},
			want{code: ExitFailed, hidden: true, blocked: true, body: true, stateRows: -1, notIn: "label approves nothing", apHead: "p", gateHed: "p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.FailOn, tc.cfg.Key, tc.cfg.LabelPermission = fo, "default", "write"
			tc.f.cfg = &tc.cfg
			before, _ := json.Marshal(tc.f.res)
			ap := *tc.f.ap
			d := decide(tc.f)
			if d.code != tc.w.code || d.label.byLabel != tc.w.byLabel || (d.hidden > 0) != tc.w.hidden || d.gate.LabelBlocked != tc.w.blocked || d.gate.ByLabel != d.label.byLabel {
				t.Fatalf("decide: code %d, byLabel %v, hidden %d, blocked %v; want %+v", d.code, d.label.byLabel, d.hidden, d.gate.LabelBlocked, tc.w)
			}
			if !strings.Contains(d.footer, tc.w.footer) || (tc.w.notIn != "" && strings.Contains(d.footer, tc.w.notIn)) {
				t.Errorf("footer %q: want %q in it, %q not", d.footer, tc.w.footer, tc.w.notIn)
			}
			if d.apHead != tc.w.apHead || d.gate.Head != tc.w.gateHed || d.gate.Base != "b" || d.gate.DriftFailed == tc.f.driftOK {
				t.Errorf("apHead %q, gate %+v", d.apHead, d.gate)
			}
			if (d.body != "") != tc.w.body {
				t.Fatalf("body %q", d.body)
			}
			if d.body != "" {
				checkFittedBody(t, d, tc.w.stateRows, tc.w.stateLabel)
			}
			// Pure: the facts are unchanged, and deciding again gives the same.
			after, _ := json.Marshal(tc.f.res)
			if string(before) != string(after) || !reflect.DeepEqual(ap, *tc.f.ap) {
				t.Errorf("decide changed its facts")
			}
			if d2 := decide(tc.f); !reflect.DeepEqual(d, d2) {
				t.Errorf("decide is not deterministic")
			}
		})
	}
}

// checkFittedBody checks that the comment fits GitHub's limit and that its
// state records exactly the pending rows it shows.
func checkFittedBody(t *testing.T, d decision, rows int, label bool) {
	t.Helper()
	st := parseState(d.body)
	if st == nil || len(d.body) > 65536-nonceRoom {
		t.Fatalf("comment of %d bytes with state %+v", len(d.body), st)
	}
	if shown := len(tableRows(d.body, "#### Widened (")); rows == -1 {
		rows = shown
		if shown == 0 || len(st.Rows) != shown {
			t.Errorf("the state records %d rows, the comment shows %d", len(st.Rows), shown)
		}
	}
	if len(st.Rows) != rows || (st.Label != nil) != label {
		t.Errorf("state %+v: want %d rows, label %v", st, rows, label)
	}
}

// TestDecideAfterALabelCheckFailure: a failed label check is read as a
// refusal, and the decision fails closed with the check's message.
func TestDecideAfterALabelCheckFailure(t *testing.T) {
	t.Parallel()
	fo, _ := diff.ParseFailOn(diff.DefaultFailOn)
	cfg := Config{FailOn: fo, Key: "default", AllowLabel: "ok-label", Lock: "capgate.lock"}
	res := widenedResult(1, false)
	msg := "capgate " + explain(errors.New("boom"), "could not check the approval label, so it approves nothing") + "."
	d := decide(facts{res: res, t: target{base: "b", head: "h", prNumber: 1}, cfg: &cfg, ap: &approval{label: &labelRead{refused: msg}, lockErr: errors.New("bad lock")}, driftOK: true, commenting: true})
	if d.code != ExitFailed || d.approved || !d.needsApproval || !strings.Contains(d.footer, msg) || !strings.Contains(d.footer, "The approval lock could not be read") || !strings.Contains(d.body, msg) {
		t.Fatalf("code %d approved %v needs %v footer %q", d.code, d.approved, d.needsApproval, d.footer)
	}
}

// TestLockChanges: the paths whose approval the pull request adds,
// changes or removes.
func TestLockChanges(t *testing.T) {
	t.Parallel()
	a := lock.Approval{Path: "a", ManifestHash: "sha256:1", ApprovedBy: "x"}
	b := lock.Approval{Path: "b", ManifestHash: "sha256:2", ApprovedBy: "x"}
	lf := func(as ...lock.Approval) *lock.File {
		f := lock.New()
		f.Approvals = append(f.Approvals, as...)
		return f
	}
	rehashed, reworded := a, b
	rehashed.ManifestHash, reworded.Reason = "sha256:9", "new reason"
	for _, tc := range []struct {
		name     string
		base, hd *lock.File
		want     []string
	}{
		{"the same", lf(a, b), lf(b, a), nil},
		{"added", lf(a), lf(a, b), []string{"b"}},
		{"removed", lf(a, b), lf(b), []string{"a"}},
		{"a new hash and a new reason", lf(a, b), lf(rehashed, reworded), []string{"a", "b"}},
		{"no base lock", lock.New(), lf(b, a), []string{"a", "b"}},
	} {
		if got := lockChanges(tc.base, tc.hd); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestApplyLocks: the head's lock counts when CODEOWNERS owns it;
// otherwise only the approvals the base already has for the same hash,
// with the base's expiry, and the rest are named as self-approved.
func TestApplyLocks(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	approve := func(path, hash, expires string) lock.Approval {
		return lock.Approval{Path: path, ManifestHash: hash, ApprovedBy: "x", Expires: expires}
	}
	lf := func(as ...lock.Approval) *lock.File {
		f := lock.New()
		f.Approvals = append(f.Approvals, as...)
		return f
	}
	for _, tc := range []struct {
		name     string
		base, hd *lock.File
		owned    bool
		approved []string // the manifests marked approved
		self     []string
	}{
		{"owned: the head's lock", lock.New(), lf(approve("servers/s000/capgate.json", "h0", "")), true, []string{"servers/s000/capgate.json"}, nil},
		{"not owned: the pull request's own approval is refused", lock.New(), lf(approve("servers/s000/capgate.json", "h0", "")), false, nil, []string{"servers/s000/capgate.json"}},
		{"not owned: an approval on the base counts", lf(approve("servers/s001/capgate.json", "h1", "")), lf(approve("servers/s001/capgate.json", "h1", "")), false, []string{"servers/s001/capgate.json"}, nil},
		{"not owned: the base's expiry", lf(approve("servers/s001/capgate.json", "h1", "2026-01-01T00:00:00Z")), lf(approve("servers/s001/capgate.json", "h1", "")), false, nil, []string{"servers/s001/capgate.json"}},
		{"not owned: another hash on the base", lf(approve("servers/s000/capgate.json", "old", "")), lf(approve("servers/s000/capgate.json", "h0", "")), false, nil, []string{"servers/s000/capgate.json"}},
		{"no lock approves", lock.New(), lock.New(), false, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := widenedResult(2, false)
			for i := range res.Manifests {
				res.Manifests[i].Hash = fmt.Sprintf("h%d", i)
			}
			n, self := applyLocks(res, tc.base, tc.hd, tc.owned, now)
			var got []string
			for _, m := range res.Manifests {
				if m.Approved {
					got = append(got, m.Path)
				}
			}
			if n != len(tc.approved) || !reflect.DeepEqual(got, tc.approved) || !reflect.DeepEqual(self, tc.self) {
				t.Errorf("applyLocks = %d %v, self-approved %v; want %v, %v", n, got, self, tc.approved, tc.self)
			}
		})
	}
}

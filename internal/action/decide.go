package action

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

// The run's decision is one pure function, decide, of the facts its I/O
// gathered (facts): the diff with the lock applied, what the lock, the
// label check and the drift check found, and the inputs. It returns the
// whole decision (decision): the exit code and outputs, the footer, the
// gate the summary and comment are judged by, what the label approves and
// the fitted comment. The runner (main, labelPhase, post) only applies
// and writes it.

// facts is everything the decision depends on.
type facts struct {
	res *diff.Result
	t   target
	cfg *Config
	ap  *approval // the lock's outcome and the label as read
	// drift is the drift check's Markdown; driftOK its outcome.
	drift   string
	driftOK bool
	// commenting is true when the run comments: the comment is fitted and
	// the label approves only the rows it shows.
	commenting bool
	// link gives the URL of a head manifest's line (nil for none).
	link func(string, int) string
}

// outcome is the outcome of one run as far as it is known.
type outcome struct {
	code           int
	approved       bool
	needsApproval  bool
	footer         string
	apBase, apHead string
}

// decision is the whole outcome of deciding once.
type decision struct {
	outcome
	gate  *report.Gate
	label labelVerdict
	// hidden counts the pending widened rows the fitted comment does not
	// show; the label approves nothing while it is not 0.
	hidden int
	// body is the fitted comment ("" when the run does not comment).
	body string
}

// labelVerdict is what the allow label approves.
type labelVerdict struct {
	byLabel bool        // the label approves every pending row
	note    string      // why it does not, when it is on the pull request
	state   *labelState // the rows it approved, to keep in the comment
}

// decide computes the decision from f. When the run comments, it also
// fits the comment and counts the widened rows it cannot show: the label
// approves only rows the comment shows, so a trimmed comment refuses the
// label, and decide judges and fits once more with the footer that says
// so (the note does not depend on the count, so that settles it). It is
// pure.
func decide(f facts) decision {
	d := judge(f, 0)
	if !f.commenting {
		return d
	}
	d.body, d.hidden = fitBody(f.res, f.cfg.Key, d.gate, d.footer, f.t.prHead, f.link, d.label.state)
	if d.hidden == 0 {
		return d
	}
	hidden := d.hidden
	d = judge(f, hidden)
	d.body, _ = fitBody(f.res, f.cfg.Key, d.gate, d.footer, f.t.prHead, f.link, d.label.state)
	d.hidden = hidden
	return d
}

// judge is the verdict with the footer that explains it and the gate,
// when the comment leaves hidden pending rows unshown.
func judge(f facts, hidden int) decision {
	d := decision{outcome: outcome{apBase: f.t.base, apHead: f.t.head}, hidden: hidden}
	if f.t.prHead != "" {
		// The command names the pull request's own commits, which a
		// developer has (the merge commit a pull_request run compares is
		// GitHub's).
		d.apHead = f.t.prHead
	}
	d.label = judgeLabel(f.ap.label, f.res, f.cfg.AllowLabel)
	if hidden > 0 && f.cfg.AllowLabel != "" {
		d.label.byLabel, d.label.note = false, hiddenNote(f.cfg.AllowLabel)
	}
	d.code, d.approved, d.needsApproval = verdict(f.res, f.cfg.FailOn, d.label.byLabel, f.driftOK)
	d.footer = approvalNotes(f.cfg, f.res, f.ap, d.label) + f.drift
	ap := f.ap
	d.gate = &report.Gate{FailOn: f.cfg.FailOn, Base: d.apBase, Head: d.apHead, Lock: f.cfg.Lock,
		LockOwned: ap.lockOwned, OwnersUnverified: ap.ownerNote, SelfApproved: ap.selfApproved, Label: f.cfg.AllowLabel, ByLabel: d.label.byLabel,
		LabelWho:     "someone with " + string(f.cfg.LabelPermission) + " permission other than the author",
		LabelBlocked: hidden > 0 || f.res.UnapprovedWidened() > maxStateRows, DriftFailed: !f.driftOK}
	return d
}

// verdict is the run's decision from the result and the approvals alone:
// the exit code, whether the widening is approved, and whether approval is
// what would make the check pass. The label, when it approves (byLabel),
// lifts fail-on widened; a failed drift check fails the run. It is pure.
func verdict(res *diff.Result, failOn diff.FailOn, byLabel, driftOK bool) (code int, approved, needsApproval bool) {
	if byLabel {
		failOn.Widened, failOn.Loud = false, false
	}
	code = ExitOK
	if failOn.Fails(res) || !driftOK {
		code = ExitFailed
	}
	approved = res.Widened() && (res.UnapprovedWidened() == 0 || byLabel)
	needsApproval = code == ExitFailed && failOn.Widened && res.UnapprovedWidened() > 0
	return code, approved, needsApproval
}

// judgeLabel decides what the label approves from what the label check
// read (lr; nil when it did not run or the label is not on the pull
// request): only the pending widened rows that existed when it was
// applied, and nothing beyond maxStateRows. It is pure.
func judgeLabel(lr *labelRead, res *diff.Result, label string) labelVerdict {
	if lr == nil {
		return labelVerdict{}
	}
	if lr.refused != "" {
		return labelVerdict{note: lr.refused}
	}
	rows := pendingRows(res)
	if len(rows) > maxStateRows {
		return labelVerdict{note: fmt.Sprintf("More than %d widened rows are too many to approve with a label; approve with `capgate approve` and the lock.", maxStateRows)}
	}
	v := labelVerdict{state: &labelState{Event: lr.event, Rows: lr.rows}}
	newRows := uncovered(rows, lr.rows)
	if v.byLabel = len(newRows) == 0; !v.byLabel {
		v.note = fmt.Sprintf("The %s label approved the widening shown when it was applied; %d widened row(s) came later and need approval again (remove the label and apply it again, or approve with the lock):%s",
			report.Code(label), len(newRows), describeRows(res, newRows))
	}
	return v
}

// approvalNotes renders what the comment and summary say about approval.
func approvalNotes(cfg *Config, res *diff.Result, ap *approval, lv labelVerdict) string {
	var b strings.Builder
	if ap.lockApproved > 0 {
		fmt.Fprintf(&b, "\n> [!NOTE]\n> %d manifest(s) widen with a capability set that %s approves.\n", ap.lockApproved, report.Code(cfg.Lock))
	}
	if ap.lockErr != nil {
		fmt.Fprintf(&b, "\n> [!WARNING]\n> The approval lock could not be read, so it approves nothing: %s\n", report.Text(ap.lockErr.Error()))
	}
	if len(ap.lockChanged) > 0 {
		var ps []string
		for _, p := range ap.lockChanged[:min(len(ap.lockChanged), 10)] {
			ps = append(ps, report.Code(p))
		}
		more := ""
		if len(ap.lockChanged) > 10 {
			more = fmt.Sprintf(" and %d more", len(ap.lockChanged)-10)
		}
		if ap.lockOwned {
			fmt.Fprintf(&b, "\n> [!NOTE]\n> This pull request changes %s (approvals of %s%s). CODEOWNERS requires a review by %s for it.\n", report.Code(cfg.Lock), strings.Join(ps, ", "), more, report.Text(ap.lockOwner))
		} else if ap.ownerNote != "" {
			fmt.Fprintf(&b, "\n> [!WARNING]\n> This pull request changes %s (approvals of %s%s). The CODEOWNERS rule covering it names no owner capgate could verify as able to review (%s), so its own approvals do not count.\n", report.Code(cfg.Lock), strings.Join(ps, ", "), more, report.Text(ap.ownerNote))
		} else {
			fmt.Fprintf(&b, "\n> [!WARNING]\n> This pull request changes %s (approvals of %s%s), and no CODEOWNERS rule covers it: anyone who can push can approve their own widening. Add a CODEOWNERS rule for %s.\n", report.Code(cfg.Lock), strings.Join(ps, ", "), more, report.Code(cfg.Lock))
		}
	}
	if lv.byLabel && res.UnapprovedWidened() > 0 {
		fmt.Fprintf(&b, "\n> [!NOTE]\n> The widening is approved by the %s label, so the check passes. The label covers these rows only; a push that widens more needs approval again.\n", report.Code(cfg.AllowLabel))
	} else if lv.note != "" {
		fmt.Fprintf(&b, "\n> [!WARNING]\n> %s\n", lv.note)
	}
	return b.String()
}

// hiddenNote says why the label approves nothing when the comment could not
// show every widened row.
func hiddenNote(label string) string {
	return fmt.Sprintf("Not every widened row fits in this comment (GitHub's limit of %d characters), so the %s label approves nothing: it approves only rows the comment shows. Approve with `capgate approve` and the lock; the step summary and the JSON report list every row.", report.GitHubCommentLimit, report.Code(label))
}

// fitBody renders the comment with footer under GitHub's limit, its
// hidden state line recording only the pending widened rows the fitted
// comment shows (and the label's approved rows, label), and returns it
// with how many pending rows it does not show. It is pure.
func fitBody(res *diff.Result, key string, g *report.Gate, footer, prHead string, link func(string, int) string, label *labelState) (string, int) {
	pending := pendingRows(res)
	// Render with the largest state line this run can write, then put the
	// real one (never longer) in its place: the rows shown stay the same.
	room := &state{Rows: pending, Label: &labelState{Event: 1 << 62, Rows: make([]string, maxStateRows)}}
	for i := range room.Label.Rows {
		room.Label.Rows[i] = "0000000000000000"
	}
	if len(pending) > maxStateRows {
		room.Rows = nil
	}
	body := commentBody(res, key, room, g, footer, prHead, link)
	shown := shownRows(res, body, link)
	st := &state{Label: label}
	hidden := 0
	for _, k := range pending {
		if shown[k] {
			st.Rows = append(st.Rows, k)
		} else {
			hidden++
		}
	}
	if len(pending) > maxStateRows {
		st.Rows = nil
	}
	body = strings.Replace(body, room.line(), st.line(), 1)
	return fitComment(body, report.GitHubCommentLimit-nonceRoom), hidden
}

// shownRows returns the keys of the widened rows body shows. The rows of
// the loud and widened tables are found by comparing the body with the
// untrimmed report: trimming drops rows from a table's end and the cut
// keeps a prefix, so the shown rows are a prefix of each table; anything
// else counts as nothing shown (fail closed).
func shownRows(res *diff.Result, body string, link func(string, int) string) map[string]bool {
	full := string(report.Markdown(res, report.MarkdownOptions{Limit: 1 << 30, Link: link}))
	shown := map[string]bool{}
	for _, tb := range []struct {
		heading string
		keep    func(c *diff.Change) bool
	}{
		{"#### 🚨 Host control (", func(c *diff.Change) bool { return c.Loud }},
		{"#### Widened (", func(c *diff.Change) bool { return c.Severity == diff.Widened && !c.Loud }},
	} {
		var keys []string
		for i := range res.Manifests {
			m := &res.Manifests[i]
			for j := range m.Changes {
				if c := &m.Changes[j]; tb.keep(c) {
					k := ""
					if c.Severity == diff.Widened {
						k = labelKey(m, c)
					}
					keys = append(keys, k)
				}
			}
		}
		all, got := tableRows(full, tb.heading), tableRows(body, tb.heading)
		if len(all) != len(keys) || len(got) > len(all) {
			return map[string]bool{}
		}
		for i, row := range got {
			if row != all[i] {
				return map[string]bool{}
			}
			if keys[i] != "" {
				shown[keys[i]] = true
			}
		}
	}
	return shown
}

// tableRows returns the rows of the table under the first line starting
// with heading (its header and separator skipped).
func tableRows(md, heading string) []string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, heading) {
			continue
		}
		var rows []string
		for j := i + 4; j < len(lines) && strings.HasPrefix(lines[j], "| "); j++ {
			rows = append(rows, lines[j])
		}
		return rows
	}
	return nil
}

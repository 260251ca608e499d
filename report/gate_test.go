package report

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestJudge: the verdict and the next step for the gates the comment
// golden files do not cover: what fails and what it names.
func TestJudge(t *testing.T) {
	t.Parallel()
	unenf := diff.ManifestDiff{Path: "u/capgate.json", Status: diff.StatusModified, Changes: []diff.Change{{Severity: diff.UnenforceableAdded, Kind: "net", Target: "nftables", After: "a.example:443", Side: "head", Line: 1}}}
	moved := diff.ManifestDiff{Path: "m/capgate.json", Status: diff.StatusError, Changes: []diff.Change{}, Error: &diff.Problem{Code: diff.CodeMoved, Message: "moved"}}
	failOn := func(s string) diff.FailOn {
		f, err := diff.ParseFailOn(s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, tc := range []struct {
		name      string
		r         *diff.Result
		g         Gate
		fails     bool
		headline  string
		next      string // "" for none
		plainNext string
	}{
		{name: "unenforceable fails when asked", r: result(unenf), g: Gate{FailOn: failOn("unenforceable")}, fails: true,
			headline: "**capgate: blocked.** 1 new entry a sandbox cannot enforce.",
			next:     "**Next step:** compile the new unenforceable egress rules for a target that can enforce them (squid for host names), or pin them to addresses."},
		{name: "unenforceable noted otherwise", r: result(unenf), g: DefaultGate(),
			headline: "**capgate passes.** No change widens what a server may reach (1 new entry a sandbox cannot enforce).", next: "**Next step:** none."},
		{name: "moved out of the patterns", r: result(moved), g: DefaultGate(), fails: true,
			headline: "**capgate: blocked.** 1 manifest moved out of the patterns and cannot be judged.",
			next:     "**Next step:** fix the error in `m/capgate.json` (moved out of the patterns: restore it or widen the `manifests` patterns)."},
		{name: "drift", r: result(), g: Gate{FailOn: failOn("widened"), DriftFailed: true}, fails: true,
			headline: "**capgate: blocked.** The committed policies are out of date.",
			next:     "**Next step:** recompile the policies with `capgate compile --out-dir` and commit them (the drift check below lists what differs)."},
		{name: "lock not owned", r: result(wideManifest(false)), g: Gate{FailOn: failOn("widened"), Base: "main", Head: "HEAD~1", Lock: "ci/capgate.lock"}, fails: true,
			headline:  "**capgate: blocked.** 1 widened capability is not approved. Also: 1 narrowed.",
			next:      "**Next step:** run the command below and commit `ci/capgate.lock` (it counts once a CODEOWNERS rule on the base branch covers it, e.g. `/ci/capgate.lock @your-org/security`).",
			plainNext: `next step: run "capgate approve --base main --head HEAD~1 --lock ci/capgate.lock --reason 'why this widening is fine'" and commit ci/capgate.lock (it counts once a CODEOWNERS rule on the base branch covers it, e.g. /ci/capgate.lock @your-org/security).`},
		{name: "self-approved and one more", r: result(wideManifest(false), loudManifest(false)), g: Gate{FailOn: failOn("widened"), Head: "h", Lock: "capgate.lock", SelfApproved: []string{"servers/github/capgate.json"}}, fails: true,
			headline: "**capgate: blocked.** 1 host-control change and 1 other widened capability are not approved. Also: 1 narrowed.",
			next:     "**Next step:** `capgate.lock` in this pull request approves the widening, but no CODEOWNERS rule on the base branch covers `capgate.lock`, so the approval does not count: add the rule below to the base branch's CODEOWNERS, require code-owner review in branch protection, and run the check again; then run the command below for the widened manifests the lock does not list yet and commit `capgate.lock` (it counts once a CODEOWNERS rule on the base branch covers it, e.g. `/capgate.lock @your-org/security`)."},
		{name: "self-approved, owners unverified", r: result(wideManifest(false)), g: Gate{FailOn: failOn("widened"), Head: "h", Lock: "capgate.lock", SelfApproved: []string{"servers/github/capgate.json"}, OwnersUnverified: "@o/t (team not found)"}, fails: true,
			headline:  "**capgate: blocked.** 1 widened capability is not approved. Also: 1 narrowed.",
			next:      "**Next step:** `capgate.lock` in this pull request approves the widening, but the CODEOWNERS rule on the base branch that covers `capgate.lock` names no owner capgate could verify as able to review it (@\u200bo/t \\(team not found\\)), so the approval does not count: name in that rule a user with write permission or a team with write access, readable with the workflow's token, and run the check again.",
			plainNext: "next step: capgate.lock in this pull request approves the widening, but the CODEOWNERS rule on the base branch that covers capgate.lock names no owner capgate could verify as able to review it (@o/t (team not found)), so the approval does not count: name in that rule a user with write permission or a team with write access, readable with the workflow's token, and run the check again."},
		{name: "label cannot approve hidden rows", r: result(wideManifest(false)), g: Gate{FailOn: failOn("widened"), Label: "ok", LabelBlocked: true}, fails: true,
			headline: "**capgate: blocked.** 1 widened capability is not approved. Also: 1 narrowed.",
			next:     "**Next step:** the `ok` label cannot approve this widening: not every widened row fits in the comment."},
		{name: "no approval set up", r: result(wideManifest(false)), g: DefaultGate(), fails: true,
			headline: "**capgate: blocked.** 1 widened capability is not approved. Also: 1 narrowed.",
			next:     "**Next step:** narrow the widened capabilities, or set up approval: a `capgate.lock` (`capgate approve`) or the `allow-label` input."},
		{name: "lock and label", r: result(wideManifest(true), loudManifest(false)), g: Gate{FailOn: failOn("widened"), Label: "ok", ByLabel: true},
			headline: "**capgate passes.** 1 host-control change and 1 widened capability, all approved by the lock and the label. Also: 1 narrowed.",
			next:     "**Next step:** none; the approved widening is listed below."},
		{name: "launch config and manifest errors counted apart", r: result(brokenManifest(), brokenLaunch()), g: DefaultGate(), fails: true,
			headline: "**capgate: blocked.** 1 manifest does not compile; 1 launch config cannot be judged.",
			next:     "**Next step:** fix the 2 errors below (the first in `servers/db/capgate.json` line 7: manifests are strict JSON: no comments, no trailing commas, keys in double quotes)."},
		{name: "errors not failed on", r: result(brokenManifest()), g: Gate{FailOn: failOn("widened")},
			headline: "**capgate passes.** 1 manifest does not compile.", next: "**Next step:** none."},
	} {
		j := Judge(tc.r, tc.g)
		if j.Fails != tc.fails {
			t.Errorf("%s: Fails %v, want %v", tc.name, j.Fails, tc.fails)
		}
		if got := j.Headline(); got != tc.headline {
			t.Errorf("%s: headline\n got %s\nwant %s", tc.name, got, tc.headline)
		}
		if got := j.NextStep(); got != tc.next {
			t.Errorf("%s: next step\n got %s\nwant %s", tc.name, got, tc.next)
		}
		if tc.plainNext != "" {
			lines := strings.Split(strings.TrimSuffix(j.PlainVerdict(), "\n"), "\n")
			if got := lines[len(lines)-1]; got != tc.plainNext {
				t.Errorf("%s: plain next step\n got %s\nwant %s", tc.name, got, tc.plainNext)
			}
		}
	}
}

// The plain verdict is terminal-safe: a path with an escape sequence and
// an @ comes out escaped, with no zero-width space left from Markdown.
func TestPlainVerdictEscapes(t *testing.T) {
	t.Parallel()
	m := brokenManifest()
	m.Path = "servers/\x1b[2J@x/capgate.json"
	out := Judge(result(m), DefaultGate()).PlainVerdict()
	if strings.ContainsAny(out, "\x1b\u200b") || !strings.Contains(out, `servers/\x1b[2J@x/capgate.json`) {
		t.Errorf("plain verdict: %q", out)
	}
}

func brokenLaunch() diff.ManifestDiff {
	return diff.ManifestDiff{Path: ".mcp.json", Launch: "claude-code", Status: diff.StatusError, Changes: []diff.Change{},
		Error: &diff.Problem{Code: "LAUNCH_PARSE", Message: "Unexpected end of JSON input", Line: 1, Col: 17}}
}

// TestStepPlaceholdersNotInInput: a step's placeholders are filled in one
// pass, so a manifest path or a hint that holds "{hint}" or "{copy}" is
// shown as written: it was filled in again, which put the hint (a
// backtick in it closing the code span) inside the path's code span and
// "the command below" into the path.
func TestStepPlaceholdersNotInInput(t *testing.T) {
	t.Parallel()
	s := Step{Text: "fix the error in {path}: {hint}; run {copy}", Path: "s/{hint}{copy}/capgate.json", Hint: "use `x` {path} {copy}", Copy: "capgate approve", Name: "command"}
	for _, tc := range []struct {
		plain bool
		want  string
	}{
		{false, "fix the error in `s/{hint}{copy}/capgate.json`: use \\`x\\` \\{path\\} \\{copy\\}; run the command below"},
		{true, `fix the error in s/{hint}{copy}/capgate.json: use ` + "`x`" + ` {path} {copy}; run "capgate approve"`},
	} {
		if got := s.words(tc.plain); got != tc.want {
			t.Errorf("plain %v:\n got %s\nwant %s", tc.plain, got, tc.want)
		}
	}
}

package action

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
)

// push adds a commit to the pull request's branch (the origin's main) and
// moves the runner to it, as a new pull_request run would see it.
func (f *fixture) push(files map[string]string) {
	f.t.Helper()
	for p, s := range files {
		if s == "" {
			os.Remove(filepath.Join(f.origin, p))
			continue
		}
		writeFile(f.t, filepath.Join(f.origin, p), s)
	}
	git(f.t, f.origin, "add", "-A")
	git(f.t, f.origin, "commit", "-q", "--allow-empty", "-m", "push")
	f.head = git(f.t, f.origin, "rev-parse", "HEAD")
	git(f.t, f.ws, "fetch", "-q", "--depth=1", "origin", f.head)
	git(f.t, f.ws, "checkout", "-q", f.head)
	f.gh.set(func(g *fakeGitHub) { g.prHead = f.head })
	files2 := prFiles(f.t, f.origin, f.base, f.head)
	f.gh.set(func(g *fakeGitHub) { g.files = files2 })
	f.env["GITHUB_SHA"] = f.head
	f.setEvent("pull_request", nil)
}

const wider = `{"name": "gh", "version": "1.1.0", "tools": [
  {"name": "search", "capabilities": ["fs:read:/workspace/**", "net:connect:api.github.com:443"]},
  {"name": "upload", "capabilities": ["net:connect:uploads.github.com:443", "env:inject:GITHUB_TOKEN"]},
  {"name": "publish", "capabilities": ["env:inject:NPM_TOKEN"]}]}
`

func ours(f *fixture) fakeComment {
	f.t.Helper()
	cs := f.gh.byLogin("github-actions[bot]")
	if len(cs) != 1 {
		f.t.Fatalf("%d comments of ours, want 1", len(cs))
	}
	return cs[0]
}

func TestRerunAfterLabellingApproves(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("unapproved widening: exit %d", res.code)
	}
	f.gh.label("capgate:approve-widening")
	// The re-run replays the old payload (no labels in it): the label is
	// read from the API.
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitOK || res.outputs["approved"] != "true" || !strings.Contains(ours(f).Body, "approved by the") ||
		!strings.Contains(res.summary, "approved by the") || strings.Contains(res.summary, "To approve this widening") || strings.Count(res.summary, "\n### ") != 0 {
		t.Fatalf("re-run after labelling: exit %d outputs %v\n%s", res.code, res.outputs, ours(f).Body)
	}
	// And stays approved on the next run of the same head.
	if res := f.inProcess(context.Background(), nil); res.code != ExitOK {
		t.Fatalf("third run: exit %d\n%s", res.code, res.stdout)
	}
}

func TestLabelThenWiderPushFails(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.inProcess(context.Background(), nil)
	f.gh.label("capgate:approve-widening")
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" {
		t.Fatalf("a push that widens more after the label: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
	body := ours(f).Body
	if !strings.Contains(body, "1 widened row(s) came later") || !strings.Contains(body, "`NPM_TOKEN`") || !strings.Contains(body, "**Next step:** someone with write permission other than the author applies the `capgate:approve-widening` label") {
		t.Errorf("the comment does not list the new row and ask again:\n%s", body)
	}
	// Still failing on a re-run: the approved set is kept in the comment.
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Errorf("re-run: exit %d", res.code)
	}
	// Re-applying the label approves the new set.
	f.gh.unlabel("capgate:approve-widening")
	f.gh.label("capgate:approve-widening")
	if res := f.inProcess(context.Background(), nil); res.code != ExitOK {
		t.Errorf("after re-labelling: exit %d\n%s", res.code, res.stdout)
	}
}

func TestLabelBeforeAnyCommentApprovesNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.gh.label("capgate:approve-widening")
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || !strings.Contains(ours(f).Body, "apply it again") {
		t.Fatalf("a label applied before capgate showed anything: exit %d\n%s", res.code, ours(f).Body)
	}
}

func TestForgedStateIsIgnored(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.inProcess(context.Background(), nil)
	// Mallory copies our comment (with its state) and adds the label
	// herself is not possible; but a copy of the state in her own comment
	// must not count: only our comments are read.
	body := ours(f).Body
	f.gh.label("capgate:approve-widening")
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	f.gh.addComment("mallory", body)
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("exit %d", res.code)
	}
}

func lockFor(hash string) string {
	return `{"schema": "https://github.com/razukc/capgate-action/docs/lock.md#v1", "approvals": [
  {"path": "servers/gh/capgate.json", "manifestHash": "` + hash + `", "approvedBy": "mae", "reason": "uploads", "approvedAt": "2027-01-01T00:00:00Z"}]}`
}

func hashOf(t *testing.T, manifest string) string {
	t.Helper()
	r, err := compiler.Compile([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	return r.Hash
}

// A pull request that approves its own widening by committing the lock,
// with no CODEOWNERS rule for the lock on the base: the approval does not
// count, and the check, an annotation, the comment and the summary say so.
func TestLockSelfApprovalWithoutCodeownersFails(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.push(map[string]string{"capgate.lock": lockFor(headHash(t, f))})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" {
		t.Fatalf("self-approval: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
	if !strings.Contains(res.stdout, "::warning::capgate: this pull request approves its own widening in capgate.lock (servers/gh/capgate.json), and no CODEOWNERS rule") {
		t.Errorf("no warning annotation:\n%s", res.stdout)
	}
	for where, s := range map[string]string{"comment": ours(f).Body, "summary": res.summary} {
		if !strings.Contains(s, "`capgate.lock` in this pull request approves the widening, but no CODEOWNERS rule on the base branch covers") ||
			!strings.Contains(s, "> /capgate.lock @your-org/security\n") || strings.Contains(s, "approved by the lock") || strings.Contains(s, "capgate approve --base") {
			t.Errorf("the %s does not say why and how to fix:\n%s", where, s)
		}
	}
	b, _ := os.ReadFile(filepath.Join(f.ws, "capgate-report.json"))
	if strings.Contains(string(b), `"approved": true`) {
		t.Errorf("report marks a self-approval approved: %s", b)
	}
	for _, l := range strings.Split(res.stdout, "\n") {
		if strings.HasPrefix(l, "::error::") && (strings.Contains(l, "capgate approve") || !strings.Contains(l, "/capgate.lock @your-org/security")) {
			t.Errorf("the error annotation must name the CODEOWNERS rule, not the approve command already run: %s", l)
		}
	}
}

// An approval already on the base's lock keeps counting without CODEOWNERS
// (the pull request did not write it), and a capability edit voids it.
func TestLockApprovalOnTheBaseCounts(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	writeFile(t, filepath.Join(f.origin, "capgate.lock"), lockFor(hashOf(t, headManifest)))
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "pre-approved")
	f.base = git(t, f.origin, "rev-parse", "HEAD")
	f.push(map[string]string{"servers/gh/capgate.json": headManifest})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitOK || res.outputs["approved"] != "true" || strings.Contains(res.stdout, "approves its own widening") {
		t.Fatalf("lock approval on the base: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
	if body := ours(f).Body; !strings.Contains(body, "approved by the lock") {
		t.Errorf("comment:\n%s", body)
	}
	b, _ := os.ReadFile(filepath.Join(f.ws, "capgate-report.json"))
	if !strings.Contains(string(b), `"approved": true`) {
		t.Errorf("report: %s", b)
	}
	// A capability edit voids it.
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed || res.outputs["approved"] != "false" {
		t.Fatalf("capability edit: exit %d outputs %v", res.code, res.outputs)
	}
	// And the pull request cannot re-approve it in the lock itself.
	f.push(map[string]string{"capgate.lock": lockFor(hashOf(t, wider))})
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed || !strings.Contains(res.stdout, "approves its own widening") {
		t.Fatalf("re-approval by the pull request: exit %d\n%s", res.code, res.stdout)
	}
}

func TestLockChangeCoveredByCodeowners(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	// CODEOWNERS on the base branch covers the lock.
	writeFile(t, filepath.Join(f.origin, ".github/CODEOWNERS"), "* @octo/devs\n/capgate.lock @octo/security\n")
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "owners")
	f.base = git(t, f.origin, "rev-parse", "HEAD")
	f.push(map[string]string{"servers/gh/capgate.json": headManifest})
	hash := headHash(t, f)
	f.push(map[string]string{"capgate.lock": `{"schema": "https://github.com/razukc/capgate-action/docs/lock.md#v1", "approvals": [
  {"path": "servers/gh/capgate.json", "manifestHash": "` + hash + `", "approvedBy": "mae", "reason": "uploads", "approvedAt": "2027-01-01T00:00:00Z"}]}`})
	res := f.inProcess(context.Background(), nil)
	body := ours(f).Body
	if res.code != ExitOK || !strings.Contains(body, "CODEOWNERS requires a review by") || !strings.Contains(body, "octo/security") {
		t.Fatalf("exit %d\n%s", res.code, body)
	}
	if strings.Contains(body, "no CODEOWNERS rule") {
		t.Errorf("warned although CODEOWNERS covers the lock:\n%s", body)
	}
}

// headHash is the head manifest's manifestHash as the action computes it.
func headHash(t *testing.T, f *fixture) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.ws, "servers/gh/capgate.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := compiler.Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	return r.Hash
}

func TestFailingCheckSaysHowToApprove(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	res := f.inProcess(context.Background(), nil)
	for where, s := range map[string]string{"comment": ours(f).Body, "summary": res.summary} {
		if !strings.Contains(s, "**Next step:**") || !strings.Contains(s, "capgate approve --base") || !strings.Contains(s, "`capgate:approve-widening`") {
			t.Errorf("the %s does not say how to approve:\n%s", where, s)
		}
	}
	var annot string
	for _, l := range strings.Split(res.stdout, "\n") {
		if strings.HasPrefix(l, "::error::capgate: blocked.") {
			annot = l
		}
	}
	if !strings.Contains(annot, "capgate approve --base") || !strings.Contains(annot, "label") {
		t.Errorf("the error annotation does not say how to approve: %q\n%s", annot, res.stdout)
	}
}

func TestRowsLinkToHeadLines(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["GITHUB_SERVER_URL"] = "https://ghes.example"
	f.inProcess(context.Background(), nil)
	want := "](https://ghes.example/octo/servers/blob/" + f.head + "/servers/gh/capgate.json#L3)"
	if !strings.Contains(ours(f).Body, want) {
		t.Errorf("no link %s in:\n%s", want, ours(f).Body)
	}
}

func TestReviewComments(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.inProcess(context.Background(), nil)
	n, rcs := f.gh.inline()
	if n != 2 || len(rcs) != 2 {
		t.Fatalf("%d posted, %d inline comments; want 2 and 2 (the two widened rows on line 3)", n, len(rcs))
	}
	for _, c := range rcs {
		if c.Path != "servers/gh/capgate.json" || c.Line != 3 || c.CommitID != f.head || !strings.Contains(c.Body, "capgate: Widened") {
			t.Errorf("inline comment %+v", c)
		}
	}
	// A re-run adds nothing.
	f.inProcess(context.Background(), nil)
	if n, rcs := f.gh.inline(); n != 2 || len(rcs) != 2 {
		t.Fatalf("re-run: %d posted, %d comments", n, len(rcs))
	}
	// A push that adds a row: one more comment, on that row.
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	f.inProcess(context.Background(), nil)
	n, rcs = f.gh.inline()
	if n != 3 || len(rcs) != 3 || rcs[2].Line != 4 || !strings.Contains(rcs[2].Body, "`NPM_TOKEN`") {
		t.Fatalf("after a wider push: %d posted, comments %+v", n, rcs)
	}
	// The fix: back to the base manifest. Every inline comment is hidden
	// and marked fixed.
	f.push(map[string]string{"servers/gh/capgate.json": baseManifest})
	f.inProcess(context.Background(), nil)
	n, rcs = f.gh.inline()
	if n != 3 {
		t.Errorf("%d posted after the fix", n)
	}
	for _, c := range rcs {
		if !c.minimized || !strings.Contains(c.Body, "No longer in the change") {
			t.Errorf("not resolved: %+v", c)
		}
	}
}

func TestReviewCommentsOutsideTheDiffStayInTheStickyComment(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.gh.set(func(g *fakeGitHub) { g.files = nil }) // GitHub shows no patch (too large)
	res := f.inProcess(context.Background(), nil)
	if n, rcs := f.gh.inline(); n != 0 || len(rcs) != 0 || strings.Contains(res.stdout, "::warning::capgate: could not write the review") {
		t.Errorf("%d posted, %d comments outside the diff\n%s", n, len(rcs), res.stdout)
	}
	if !strings.Contains(ours(f).Body, "`GITHUB_TOKEN`") {
		t.Errorf("the sticky comment lost the rows")
	}
}

func TestPaginationOfCommentsLabelsAndEvents(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	for i := 0; i < 130; i++ {
		f.gh.addComment("someone", "lgtm")
	}
	f.inProcess(context.Background(), nil)
	for i := 0; i < 120; i++ {
		f.gh.label("other-" + itoa(i))
	}
	f.gh.label("capgate:approve-widening")
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitOK || len(f.gh.byLogin("github-actions[bot]")) != 1 {
		t.Fatalf("our comment on page 2, the label on page 2 of labels and events: exit %d\n%s", res.code, res.stdout)
	}
	_, reqs := f.gh.snapshot()
	var pages int
	for _, r := range reqs {
		if strings.HasSuffix(r, "/issues/7/events") {
			pages++
		}
	}
	if pages < 2 {
		t.Errorf("the events were read in %d page(s)", pages)
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	k1, k2 := strings.Repeat("0123456789abcdef", 2), strings.Repeat("fedcba9876543210", 2)
	s := &state{Rows: []string{k1, k2}, Label: &labelState{Event: 42, Rows: []string{k1}}}
	line := s.line()
	if strings.Count(line, "-->") != 1 || !strings.HasSuffix(line, " -->\n") {
		t.Fatalf("state line %q", line)
	}
	got := parseState("<!-- capgate-action:default -->\n" + line + "### body")
	if got == nil || len(got.Rows) != 2 || got.Label == nil || got.Label.Event != 42 || len(got.Label.Rows) != 1 || got.Label.Rows[0] != s.Rows[0] {
		t.Fatalf("round trip: %+v", got)
	}
	for _, bad := range []string{
		`<!-- capgate-state:{"v":3,"rows":""} -->`,
		`<!-- capgate-state:{"v":2,"rows":"xyz"} -->`,
		`<!-- capgate-state:{"v":2,"rows":"0123456789abcdef0123456789abcde"} -->`,
		// Version 1's 64-bit keys: a label applied before the upgrade
		// approves nothing.
		`<!-- capgate-state:{"v":1,"rows":"0123456789abcdef","label_event":42,"label_rows":"0123456789abcdef"} -->`,
		`<!-- capgate-state:{"v":2,"rows":"0123456789abcdef","label_event":42,"label_rows":"0123456789abcdef"} -->`,
	} {
		if parseState(bad) != nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// 240 widened rows (two per manifest) do not fit in one comment: the hidden state records
// only the rows the comment shows, and the label approves nothing.
func TestLabelDoesNotApproveRowsTheCommentDoesNotShow(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for i := 0; i < 120; i++ {
		files[fmt.Sprintf("servers/s%03d/capgate.json", i)] = fmt.Sprintf(`{"name": "s%d", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:host-%03d.%s.example.com:443"]}]}`, i, i, strings.Repeat("long-domain-label-", 14))
	}
	f := setup(t, files)
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("exit %d", res.code)
	}
	body := ours(f).Body
	st := parseState(body)
	shown := len(tableRows(body, "#### Widened ("))
	if st == nil || shown == 0 || shown >= 240 || len(st.Rows) != shown {
		t.Fatalf("the state records %d rows, the comment shows %d of 240", len(st.Rows), shown)
	}
	f.gh.label("capgate:approve-widening")
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" {
		t.Fatalf("the label approved rows the comment never showed: exit %d outputs %v", res.code, res.outputs)
	}
	for where, s := range map[string]string{"comment": ours(f).Body, "summary": res.summary} {
		if !strings.Contains(s, "label approves nothing") || !strings.Contains(s, "capgate approve") || strings.Contains(s, "approves exactly the") {
			t.Errorf("the %s does not say the label cannot approve:\n%s", where, s[max(0, len(s)-3000):])
		}
	}
}

// The outputs and the summary are written, failing closed, before the
// label check's first API call; a run stopped during it keeps them.
func TestResultIsWrittenBeforeTheLabelCheck(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	hung := make(chan string, 16) // held calls are heard in order, none dropped
	f.gh.set(func(g *fakeGitHub) { g.hang, g.hung = 1<<30, hung })
	os.Remove(f.outPath)
	os.Remove(f.summary)
	// The run's deadline is always 200ms away on the fake clock, so the
	// label check gets 100ms, which run out when the test moves the clock
	// on; the run itself ends only when the test says.
	clk := newFakeClock()
	ctx := newDeadline()
	ctx.in, ctx.clock = 200*time.Millisecond, clk.Now
	t.Cleanup(ctx.expire)
	done := make(chan result)
	go func() { done <- f.inProcess(ctx, clk) }()
	var res result
	select {
	case <-hung: // the label check's first call, held
	case res = <-done:
		t.Fatalf("the run ended without an API call: exit %d\n%s", res.code, res.stdout)
	}
	seen := parseOutputs(t, f.outPath)
	sum, _ := os.ReadFile(f.summary)
	clk.Advance(100 * time.Millisecond) // the label check's share runs out
	select {
	case <-hung: // the next call, after the label check's share ran out
		ctx.expire()
		res = <-done
	case res = <-done:
	}
	if seen["approved"] != "false" || seen["widened"] != "true" || !strings.Contains(string(sum), "capgate approve --base") {
		t.Errorf("at the first API call: outputs %v, summary %q", seen, sum)
	}
	if res.code != ExitFailed || !strings.Contains(res.stdout, "the label check's share of the time limit") {
		t.Errorf("exit %d; the warning does not name the label check's budget:\n%s", res.code, res.stdout)
	}
}

// TestRowKeysHold128Bits: the keys a label approves are 128 bits of
// SHA-256 (keyHex), for a row of a manifest and of a launch config, and an
// inline comment's marker carries the same key. With 64 bits the author
// of a pull request could make a harmless row and a host-control row of
// one key (a birthday search of about 2^32 hashes).
func TestRowKeysHold128Bits(t *testing.T) {
	t.Parallel()
	c := &diff.Change{Severity: diff.Widened, Kind: "fs", Target: "bwrap", After: "rw /var/run/docker.sock"}
	hexKey := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, m := range []*diff.ManifestDiff{
		{Path: "a/capgate.json"},
		{Path: ".mcp.json", Launch: "claude-code", Hash: "sha256:00"},
	} {
		for name, k := range map[string]string{"rowKey": rowKey(m, c), "labelKey": labelKey(m, c)} {
			if !hexKey.MatchString(k) {
				t.Errorf("%s of %s is %q, want 32 hex digits", name, m.Path, k)
			}
		}
	}
	k := rowKey(&diff.ManifestDiff{Path: "a/capgate.json"}, c)
	if m := reviewMarkerRE.FindStringSubmatch("<!-- capgate-review:default:" + k + " -->\n"); m == nil || m[2] != k {
		t.Errorf("the review marker does not carry the key %s: %q", k, m)
	}
}

// TestRowKeysFieldsApart: a NUL in a row's text cannot move text from one
// field of the key to the next, so two rows of different text have
// different keys; a row without one keeps its key.
func TestRowKeysFieldsApart(t *testing.T) {
	t.Parallel()
	m := &diff.ManifestDiff{Path: ".mcp.json"}
	a := &diff.Change{Severity: diff.Widened, Kind: "fs", Target: "srt", After: "s: /tmp/x\x00docker.sock", Why: "new grant"}
	b := &diff.Change{Severity: diff.Widened, Kind: "fs", Target: "srt", After: "s: /tmp/x", Why: "docker.sock\x00new grant"}
	if rowKey(m, a) == rowKey(m, b) {
		t.Errorf("rows %q and %q have one key", a.After+"|"+a.Why, b.After+"|"+b.Why)
	}
	plain := &diff.Change{Severity: diff.Widened, Kind: "fs", Target: "srt", After: "s: /tmp/x", Why: "new grant"}
	h := sha256.New()
	for _, f := range []string{m.Path, "widened", "fs", "srt", "", plain.After, plain.Why} {
		h.Write([]byte(f + "\x00"))
	}
	if want := hex.EncodeToString(h.Sum(nil))[:keyHex]; rowKey(m, plain) != want {
		t.Errorf("a plain row's key changed: %s, was %s", rowKey(m, plain), want)
	}
}

// TestLabelKeysSeeADroppedShadow: a label approves rows by their keys.
// Against a base that mounts /srv read-only with the read-only
// /srv/secret in it, a head making /srv writable but keeping the secret
// read-only, and one dropping the secret's protection, must not give the
// same keys: the row read "/srv becomes writable" for both, so a label on
// the first approved a push of the second.
func TestLabelKeysSeeADroppedShadow(t *testing.T) {
	t.Parallel()
	m := func(caps ...string) []byte {
		return []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["` + strings.Join(caps, `","`) + `"]}]}`)
	}
	keys := func(head []byte) []string {
		md := &diff.ManifestDiff{Path: "servers/x/capgate.json"}
		var out []string
		for _, c := range diff.CompareManifests(m("fs:read:/srv", "fs:read:/srv/secret"), head) {
			if c.Severity == diff.Widened {
				out = append(out, labelKey(md, &c))
			}
		}
		return out
	}
	kept := keys(m("fs:read,write:/srv", "fs:read:/srv/secret"))
	dropped := keys(m("fs:read,write:/srv"))
	if len(kept) == 0 {
		t.Fatal("no widened row for /srv made writable")
	}
	for _, k := range dropped {
		if slices.Contains(kept, k) {
			t.Errorf("a widened row of the head that drops the read-only /srv/secret has a key the label approved for the head that kept it (%s)", k)
		}
	}
}

package action

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/lock"
	"github.com/razukc/capgate-action/report"
)

// keyHex is the length of a row key in hex digits: 128 bits of SHA-256.
// A pull request's author picks the text of the rows a label approves, so
// with 64 bits two rows of one key (a harmless one shown and approved, a
// host-control one pushed later) are a birthday search of about 2^32
// hashes away, minutes on a laptop; 128 bits put that at 2^64.
const keyHex = 32

// rowKey identifies one widened row across runs: the manifest and what the
// change grants, with the reason the row shows (a row that cannot be judged
// names there what it cannot judge, such as an srt settings file outside
// the repository). A later push that adds a row adds a key.
func rowKey(m *diff.ManifestDiff, c *diff.Change) string {
	h := sha256.New()
	for _, s := range []string{m.Path, string(c.Severity), string(c.Kind), string(c.Target), c.Before, c.After, c.Why} {
		h.Write([]byte(keyField(s)))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:keyHex]
}

// keyField is s as a field of rowKey, whose fields end in a NUL: s
// itself when it holds no byte 0 or 1, else 1 and s quoted (which holds
// neither), so that a NUL in a row's text (a grant key read from a
// config) cannot move text from one field to the next and give two rows
// one key; other rows keep the keys label states already hold.
func keyField(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r <= 1 }) < 0 {
		return s
	}
	return "\x01" + strconv.Quote(s)
}

// labelKey identifies a widened row for the label: rowKey, and for a
// launch config its hash over every entry's launch too (diff's launchHash,
// as the lock approves it), since a row names a grant but not the rest of
// the launch (the image the docker socket is mounted into): any change to
// the config is a row the label has not seen.
func labelKey(m *diff.ManifestDiff, c *diff.Change) string {
	k := rowKey(m, c)
	if m.Launch == "" || m.Hash == "" {
		return k
	}
	h := sha256.Sum256([]byte(k + "\x00" + m.Hash))
	return hex.EncodeToString(h[:])[:keyHex]
}

// pendingRows returns the keys of the widened rows no lock approves, sorted.
func pendingRows(res *diff.Result) []string {
	var keys []string
	for i := range res.Manifests {
		m := &res.Manifests[i]
		if m.Approved {
			continue
		}
		for j := range m.Changes {
			if m.Changes[j].Severity == diff.Widened {
				keys = append(keys, labelKey(m, &m.Changes[j]))
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// state is what the action keeps in its own comment, where only the
// token's identity can write: the widened rows the comment showed, and the
// rows a label approved (with the label event that approved them).
type state struct {
	Rows  []string
	Label *labelState
}

type labelState struct {
	Event int64
	Rows  []string
}

// maxStateRows bounds the rows kept in the comment (16 characters each,
// twice at most: about 8,000 characters); beyond it, label approval is
// refused (the lock still works).
const maxStateRows = 250

// stateDoc is the state's wire form: row keys joined into one hex string,
// so the line holds nothing but JSON punctuation, digits and hex, and
// cannot end the HTML comment it sits in.
type stateDoc struct {
	// V is stateVersion.
	V     int    `json:"v"`
	Rows  string `json:"rows"`
	Event int64  `json:"label_event,omitempty"`
	Label string `json:"label_rows,omitempty"`
}

// stateVersion is the state line's version. Version 1 held 64-bit row keys
// (see keyHex); a line of it is ignored, as a forged one is, so a label
// applied before the upgrade approves nothing until it is applied again.
const stateVersion = 2

var (
	stateRE = regexp.MustCompile(`<!-- capgate-state:(\{[^<>]*\}) -->`)
	keysRE  = regexp.MustCompile(`^(?:[0-9a-f]{32})*$`)
)

func (s *state) line() string {
	d := stateDoc{V: stateVersion, Rows: strings.Join(s.Rows, "")}
	if s.Label != nil {
		d.Event, d.Label = s.Label.Event, strings.Join(s.Label.Rows, "")
	}
	b, _ := json.Marshal(d)
	return "<!-- capgate-state:" + string(b) + " -->\n"
}

func splitKeys(s string) []string {
	keys := make([]string, 0, len(s)/keyHex)
	for i := 0; i+keyHex <= len(s); i += keyHex {
		keys = append(keys, s[i:i+keyHex])
	}
	return keys
}

func parseState(body string) *state {
	m := stateRE.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var d stateDoc
	if json.Unmarshal([]byte(m[1]), &d) != nil || d.V != stateVersion || !keysRE.MatchString(d.Rows) || !keysRE.MatchString(d.Label) {
		return nil
	}
	s := &state{Rows: splitKeys(d.Rows)}
	if d.Event != 0 {
		s.Label = &labelState{Event: d.Event, Rows: splitKeys(d.Label)}
	}
	return s
}

// approval is what the I/O of one run found out about approval: the
// lock's outcome, the action's own comments and the label as read. What
// follows from it is decide's (decide.go).
type approval struct {
	// lockApproved is the number of widened manifests the lock approves.
	lockApproved int
	lockErr      error
	lockChanged  []string // paths whose approval changed in this PR
	lockOwned    bool     // a CODEOWNERS rule with owners covers the lock
	lockOwner    string   // that rule's owners
	// ownerNote says, when the rule's owners could not be verified, which
	// and why (the lock then counts as not owned).
	ownerNote string
	// selfApproved lists the widened manifests only the pull request's own
	// lock changes approve, refused without a CODEOWNERS rule.
	selfApproved []string
	// label is what the label check read: nil while it did not run, or
	// when the label is not on the pull request.
	label *labelRead
	// comments are ours, read for the label check and reused to comment.
	login    string
	existing []*github.IssueComment
	checked  bool // the label check ran (and existing is valid)
	// tampered maps our comments that someone else edited to who did.
	tampered map[int64][]string
}

// labelRead is what the label check read from GitHub about the allow
// label on the pull request.
type labelRead struct {
	// refused says why the label approves nothing whatever the rows ("" when
	// it may approve): who applied it, an untrusted or missing state, or
	// the check's own failure.
	refused string
	// event is the ID of the label's latest "labeled" event, and rows the
	// rows the recorded state says it approved.
	event int64
	rows  []string
}

// readLocks applies the head's lock to res and compares it with the base's.
//
// Approvals the pull request itself adds or changes (per path and hash,
// compared with the base's lock) count only when a CODEOWNERS rule on the
// base covers the lock: branch protection's code-owner review then guards
// them. Otherwise they do not count (fail closed): a pull request cannot
// approve its own widening by committing the lock. Approvals already on
// the base keep counting, with the base's expiry. The reading (git, the
// API) is here; what follows from it is lockChanges' and applyLocks'.
func (r *run) readLocks(ctx context.Context, res *diff.Result, dir, base, head string, ap *approval) {
	if r.cfg.Lock == "" {
		return
	}
	hl, err := source.ReadLock(ctx, dir, head, r.cfg.Lock, true)
	if err != nil {
		ap.lockErr = err
		return
	}
	// The lock must be a regular file on both sides: read through a
	// symbolic link, the approvals would live in a file CODEOWNERS may not
	// cover, and the pull request could edit that file instead.
	if err := lockIsFile(ctx, dir, base, head, r.cfg.Lock); err != nil {
		ap.lockErr = err
		return
	}
	bl := lock.New()
	if base != "" {
		if b, err := source.ReadLock(ctx, dir, base, r.cfg.Lock, true); err == nil {
			bl = b
		}
	}
	ap.lockChanged = lockChanges(bl, hl)
	if base != "" {
		ap.lockOwner, ap.lockOwned = codeOwner(ctx, dir, base, r.cfg.Lock)
	}
	r.verifyLockOwner(ctx, ap)
	ap.lockApproved, ap.selfApproved = applyLocks(res, bl, hl, ap.lockOwned, r.env.Now())
}

// lockChanges returns the paths whose approval the head's lock (hl) adds,
// changes or removes from the base's (bl), sorted. It is pure.
func lockChanges(bl, hl *lock.File) []string {
	old := map[string]lock.Approval{}
	for _, a := range bl.Approvals {
		old[a.Path] = a
	}
	var changed []string
	for _, a := range hl.Approvals {
		if o, ok := old[a.Path]; !ok || o != a {
			changed = append(changed, a.Path)
		}
		delete(old, a.Path)
	}
	for p := range old { // approvals the pull request removes
		changed = append(changed, p)
	}
	sort.Strings(changed)
	return changed
}

// applyLocks marks the manifests of res the locks approve at now and
// returns how many it approves. When a verified CODEOWNERS rule owns the
// lock (owned), that is the head's lock (hl); otherwise only the head's
// approvals the base's lock (bl) already has for the same hash count,
// with the base's expiry, and selfApproved lists the widened manifests
// the head's lock alone would approve (refused). It touches nothing but
// res's approval marks.
func applyLocks(res *diff.Result, bl, hl *lock.File, owned bool, now time.Time) (approved int, selfApproved []string) {
	if owned {
		return lock.Apply(res, hl, now), nil
	}
	old := map[string]lock.Approval{}
	for _, a := range bl.Approvals {
		old[a.Path] = a
	}
	onBase := lock.New()
	for _, a := range hl.Approvals {
		if o, ok := old[a.Path]; ok && o.ManifestHash == a.ManifestHash {
			onBase.Approvals = append(onBase.Approvals, o)
		}
	}
	approved = lock.Apply(res, onBase, now)
	// What the head's lock would approve on its own: refused, and said.
	for _, m := range res.Manifests {
		if m.Error == nil && !m.Approved && m.Widens() {
			if _, ok := hl.Approves(m.Path, m.Hash, now); ok {
				selfApproved = append(selfApproved, m.Path)
			}
		}
	}
	return approved, selfApproved
}

// lockIsFile returns an error when the lock on the base or head side is
// anything but a regular file (or absent).
func lockIsFile(ctx context.Context, dir, base, head, lockPath string) error {
	p := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(lockPath)), "./")
	for _, side := range []struct{ name, rev string }{{"base", base}, {"head", head}} {
		if side.rev == "" {
			continue
		}
		modes, err := treeModes(ctx, dir, side.rev, p)
		if err != nil {
			return err
		}
		if why := regularFile(p, modes[p]); why != "" {
			return fmt.Errorf("on the %s side %s; the lock must be a regular file on both sides, so its approvals are refused", side.name, why)
		}
	}
	return nil
}

// selfApprovalNote says why the lock's approvals added by the pull request
// do not count and how to fix it; "" when there are none.
func (r *run) selfApprovalNote(ap *approval, markdown bool) string {
	if len(ap.selfApproved) == 0 {
		return ""
	}
	code := func(s string) string {
		if markdown {
			return report.Code(s)
		}
		return s
	}
	var ps []string
	for _, p := range ap.selfApproved[:min(len(ap.selfApproved), 10)] {
		ps = append(ps, code(p))
	}
	more := ""
	if len(ap.selfApproved) > 10 {
		more = fmt.Sprintf(" and %d more", len(ap.selfApproved)-10)
	}
	label := ""
	if r.cfg.AllowLabel != "" {
		label = fmt.Sprintf(", or have a maintainer approve with the %s label", code(r.cfg.AllowLabel))
	}
	if ap.ownerNote != "" {
		note := ap.ownerNote
		if markdown {
			note = report.Text(note)
		}
		return fmt.Sprintf("this pull request approves its own widening in %s (%s%s), and the CODEOWNERS rule on the base branch that covers %s names no owner capgate could verify as able to review it (%s), so GitHub may assign it no code owner: those approvals do not count and the widening is unapproved. To fix: name in that rule a user with write permission or a team of this organization with write access, readable with the workflow's token%s",
			code(r.cfg.Lock), strings.Join(ps, ", "), more, code(r.cfg.Lock), note, label)
	}
	return fmt.Sprintf("this pull request approves its own widening in %s (%s%s), and no CODEOWNERS rule on the base branch covers %s, so those approvals do not count and the widening is unapproved. To fix: add a CODEOWNERS rule for %s (for example %s) and require code-owner review in branch protection%s",
		code(r.cfg.Lock), strings.Join(ps, ", "), more, code(r.cfg.Lock), code(r.cfg.Lock), code("/"+r.cfg.Lock+" @your-org/security"), label)
}

// codeOwner reads CODEOWNERS from the base side (the rules in force for the
// pull request; the pull request cannot add its own) and returns the owners
// of the last rule that matches path. GitHub uses the first of
// codeownersLocations it finds; one that is not a regular file (a symbolic
// link GitHub may not follow) owns nothing.
func codeOwner(ctx context.Context, dir, base, path string) (string, bool) {
	modes, err := treeModes(ctx, dir, base, codeownersLocations...)
	if err != nil {
		return "", false
	}
	first := ""
	for _, l := range codeownersLocations {
		if modes[l] != "" {
			first = l
			break
		}
	}
	if first == "" || regularFile(first, modes[first]) != "" {
		return "", false
	}
	side, err := source.Open(ctx, dir, base, true)
	if err != nil {
		return "", false
	}
	m, err := source.NewMatcher([]string{first})
	if err != nil {
		return "", false
	}
	files, err := side.Read(ctx, m)
	if err != nil {
		return "", false
	}
	for _, f := range files {
		if f.Path == first && f.Err == nil {
			return ownersOf(string(f.Data), path)
		}
	}
	return "", false
}

// checkLabel reads what decides whether the allow label approves the
// pending rows (judgeLabel decides).
//
// The label is read from the API (a re-run replays the old event payload).
// It counts only when its latest "labeled" event names someone other than
// the pull request's author, and other than the action's own identity,
// with at least the permission of input allow-label-permission. It
// approves only the widened rows that existed when it was applied: the
// action's own comment records the rows it showed, and the label's
// "labeled" event (issue events API) has GitHub's time of labelling. When
// the comment was last written before the label was applied, the rows it
// recorded are what the label approved; the first run that sees the label
// stores that set in the comment, tied to the event, and later runs
// compare with it. A push that adds a widened row adds a key outside the
// set, and the label no longer approves. The state is read only from a
// comment the action's identity wrote and no one else ever edited
// (GraphQL userContentEdits): anyone with write access may edit others'
// comments, so an edited comment's state is not trusted.
func (r *run) checkLabel(ctx context.Context, number int, ap *approval) (*labelRead, error) {
	g, err := r.api()
	if err != nil {
		return nil, err
	}
	if err := r.readOurComments(ctx, g, number, ap); err != nil {
		return nil, err
	}
	if r.cfg.AllowLabel == "" {
		return nil, nil
	}
	ev, err := g.lastLabeled(ctx, number, r.cfg.AllowLabel)
	if err != nil || ev == nil {
		return nil, err
	}
	refused, err := r.applierRefused(ctx, g, number, ev, ap.login)
	if err != nil {
		return nil, err
	}
	if refused != "" {
		return &labelRead{refused: refused}, nil
	}
	prev, prevComment := latestState(ap.existing, ap.tampered)
	rows, note := labelledRows(prev, prevComment, ev, r.cfg.AllowLabel)
	if prev == nil && len(ap.tampered) > 0 {
		note = tamperedNote(r.cfg.AllowLabel, ap.tampered)
	}
	if note != "" {
		return &labelRead{refused: note}, nil
	}
	return &labelRead{event: ev.GetID(), rows: rows}, nil
}

// readOurComments finds the action's identity and its comments, and which
// of them someone else has edited (ap.tampered).
func (r *run) readOurComments(ctx context.Context, g *gh, number int, ap *approval) error {
	var err error
	if ap.login, err = g.identity(ctx); err != nil {
		return err
	}
	if ap.existing, err = g.ourComments(ctx, number, ap.login, marker(r.cfg.Key)); err != nil {
		return err
	}
	ids := make([]string, len(ap.existing))
	for i, c := range ap.existing {
		ids[i] = c.GetNodeID()
	}
	eds, gone, err := g.editors(ctx, ids, ap.login)
	if err != nil {
		return fmt.Errorf("checking who edited capgate's comment: %w", err)
	}
	// A comment deleted since it was listed (a concurrent run removing its
	// copy) is no longer there to carry a state or to be updated.
	ap.existing = slices.DeleteFunc(ap.existing, func(c *github.IssueComment) bool { return gone[c.GetNodeID()] })
	ap.tampered = map[int64][]string{}
	for _, c := range ap.existing {
		if others := eds[c.GetNodeID()]; len(others) > 0 {
			ap.tampered[c.GetID()] = others
		}
	}
	ap.checked = true
	return nil
}

// latestState returns the state of the newest comment that carries one and
// that no one else edited.
func latestState(existing []*github.IssueComment, tampered map[int64][]string) (*state, *github.IssueComment) {
	for i := len(existing) - 1; i >= 0; i-- {
		if _, bad := tampered[existing[i].GetID()]; bad {
			continue
		}
		if st := parseState(existing[i].GetBody()); st != nil {
			return st, existing[i]
		}
	}
	return nil, nil
}

// labelledRows returns the rows the label event ev approved according to
// the recorded state, or a note saying why it approves none.
func labelledRows(prev *state, prevComment *github.IssueComment, ev *github.IssueEvent, label string) ([]string, string) {
	switch {
	case prev != nil && prev.Label != nil && prev.Label.Event == ev.GetID():
		return prev.Label.Rows, ""
	case prev != nil && prevComment.GetUpdatedAt().Before(ev.GetCreatedAt().Time):
		return prev.Rows, ""
	}
	return nil, fmt.Sprintf("The %s label was applied before capgate's comment showed the current widening, so it approves nothing yet: remove the label and apply it again.", report.Code(label))
}

// uncovered returns the keys of rows not in approved.
func uncovered(rows, approved []string) []string {
	covered := map[string]bool{}
	for _, k := range approved {
		covered[k] = true
	}
	var out []string
	for _, k := range rows {
		if !covered[k] {
			out = append(out, k)
		}
	}
	return out
}

// tamperedNote says why the label approves nothing when capgate's comment
// was edited by someone else.
func tamperedNote(label string, tampered map[int64][]string) string {
	seen := map[string]bool{}
	var who []string
	for _, id := range sortedIDs(tampered) {
		for _, e := range tampered[id] {
			if !seen[e] {
				seen[e] = true
				who = append(who, report.Text(e))
			}
		}
	}
	return fmt.Sprintf("capgate's comment was edited by %s, so the approval state it recorded is not trusted and the %s label approves nothing. capgate replaces the edited comment; to approve the widening it shows now, remove the label and apply it again.",
		strings.Join(who, ", "), report.Code(label))
}

func sortedIDs(m map[int64][]string) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// applierRefused returns why the label event ev does not count, or "": it
// was applied by the pull request's author, by the action's own identity,
// or by someone with less than the permission the workflow names.
func (r *run) applierRefused(ctx context.Context, g *gh, number int, ev *github.IssueEvent, login string) (string, error) {
	who := ev.GetActor().GetLogin()
	label := report.Code(r.cfg.AllowLabel)
	if who == "" {
		return fmt.Sprintf("GitHub does not say who applied the %s label, so it approves nothing.", label), nil
	}
	pr, _, err := g.c.PullRequests.Get(ctx, g.owner, g.repo, number)
	if err != nil {
		return "", err
	}
	need := r.cfg.LabelPermission
	switch {
	case strings.EqualFold(who, pr.GetUser().GetLogin()):
		return fmt.Sprintf("The %s label was applied by the pull request's author (%s), who cannot approve their own widening, so it approves nothing: someone else with %s permission must apply it.", label, report.Text("@"+who), need), nil
	case strings.EqualFold(who, login):
		return fmt.Sprintf("The %s label was applied by capgate's own identity (%s), so it approves nothing: a person with %s permission must apply it.", label, report.Text("@"+who), need), nil
	}
	perm, err := g.permission(ctx, who)
	if err != nil {
		return "", err
	}
	if permissionRank[perm] < permissionRank[need] {
		return fmt.Sprintf("The %s label was applied by %s, whose permission on this repository is %s; it counts only when applied by someone with at least %s permission (input %s), so it approves nothing.",
			label, report.Text("@"+who), perm, need, report.Code("allow-label-permission")), nil
	}
	return "", nil
}

// describeRows lists the rows with the given keys as Markdown list items
// inside a quote block (at most 20).
func describeRows(res *diff.Result, keys []string) string {
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	var b strings.Builder
	n := 0
	for i := range res.Manifests {
		m := &res.Manifests[i]
		for j := range m.Changes {
			c := &m.Changes[j]
			if c.Severity != diff.Widened || !want[labelKey(m, c)] {
				continue
			}
			if n++; n <= 20 {
				fmt.Fprintf(&b, "\n> - %s:%d %s · %s: %s", report.Code(m.Path), c.Line, report.Text(string(c.Kind)), report.Text(string(c.Target)), report.Code(orNone(c.After)))
			}
		}
	}
	if n > 20 {
		fmt.Fprintf(&b, "\n> - and %d more", n-20)
	}
	return b.String()
}

// lastLabeled returns the latest "labeled" event of label on the issue
// when the label is on it now, or nil.
func (g *gh) lastLabeled(ctx context.Context, number int, label string) (*github.IssueEvent, error) {
	on := false
	labels := func(ctx context.Context, o *github.ListOptions) ([]*github.Label, *github.Response, error) {
		return g.c.Issues.ListLabelsByIssue(ctx, g.owner, g.repo, number, o)
	}
	for l, err := range all(ctx, labels) {
		if err != nil {
			return nil, err
		}
		on = on || l.GetName() == label
	}
	if !on {
		return nil, nil
	}
	var last *github.IssueEvent
	events := func(ctx context.Context, o *github.ListOptions) ([]*github.IssueEvent, *github.Response, error) {
		return g.c.Issues.ListIssueEvents(ctx, g.owner, g.repo, number, o)
	}
	for e, err := range all(ctx, events) {
		if err != nil {
			return nil, err
		}
		if e.GetEvent() == "labeled" && e.GetLabel().GetName() == label {
			if last == nil || !e.GetCreatedAt().Before(last.GetCreatedAt().Time) {
				last = e
			}
		}
	}
	if last == nil {
		return nil, fmt.Errorf("the %s label is on the pull request but no event says when it was applied", label)
	}
	return last, nil
}

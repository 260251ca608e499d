package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/lock"
)

// Gate is what judges a diff beyond the diff itself: what fails it, what
// approves it, and what the next steps name. The action fills it in from
// its inputs and its approval checks, the CLI from its flags; both render
// the same verdict and next steps from it.
type Gate struct {
	// FailOn is what fails the check.
	FailOn diff.FailOn
	// Base and Head are the commits the capgate approve command names
	// (the pull request's own, which a developer has).
	Base, Head string
	// Lock is the approval lock's path; "" when no lock is read.
	Lock string
	// LockOwned is set when a CODEOWNERS rule on the base branch covers
	// the lock, so that the pull request's own approvals count.
	LockOwned bool
	// OwnersUnverified, when not "", says why a CODEOWNERS rule that does
	// cover the lock does not count: none of its owners could be verified
	// as able to review (which owners, and why).
	OwnersUnverified string
	// SelfApproved lists the manifests only the pull request's own lock
	// changes approve; they do not count without a CODEOWNERS rule.
	SelfApproved []string
	// Label is the label that approves widening; "" when none does.
	Label string
	// LabelWho says who may apply the label, e.g. "a maintainer";
	// "" means "a maintainer".
	LabelWho string
	// ByLabel is set when the label approves every unapproved widening.
	ByLabel bool
	// LabelBlocked is set when the label cannot approve this widening
	// (not every widened row fits in the comment, or too many rows).
	LabelBlocked bool
	// DriftFailed is set when the committed policies are out of date.
	DriftFailed bool
}

// DefaultGate is the gate of a run told nothing: the default fail-on, no
// lock, no label.
func DefaultGate() Gate {
	fo, _ := diff.ParseFailOn(diff.DefaultFailOn)
	return Gate{FailOn: fo}
}

// Judgement is the verdict of a diff under a gate.
type Judgement struct {
	// Fails is set when the check fails.
	Fails bool
	// Loud and Widened count the unapproved host-control changes and the
	// other unapproved widened changes; ApprovedLoud and ApprovedWidened
	// the approved ones, by ApprovedBy.
	Loud, Widened                 int
	ApprovedLoud, ApprovedWidened int
	ApprovedBy                    string
	// Errors counts the manifests that do not compile and the launch
	// configs that cannot be judged (LaunchErrors of them); Moved those of
	// them that moved out of the patterns.
	Errors, Moved, LaunchErrors int
	// Unenforceable counts new entries a target cannot enforce.
	Unenforceable int
	// Narrowed and Changed count the rest.
	Narrowed, Changed int

	r *diff.Result
	g Gate
}

// Judge judges r under g.
func Judge(r *diff.Result, g Gate) Judgement {
	j := Judgement{r: r, g: g, Unenforceable: r.Counts.UnenforceableAdded, Narrowed: r.Counts.Narrowed, Changed: r.Counts.Changed}
	lockApproves := false
	for _, m := range r.Manifests {
		if m.Error != nil {
			j.Errors++
			switch {
			case m.Error.Code == diff.CodeMoved:
				j.Moved++
			case m.Launch != "":
				j.LaunchErrors++
			}
		}
		lockApproves = lockApproves || (m.Approved && m.Widens())
		j.countWidened(m, m.Approved || g.ByLabel)
	}
	switch {
	case lockApproves && g.ByLabel:
		j.ApprovedBy = "the lock and the label"
	case g.ByLabel:
		j.ApprovedBy = "the " + code(g.Label) + " label"
	case lockApproves:
		j.ApprovedBy = code(lockName(g)) + " (the approval lock)"
	}
	fo := g.FailOn
	j.Fails = j.blocksWidening() || (fo.Error && j.Errors > 0) || (fo.Unenforceable && j.Unenforceable > 0) || g.DriftFailed
	return j
}

// countWidened counts m's widened changes, approved or not.
func (j *Judgement) countWidened(m diff.ManifestDiff, approved bool) {
	for _, c := range m.Changes {
		if c.Severity != diff.Widened {
			continue
		}
		switch {
		case c.Loud && approved:
			j.ApprovedLoud++
		case c.Loud:
			j.Loud++
		case approved:
			j.ApprovedWidened++
		default:
			j.Widened++
		}
	}
}

func lockName(g Gate) string {
	if g.Lock == "" {
		return lock.DefaultPath
	}
	return g.Lock
}

// code renders trusted text (the gate's own names: a lock path, a label,
// a commit) as a code span; text that a span cannot hold is escaped.
func code(s string) string {
	if s == "" || strings.ContainsAny(s, "`\n\r") || strings.ContainsFunc(s, Invisible) {
		return Code(s)
	}
	return "`" + s + "`"
}

// blocksWidening reports whether the unapproved widening fails the check.
func (j Judgement) blocksWidening() bool {
	return (j.g.FailOn.Widened && j.Loud+j.Widened > 0) || (j.g.FailOn.Loud && j.Loud > 0)
}

// reasons are the parts of the verdict line: what fails the check, then
// what is approved; also are the rest (what is found but does not fail).
func (j Judgement) reasons() (fail, also []string) {
	fo := j.g.FailOn
	add := func(failing bool, s string) {
		if failing {
			fail = append(fail, s)
		} else {
			also = append(also, s)
		}
	}
	switch {
	case j.Loud+j.Widened == 0:
	case fo.Widened:
		fail = append(fail, unapproved(j.Loud, j.Widened))
	case fo.Loud:
		if j.Loud > 0 {
			fail = append(fail, unapproved(j.Loud, 0))
		}
		if j.Widened > 0 {
			also = append(also, unapproved(0, j.Widened)+" (fail-on loud fails on host control only)")
		}
	default:
		also = append(also, unapproved(j.Loud, j.Widened)+" (fail-on does not fail on widening)")
	}
	if n := j.Errors - j.Moved - j.LaunchErrors; n > 0 {
		add(fo.Error, plural(n, "manifest does not compile", "manifests do not compile"))
	}
	if j.LaunchErrors > 0 {
		add(fo.Error, plural(j.LaunchErrors, "launch config cannot be judged", "launch configs cannot be judged"))
	}
	if j.Moved > 0 {
		add(fo.Error, plural(j.Moved, "manifest moved out of the patterns and cannot be judged", "manifests moved out of the patterns and cannot be judged"))
	}
	if j.Unenforceable > 0 {
		add(fo.Unenforceable, plural(j.Unenforceable, "new entry a sandbox cannot enforce", "new entries a sandbox cannot enforce"))
	}
	if j.g.DriftFailed {
		fail = append(fail, "the committed policies are out of date")
	}
	if n := j.ApprovedLoud + j.ApprovedWidened; n > 0 {
		var what []string
		if j.ApprovedLoud > 0 {
			what = append(what, plural(j.ApprovedLoud, "host-control change", "host-control changes"))
		}
		if j.ApprovedWidened > 0 {
			what = append(what, plural(j.ApprovedWidened, "widened capability", "widened capabilities"))
		}
		all := ""
		if j.Loud+j.Widened == 0 {
			all = ", all"
		}
		fail = append(fail, strings.Join(what, " and ")+all+" approved by "+j.ApprovedBy)
	}
	if j.Narrowed > 0 {
		also = append(also, fmt.Sprintf("%d narrowed", j.Narrowed))
	}
	if j.Changed > 0 {
		also = append(also, plural(j.Changed, "other change", "other changes"))
	}
	if n := j.r.Counts.BaseErrors; n > 0 {
		also = append(also, plural(n, "base manifest did not compile (its head is compared with nothing)", "base manifests did not compile (their heads are compared with nothing)"))
	}
	return fail, also
}

// unapproved says "N host-control changes and M other widened
// capabilities are not approved".
func unapproved(loud, widened int) string {
	var what []string
	if loud > 0 {
		what = append(what, plural(loud, "host-control change", "host-control changes"))
	}
	if widened > 0 {
		other := ""
		if loud > 0 {
			other = "other "
		}
		what = append(what, plural(widened, other+"widened capability", other+"widened capabilities"))
	}
	if loud+widened == 1 {
		return strings.Join(what, " and ") + " is not approved"
	}
	return strings.Join(what, " and ") + " are not approved"
}

// Headline is the verdict in one line of Markdown: passes or is blocked,
// and why.
func (j Judgement) Headline() string {
	head := "**capgate passes.**"
	if j.Fails {
		head = "**capgate: blocked.**"
	}
	fail, also := j.reasons()
	switch {
	case len(fail) == 0 && len(also) == 0:
		return head + " No change to what any server may reach."
	case len(fail) == 0 && j.r.Counts.Widened == 0 && j.Errors == 0:
		return head + " No change widens what a server may reach (" + strings.Join(also, ", ") + ")."
	case len(fail) == 0:
		return head + " " + capital(strings.Join(also, "; ")) + "."
	}
	out := head + " " + capital(strings.Join(fail, "; ")) + "."
	if len(also) > 0 {
		out += " Also: " + strings.Join(also, ", ") + "."
	}
	return out
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Step is one thing to do next: a sentence of trusted Markdown, and
// optionally text to copy (a command, a CODEOWNERS line), shown in a code
// block, and an untrusted manifest path. Text names the text to copy as
// "{copy}" ("the command below" in Markdown, the text itself in plain
// text) and the path as "{path}".
type Step struct {
	Text string
	// Copy is the text to copy, and Name what it is ("command", "rule").
	Copy, Name string
	// Path is a manifest path and Hint what to change in it ("{hint}"),
	// escaped for the format they land in.
	Path, Hint string
	// Then joins the step to an approval step before it with "then", not
	// "or": it is needed as well.
	Then bool
}

// words renders s as Markdown, or with plain as plain text for a terminal
// (the text to copy in the line).
func (s Step) words(plain bool) string {
	// One pass each: a path or hint holding "{hint}" or "{copy}" is
	// not filled in again.
	if !plain {
		return strings.NewReplacer("{path}", Code(cut(s.Path)), "{hint}", Text(cut(s.Hint)), "{copy}", "the "+s.Name+" below").Replace(s.Text)
	}
	return strings.NewReplacer("{path}", Term(s.Path), "{hint}", Term(s.Hint), "{copy}", `"`+Term(s.Copy)+`"`).Replace(plainMD(s.Text))
}

// Steps returns what unblocks the check, in order; nil when nothing does
// or nothing is needed.
func (j Judgement) Steps() []Step {
	var out []Step
	if j.Errors > 0 && j.g.FailOn.Error {
		out = append(out, j.errorStep())
	}
	if j.blocksWidening() {
		out = append(out, j.approvalSteps()...)
	}
	if j.Unenforceable > 0 && j.g.FailOn.Unenforceable {
		out = append(out, Step{Text: "compile the new unenforceable egress rules for a target that can enforce them (squid for host names), or pin them to addresses"})
	}
	if j.g.DriftFailed {
		out = append(out, Step{Text: "recompile the policies with `capgate compile --out-dir` and commit them (the drift check below lists what differs)"})
	}
	return out
}

// maxStepHint is the longest hint the next step repeats; a longer one is
// only in the error row.
const maxStepHint = 120

// errorStep names the (first) error to fix, with lint's hint when short.
func (j Judgement) errorStep() Step {
	var first *diff.ManifestDiff
	for i := range j.r.Manifests {
		if j.r.Manifests[i].Error != nil {
			first = &j.r.Manifests[i]
			break
		}
	}
	where := "{path}"
	if first.Error.Line > 0 {
		where += fmt.Sprintf(" line %d", first.Error.Line)
	}
	if first.Error.Code == diff.CodeMoved {
		where = "{path} (moved out of the patterns: restore it or widen the `manifests` patterns)"
	}
	hint := ""
	if h := first.Error.Hint; h != "" && utf8.RuneCountInString(h) <= maxStepHint {
		hint = ": {hint}"
	}
	if j.Errors == 1 {
		return Step{Text: "fix the error in " + where + hint, Path: first.Path, Hint: first.Error.Hint}
	}
	return Step{Text: fmt.Sprintf("fix the %d errors below (the first in %s%s)", j.Errors, where, hint), Path: first.Path, Hint: first.Error.Hint}
}

// approvalSteps say how to get the unapproved widening approved: the
// label or the lock; when the pull request's own lock approves already,
// the CODEOWNERS rule that lets it count (and the lock for the rest) first.
func (j Judgement) approvalSteps() []Step {
	g := j.g
	lockSteps := j.lockSteps()
	var label []Step
	switch {
	case g.Label != "" && !g.LabelBlocked:
		who := g.LabelWho
		if who == "" {
			who = "a maintainer"
		}
		label = []Step{{Text: fmt.Sprintf("%s applies the %s label (it approves exactly the rows shown now)", who, code(g.Label))}}
	case g.Label != "":
		label = []Step{{Text: fmt.Sprintf("the %s label cannot approve this widening: not every widened row fits in the comment", code(g.Label))}}
	}
	var out []Step
	if len(g.SelfApproved) > 0 && !g.LockOwned {
		out = append(append(out, lockSteps...), label...)
	} else {
		out = append(append(out, label...), lockSteps...)
	}
	if len(out) == 0 {
		out = append(out, Step{Text: "narrow the widened capabilities, or set up approval: a `capgate.lock` (`capgate approve`) or the `allow-label` input"})
	}
	return out
}

// ownerStep says what the lock at ln lacks for the pull request's own
// approvals to count: a CODEOWNERS rule, or an owner of the rule that
// capgate could verify as able to review.
func (j Judgement) ownerStep(ln string) Step {
	if why := j.g.OwnersUnverified; why != "" {
		return Step{Text: fmt.Sprintf("%s in this pull request approves the widening, but the CODEOWNERS rule on the base branch that covers %s names no owner capgate could verify as able to review it ({hint}), so the approval does not count: name in that rule a user with write permission or a team with write access, readable with the workflow's token, and run the check again", code(ln), code(ln)), Hint: why}
	}
	return Step{
		Text: fmt.Sprintf("%s in this pull request approves the widening, but no CODEOWNERS rule on the base branch covers %s, so the approval does not count: add {copy} to the base branch's CODEOWNERS, require code-owner review in branch protection, and run the check again", code(ln), code(ln)),
		Copy: codeownersLine(ln), Name: "rule"}
}

// lockSteps say how the lock approves: the CODEOWNERS rule its own
// approvals need, and the capgate approve command.
func (j Judgement) lockSteps() []Step {
	g := j.g
	var out []Step
	ln := lockName(g)
	selfOnly := len(g.SelfApproved) > 0 && !g.LockOwned
	if selfOnly {
		// The approval is committed already; what is missing is the
		// rule that lets it count.
		out = append(out, j.ownerStep(ln))
	}
	if g.Lock == "" || (selfOnly && !j.unlisted()) {
		return out
	}
	forRest, owned := "", ""
	if selfOnly {
		forRest = " for the widened manifests the lock does not list yet"
	}
	if !g.LockOwned {
		owned = fmt.Sprintf(" (it counts once a CODEOWNERS rule on the base branch covers it, e.g. `%s`)", codeownersLine(ln))
	}
	return append(out, Step{
		Text: fmt.Sprintf("run {copy}%s and commit %s%s", forRest, code(ln), owned),
		Copy: approveCommand(g), Name: "command", Then: selfOnly})
}

// unlisted reports whether some unapproved widened manifest is not among
// those the pull request's own lock approves (it still needs capgate
// approve).
func (j Judgement) unlisted() bool {
	self := map[string]bool{}
	for _, p := range j.g.SelfApproved {
		self[p] = true
	}
	for _, m := range j.r.Manifests {
		if !m.Approved && m.Widens() && !self[m.Path] {
			return true
		}
	}
	return false
}

// approveCommand is the capgate approve command for this pull request.
func approveCommand(g Gate) string {
	base, head := g.Base, g.Head
	if base == "" {
		base = "BASE"
	}
	if head == "" {
		head = "HEAD"
	}
	return fmt.Sprintf("capgate approve --base %s --head %s --lock %s --reason 'why this widening is fine'", shellWord(shortRef(base)), shellWord(shortRef(head)), shellWord(lockName(g)))
}

// codeownersLine is a CODEOWNERS rule for the lock, with a placeholder
// team.
func codeownersLine(lockPath string) string {
	return "/" + strings.TrimPrefix(lockPath, "/") + " @your-org/security"
}

// shortRef shortens a full commit SHA to 12 characters.
func shortRef(s string) string {
	if len(s) == 40 && strings.Trim(s, "0123456789abcdef") == "" {
		return s[:12]
	}
	return s
}

// shellWord quotes s for a POSIX shell when it holds anything but safe
// characters.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./~^:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// NextStep is the next step in one line of Markdown; the text to copy
// follows it in Alert.
func (j Judgement) NextStep() string {
	steps := j.Steps()
	if len(steps) == 0 {
		if j.ApprovedLoud+j.ApprovedWidened > 0 {
			return "**Next step:** none; the approved widening is listed below."
		}
		return "**Next step:** none."
	}
	return "**Next step:** " + j.join(steps, false) + "."
}

// join joins the steps: approval choices with "or", the rest with "then";
// plain renders them as plain text.
func (j Judgement) join(steps []Step, plain bool) string {
	approval := map[Step]bool{}
	if j.blocksWidening() {
		for _, a := range j.approvalSteps() {
			approval[a] = true
		}
	}
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			if approval[s] && approval[steps[i-1]] && !s.Then {
				b.WriteString("; or ")
			} else {
				b.WriteString("; then ")
			}
		}
		b.WriteString(s.words(plain))
	}
	return b.String()
}

// Alert renders the verdict and the next step as a GitHub alert, with the
// text to copy in code blocks inside it.
func (j Judgement) Alert() string {
	kind := "NOTE"
	switch {
	case j.Fails && j.Loud > 0:
		kind = "CAUTION"
	case j.Fails:
		kind = "WARNING"
	case j.ApprovedLoud > 0:
		kind = "IMPORTANT"
	case j.ApprovedWidened > 0:
		kind = "TIP"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> [!%s]\n> %s\n> %s\n", kind, j.Headline(), j.NextStep())
	for _, s := range j.Steps() {
		if s.Copy == "" {
			continue
		}
		body := visibleBody(s.Copy)
		f := Fence(body)
		lang := "text"
		if s.Name == "command" {
			lang = "sh"
		}
		fmt.Fprintf(&b, ">\n> %s%s\n> %s\n> %s\n", f, lang, body, f)
	}
	return b.String() + "\n"
}

// PlainVerdict renders the verdict and the next step as plain text, for a
// terminal or a check's annotation: one line each, the text to copy in
// the line.
func (j Judgement) PlainVerdict() string {
	out := plainMD(j.Headline())
	steps := j.Steps()
	if len(steps) == 0 {
		return out + "\n"
	}
	return out + "\nnext step: " + j.join(steps, true) + ".\n"
}

// plainMD turns the verdict's trusted Markdown into plain text: bold and
// code span marks dropped, Text's escapes undone and the result escaped
// for a terminal (Term).
func plainMD(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '`':
		case s[i] == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	t := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "\u200b", "").Replace(b.String())
	return Term(t)
}

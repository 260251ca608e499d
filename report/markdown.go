package report

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/razukc/capgate-action/diff"
)

// GitHubCommentLimit is the most characters GitHub accepts in a comment body.
const GitHubCommentLimit = 65536

// MarkdownOptions controls the Markdown report.
type MarkdownOptions struct {
	// Limit is the largest body, header and footer included, in
	// characters (counted as UTF-16 code units, which is never fewer than
	// GitHub counts); 0 means GitHubCommentLimit.
	Limit int
	// Header and Footer are trusted Markdown put before and after the
	// report (the action's hidden marker, an approval note).
	Header, Footer string
	// Link, when set, returns the URL of a line of a head manifest (the
	// action links each row to it); the URL must already be escaped.
	Link func(path string, line int) string
	// Gate judges the diff for the verdict and the next steps at the top;
	// nil means DefaultGate.
	Gate *Gate
}

// Importance of the parts of a comment, most important first: when the
// comment is too long, parts are dropped least important first, and within
// one importance from the end. Loud and widened rows go last of all.
const (
	impKeep = iota // heading, summary, table headers: never dropped
	impLoud
	impError
	impWidened
	impUnenforceable
	impWidenedDetails
	impDetails
	impTextDiff
	impUnchanged
)

// what the trim note calls the parts of each importance.
var impNames = [...]string{impLoud: "loud rows", impError: "error rows", impWidened: "widened rows",
	impUnenforceable: "unenforceable rows", impWidenedDetails: "manifest details", impDetails: "manifest details",
	impTextDiff: "policy diffs", impUnchanged: "unchanged manifest list"}

// part is one piece of the comment. group ties table rows to their header:
// a header (imp 0) is written only when a row of its group is. A tail
// (closing what a part opened) is written only when a part of its own
// group is; it does not keep the group's header.
type part struct {
	imp   int
	group int
	head  bool
	tail  bool
	open  int // a tail's opening part
	text  string
	size  int
}

// maxCell is the most characters of manifest text in one table cell: a
// row stays small, so that trimming can keep the rows that matter.
const maxCell = 400

// noteRoom is kept free for the trim note, which names at most eight
// counts: it is well under this.
const noteRoom = 700

// Markdown renders r as a PR comment: the verdict first, then the loud
// changes (host control), errors, widened and new unenforceable entries,
// one collapsed table per changed manifest, the text diffs, and the
// unchanged manifests. When the comment would pass the limit, the least
// important parts are dropped first and the comment says what was dropped;
// trimming is n log n in the number of parts.
func Markdown(r *diff.Result, opts MarkdownOptions) []byte {
	limit := opts.Limit
	if limit <= 0 {
		limit = GitHubCommentLimit
	}
	g := DefaultGate()
	if opts.Gate != nil {
		g = *opts.Gate
	}
	var b builder
	b.add(impKeep, 0, false, Judge(r, g).Alert())
	b.add(impKeep, 0, false, summaryLine(r))

	hdr := []string{"Manifest", "What", "Change", "Why"}
	b.table(impLoud, fmt.Sprintf("🚨 Host control (%d)", r.Counts.Loud), hdr, rows(r, func(c diff.Change) bool { return c.Loud }, opts.Link))
	b.errors(r, opts.Link)
	b.table(impWidened, fmt.Sprintf("Widened (%d)", r.Counts.Widened-r.Counts.Loud), hdr,
		rows(r, func(c diff.Change) bool { return c.Severity == diff.Widened && !c.Loud }, opts.Link))
	b.table(impUnenforceable, fmt.Sprintf("New unenforceable entries (%d)", r.Counts.UnenforceableAdded), hdr,
		rows(r, func(c diff.Change) bool { return c.Severity == diff.UnenforceableAdded }, opts.Link))
	b.addLaunchExcess(r)
	b.manifests(r)
	return []byte(opts.Header + b.fit(limit-size(opts.Header)-size(opts.Footer)) + opts.Footer)
}

// manifests adds one collapsed section a changed manifest, holding its
// changes and its policy diffs, and one line an unchanged manifest.
func (b *builder) manifests(r *diff.Result) {
	var changed, unchanged []diff.ManifestDiff
	for _, m := range r.Manifests {
		if m.Status == diff.StatusUnchanged {
			unchanged = append(unchanged, m)
		} else if m.Status != diff.StatusError || m.BaseError != nil {
			changed = append(changed, m)
		}
	}
	g := b.group()
	b.add(impKeep, g, true, "#### Manifests\n\n")
	for _, m := range changed {
		imp := impDetails
		if m.Widens() {
			imp = impWidenedDetails
		}
		open := len(b.parts)
		b.add(imp, g, false, manifestDetails(m))
		// The policy diffs inside the manifest's section: dropped first
		// when the comment is too long, the section's end kept with it.
		for _, td := range m.TextDiffs {
			body := visibleBody(td.Diff)
			if !strings.HasSuffix(body, "\n") {
				// The closing fence needs a line of its own: a diff of a
				// downloaded report (post mode) may lack the last line end.
				body += "\n"
			}
			fence := Fence(body)
			note := ""
			if td.NotesOnly {
				note = " (notes only)"
			}
			b.add(impTextDiff, g, false, fmt.Sprintf(
				"<details><summary>Policy diff: %s%s</summary>\n\n%sdiff\n%s%s\n\n</details>\n\n",
				HTMLCode(td.Target), note, fence, body, fence))
		}
		b.parts = append(b.parts, part{imp: impKeep, group: g, tail: true, open: open, text: "</details>\n\n", size: size("</details>\n\n")})
	}
	if len(unchanged) > 0 {
		var sb strings.Builder
		fmt.Fprintf(&sb, "<details><summary>%d unchanged manifest(s)</summary>\n\n", len(unchanged))
		for _, m := range unchanged {
			if m.BasePath != "" {
				fmt.Fprintf(&sb, "- %s → %s (renamed)\n", Code(cut(m.BasePath)), Code(cut(m.Path)))
				continue
			}
			fmt.Fprintf(&sb, "- %s\n", Code(cut(m.Path)))
		}
		sb.WriteString("\n</details>\n\n")
		b.add(impUnchanged, 0, false, sb.String())
	}
}

// maxMessage is the most characters of an error message shown.
const maxMessage = 2000

// errors adds a list item a manifest that does not compile: where (linked
// to the line), the code, lint's hint, and the compiler's message as it is,
// in a code block.
func (b *builder) errors(r *diff.Result, link func(string, int) string) {
	var items []string
	for _, m := range r.Manifests {
		e := m.Error
		if e == nil {
			continue
		}
		loc := Code(cut(m.Path))
		if e.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", loc, e.Line, e.Col)
			if link != nil {
				loc = "[" + loc + "](" + link(m.Path, e.Line) + ")"
			}
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "- %s · %s", loc, Code(cut(e.Code)))
		if e.Hint != "" {
			fmt.Fprintf(&sb, " · **hint:** %s", Text(cut(e.Hint)))
		}
		msg := visibleBody(cutN(e.Message, maxMessage))
		fence := Fence(msg)
		sb.WriteString("\n\n  " + fence + "text\n")
		for _, l := range strings.Split(msg, "\n") {
			sb.WriteString("  " + l + "\n")
		}
		sb.WriteString("  " + fence + "\n")
		items = append(items, sb.String())
	}
	if len(items) == 0 {
		return
	}
	g := b.group()
	b.add(impKeep, g, true, fmt.Sprintf("#### ⛔ Errors (%d): the head does not compile or cannot be judged; the check fails closed\n\n", len(items)))
	for i, it := range items {
		if i == len(items)-1 {
			it += "\n"
		}
		b.add(impError, g, false, it)
	}
}

// size counts s as GitHub may: in UTF-16 code units.
func size(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
		if r == utf8.RuneError {
			n++ // an invalid byte may become a two-unit replacement
		}
	}
	return n
}

type builder struct {
	parts  []part
	groups int
}

func (b *builder) group() int { b.groups++; return b.groups }

func (b *builder) add(imp, group int, head bool, text string) {
	if text != "" {
		b.parts = append(b.parts, part{imp: imp, group: group, head: head, text: text, size: size(text)})
	}
}

// table adds a table: its title and header, kept while any row is, and
// one part a row.
func (b *builder) table(imp int, title string, head []string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	g := b.group()
	b.add(impKeep, g, true, fmt.Sprintf("#### %s\n\n| %s |\n|%s\n", title, strings.Join(head, " | "), strings.Repeat("---|", len(head))))
	for i, r := range rows {
		text := "| " + strings.Join(r, " | ") + " |\n"
		if i == len(rows)-1 {
			text += "\n"
		}
		b.add(imp, g, false, text)
	}
}

// fit joins the parts, dropping the least important ones (later ones
// first within an importance) until the result and the trim note fit in
// limit, and says what it dropped. One sort and one pass: n log n.
func (b *builder) fit(limit int) string {
	total := 0
	for _, p := range b.parts {
		total += p.size
	}
	drop := make([]bool, len(b.parts))
	var dropped [len(impNames)]int
	if total > limit {
		order := make([]int, 0, len(b.parts))
		for i, p := range b.parts {
			if p.imp != impKeep {
				order = append(order, i)
			}
		}
		sort.Slice(order, func(x, y int) bool {
			px, py := b.parts[order[x]], b.parts[order[y]]
			if px.imp != py.imp {
				return px.imp > py.imp
			}
			return order[x] > order[y]
		})
		for _, i := range order {
			if total+noteRoom <= limit {
				break
			}
			drop[i] = true
			total -= b.parts[i].size
			dropped[b.parts[i].imp]++
		}
	}
	kept := map[int]bool{}
	for i, p := range b.parts {
		if !drop[i] && !p.head && !p.tail && p.group != 0 {
			kept[p.group] = true
		}
	}
	var out strings.Builder
	out.Grow(total + noteRoom)
	b.write(&out, drop, kept)
	var what []string
	for imp, n := range dropped {
		if n > 0 {
			what = append(what, fmt.Sprintf("%d %s", n, impNames[imp]))
		}
	}
	if len(what) > 0 {
		fmt.Fprintf(&out, "> [!NOTE]\n> Trimmed to fit GitHub's comment limit. Left out: %s. Run `capgate diff` locally or see the JSON report for everything.\n", strings.Join(what, ", "))
	}
	return out.String()
}

// write writes the parts fit keeps: a header only when a row of its group
// is kept, a tail only when its opening is.
func (b *builder) write(out *strings.Builder, drop []bool, kept map[int]bool) {
	for i, p := range b.parts {
		switch {
		case drop[i] || (p.head && !kept[p.group]):
		case p.tail:
			if !drop[p.open] {
				out.WriteString(p.text)
			}
		case p.group != 0 && !p.head && i+1 < len(b.parts) && drop[i+1] && b.parts[i+1].group == p.group &&
			!strings.HasSuffix(p.text, "\n\n"):
			// The table's last rows were dropped: end it here.
			out.WriteString(p.text + "\n")
		default:
			out.WriteString(p.text)
		}
	}
}

// cut shortens untrusted text to maxCell characters, before escaping.
func cut(s string) string { return cutN(s, maxCell) }

// cutN shortens untrusted text to n characters, before escaping.
func cutN(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func summaryLine(r *diff.Result) string {
	n := map[diff.Status]int{}
	for _, m := range r.Manifests {
		n[m.Status]++
	}
	var parts []string
	for _, s := range []diff.Status{diff.StatusAdded, diff.StatusRemoved, diff.StatusModified, diff.StatusError, diff.StatusUnchanged} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	detail := ""
	if len(parts) > 0 {
		detail = ": " + strings.Join(parts, ", ")
	}
	targets := ""
	if len(r.Targets) > 0 {
		// Only when not capgate's four, so the default comment is as before.
		ts := make([]string, len(r.Targets))
		for i, t := range r.Targets {
			ts[i] = Code(cut(t))
		}
		targets = "; targets " + strings.Join(ts, ", ")
	}
	what := plural(len(r.Manifests), "manifest", "manifests")
	if nl := launchConfigs(r); nl > 0 {
		// Launch configs (package launch) are listed with the manifests.
		what = plural(len(r.Manifests)-nl, "manifest", "manifests") + " and " + plural(nl, "launch config", "launch configs")
	}
	return fmt.Sprintf("Compared %s → %s, %s%s%s.\n\n", Code(cut(r.Base)), Code(cut(r.Head)), what, detail, targets)
}

// launchConfigs counts the launch configs among r's entries.
func launchConfigs(r *diff.Result) int {
	n := 0
	for _, m := range r.Manifests {
		if m.Launch != "" {
			n++
		}
	}
	return n
}

func rows(r *diff.Result, keep func(diff.Change) bool, link func(string, int) string) [][]string {
	var out [][]string
	for _, m := range r.Manifests {
		for _, c := range m.Changes {
			if !keep(c) {
				continue
			}
			loc := location(m, c)
			if link != nil && c.Side == diff.SideHead && c.Line > 0 {
				loc = "[" + loc + "](" + link(m.Path, c.Line) + ")"
			}
			out = append(out, []string{loc, what(c), change(c), why(c) + mdApproved(m, c)})
		}
	}
	return out
}

// what is the kind and the target(s) of a change.
func what(c diff.Change) string {
	return Text(cut(string(c.Kind))) + " · " + Text(cut(strings.ReplaceAll(string(c.Target), ",", ", ")))
}

// change is "before → after", with (none) for a side that has nothing.
func change(c diff.Change) string {
	side := func(s string) string {
		if s == "" {
			return "_(none)_"
		}
		return Code(cut(s))
	}
	return side(c.Before) + " → " + side(c.After)
}

func why(c diff.Change) string {
	if c.Loud {
		return "🚨 **" + Text(cut(c.Why)) + "**"
	}
	return Text(cut(c.Why))
}

// mdApproved marks a widened change of a manifest the lock approves.
func mdApproved(m diff.ManifestDiff, c diff.Change) string {
	if s := approvedSuffix(m, c); s != "" {
		return " ✅ _approved by the lock_"
	}
	return ""
}

// location is the manifest and line of a change; a renamed manifest shows
// as "old → new".
func location(m diff.ManifestDiff, c diff.Change) string {
	p := Code(cut(m.Path))
	if m.BasePath != "" {
		p = Code(cut(m.BasePath)) + " → " + p
	}
	if c.Line > 0 {
		return fmt.Sprintf("%s:%d (%s)", p, c.Line, Text(string(c.Side)))
	}
	return p
}

// name is a manifest's path for a <summary>, "old → new" when renamed.
func name(m diff.ManifestDiff) string {
	if m.BasePath != "" {
		return HTMLCode(cut(m.BasePath)) + " → " + HTMLCode(cut(m.Path))
	}
	return HTMLCode(cut(m.Path))
}

// Boundary says in a few words how a manifest's enforced boundary changed:
// "widened", "new unenforceable entries", "narrowed", "changed", or, with
// no change to the boundary, "changed but covered" (the policy changed,
// but everything new is covered by what the base grants, such as a new
// egress entry under an existing *:443), "notes only" (only the
// compiler's notes differ), or "no boundary change".
func Boundary(m diff.ManifestDiff) string {
	sev := map[diff.Severity]bool{}
	for _, c := range m.Changes {
		sev[c.Severity] = true
	}
	switch {
	case sev[diff.Widened]:
		return "widened"
	case sev[diff.UnenforceableAdded]:
		return "new unenforceable entries"
	case sev[diff.Narrowed] && !sev[diff.Changed]:
		return "narrowed"
	case len(m.Changes) > 0:
		return "changed"
	}
	if len(m.TextDiffs) == 0 {
		return "no boundary change"
	}
	for _, td := range m.TextDiffs {
		if !td.NotesOnly {
			return "changed but covered"
		}
	}
	return "notes only"
}

// boundaryWords explains the boundaries without a change row.
var boundaryWords = map[string]string{
	"changed but covered": "The policy changed, but the enforced boundary is no wider: everything it adds is covered by what the base already grants (for example a new egress entry under an existing `*:443`).",
	"notes only":          "Only the compiler's notes differ; the enforced boundary is the same.",
	"no boundary change":  "No change to the enforced boundary; only provenance differs.",
}

func manifestDetails(m diff.ManifestDiff) string {
	counts := map[diff.Severity]int{}
	loud := 0
	for _, c := range m.Changes {
		counts[c.Severity]++
		if c.Loud {
			loud++
		}
	}
	var parts []string
	if loud > 0 {
		parts = append(parts, fmt.Sprintf("🚨 %d loud", loud))
	}
	for _, s := range []diff.Severity{diff.Widened, diff.UnenforceableAdded, diff.Narrowed, diff.Changed} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ReplaceAll(string(s), "_", " ")))
		}
	}
	summary := string(m.Status)
	if m.BasePath != "" {
		summary = "renamed, " + summary
	}
	bd := Boundary(m)
	if len(parts) > 0 {
		summary += ": " + strings.Join(parts, ", ")
	} else {
		summary += ", " + bd
	}
	if m.Approved && m.Widens() {
		summary += " ✅ approved by the lock"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s — %s</summary>\n\n", name(m), summary)
	if m.BaseError != nil {
		fmt.Fprintf(&b, "The base version did not compile (%s: %s), so the head is compared with an empty manifest.\n\n", Text(cut(m.BaseError.Code)), Text(cut(m.BaseError.Message)))
	}
	if len(m.Changes) == 0 {
		b.WriteString(boundaryWords[bd] + "\n\n")
	} else {
		b.WriteString("| Severity | Line | What | Change | Why |\n|---|---|---|---|---|\n")
		for _, c := range m.Changes {
			line := ""
			if c.Line > 0 {
				line = fmt.Sprintf("%s %d", Text(string(c.Side)), c.Line)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", strings.ReplaceAll(string(c.Severity), "_", " "), line, what(c), change(c), why(c)+mdApproved(m, c))
		}
		b.WriteString("\n")
	}
	return b.String()
}

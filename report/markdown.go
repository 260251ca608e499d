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
// a header (imp 0) is written only when a row of its group is.
type part struct {
	imp   int
	group int
	head  bool
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
	var b builder
	icon := "✅"
	switch {
	case r.Counts.Loud > 0:
		icon = "🚨"
	case r.Counts.Errors > 0:
		icon = "⛔"
	case r.Counts.Widened > 0 || r.Counts.UnenforceableAdded > 0 || r.Counts.BaseErrors > 0:
		icon = "⚠️"
	}
	b.add(impKeep, 0, false, fmt.Sprintf("### %s capgate: %s\n\n", icon, Verdict(r)))
	b.add(impKeep, 0, false, summaryLine(r))

	hdr := []string{"Manifest", "What", "Change", "Why"}
	b.table(impLoud, fmt.Sprintf("🚨 Host control (%d)", r.Counts.Loud), hdr, rows(r, func(c diff.Change) bool { return c.Loud }, opts.Link))
	b.table(impError, "Errors (head does not compile, or moved out of the patterns; fails closed)", []string{"Manifest", "Code", "Message"}, errorRows(r))
	b.table(impWidened, fmt.Sprintf("Widened (%d)", r.Counts.Widened-r.Counts.Loud), hdr,
		rows(r, func(c diff.Change) bool { return c.Severity == diff.Widened && !c.Loud }, opts.Link))
	b.table(impUnenforceable, fmt.Sprintf("New unenforceable entries (%d)", r.Counts.UnenforceableAdded), hdr,
		rows(r, func(c diff.Change) bool { return c.Severity == diff.UnenforceableAdded }, opts.Link))

	b.addLaunchExcess(r)

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
		for _, c := range m.Changes {
			if c.Severity == diff.Widened {
				imp = impWidenedDetails
			}
		}
		b.add(imp, g, false, manifestDetails(m))
	}
	for _, m := range changed {
		for _, td := range m.TextDiffs {
			body := visibleBody(td.Diff)
			fence := Fence(body)
			b.add(impTextDiff, 0, false, fmt.Sprintf(
				"<details><summary>Policy diff: %s — %s</summary>\n\n%sdiff\n%s%s\n\n</details>\n\n",
				name(m), HTMLCode(td.Target), fence, body, fence))
		}
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
	return []byte(opts.Header + b.fit(limit-size(opts.Header)-size(opts.Footer)) + opts.Footer)
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
		if !drop[i] && !p.head && p.group != 0 {
			kept[p.group] = true
		}
	}
	var out strings.Builder
	out.Grow(total + noteRoom)
	for i, p := range b.parts {
		if drop[i] || (p.head && !kept[p.group]) {
			continue
		}
		if p.group != 0 && !p.head && i+1 < len(b.parts) && drop[i+1] && b.parts[i+1].group == p.group &&
			!strings.HasSuffix(p.text, "\n\n") {
			// The table's last rows were dropped: end it here.
			out.WriteString(p.text + "\n")
			continue
		}
		out.WriteString(p.text)
	}
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

// cut shortens untrusted text to maxCell characters, before escaping.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	n := 0
	for i := range s {
		if n == maxCell {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func summaryLine(r *diff.Result) string {
	n := map[string]int{}
	for _, m := range r.Manifests {
		n[m.Status]++
	}
	var parts []string
	for _, s := range []string{diff.StatusAdded, diff.StatusRemoved, diff.StatusModified, diff.StatusError, diff.StatusUnchanged} {
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
			if link != nil && c.Side == "head" && c.Line > 0 {
				loc = "[" + loc + "](" + link(m.Path, c.Line) + ")"
			}
			out = append(out, []string{loc, what(c), change(c), why(c) + mdApproved(m, c)})
		}
	}
	return out
}

// what is the kind and the target(s) of a change.
func what(c diff.Change) string {
	return Text(cut(c.Kind)) + " · " + Text(cut(strings.ReplaceAll(c.Target, ",", ", ")))
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
		return fmt.Sprintf("%s:%d (%s)", p, c.Line, Text(c.Side))
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

func errorRows(r *diff.Result) [][]string {
	var rows [][]string
	for _, m := range r.Manifests {
		if m.Error != nil {
			loc := Code(cut(m.Path))
			if m.Error.Line > 0 {
				loc = fmt.Sprintf("%s:%d:%d", loc, m.Error.Line, m.Error.Col)
			}
			rows = append(rows, []string{loc, Text(cut(m.Error.Code)), Text(cut(m.Error.Message))})
		}
	}
	return rows
}

func manifestDetails(m diff.ManifestDiff) string {
	counts := map[string]int{}
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
	for _, s := range []string{diff.Widened, diff.UnenforceableAdded, diff.Narrowed, diff.Changed} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ReplaceAll(s, "_", " ")))
		}
	}
	summary := m.Status
	if m.BasePath != "" {
		summary = "renamed, " + summary
	}
	if len(parts) > 0 {
		summary += ": " + strings.Join(parts, ", ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s — %s</summary>\n\n", name(m), summary)
	if m.BaseError != nil {
		fmt.Fprintf(&b, "The base version did not compile (%s: %s), so the head is compared with an empty manifest.\n\n", Text(cut(m.BaseError.Code)), Text(cut(m.BaseError.Message)))
	}
	if len(m.Changes) == 0 {
		b.WriteString("No change to the enforced boundary; only notes or provenance differ.\n\n")
	} else {
		b.WriteString("| Severity | Line | What | Change | Why |\n|---|---|---|---|---|\n")
		for _, c := range m.Changes {
			line := ""
			if c.Line > 0 {
				line = fmt.Sprintf("%s %d", Text(c.Side), c.Line)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", strings.ReplaceAll(c.Severity, "_", " "), line, what(c), change(c), why(c)+mdApproved(m, c))
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

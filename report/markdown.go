package report

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
)

// GitHubCommentLimit is the most characters GitHub accepts in a comment body.
const GitHubCommentLimit = 65536

// MarkdownOptions controls the Markdown report.
type MarkdownOptions struct {
	// Limit is the largest body, in characters; 0 means
	// GitHubCommentLimit less room for a header and footer.
	Limit int
	// Header and Footer are trusted Markdown put before and after the
	// report (the action's hidden marker, an approval note).
	Header, Footer string
	// Link, when set, returns the URL of a line of a head manifest (the
	// action links each row to it); the URL must already be escaped.
	Link func(path string, line int) string
}

type section struct {
	// prio orders trimming: the highest number goes first; 0 is never
	// dropped.
	prio  int
	label string
	text  string
}

// Markdown renders r as a PR comment: the verdict first, then widened and
// new unenforceable entries, errors, one collapsed table per changed
// manifest, the text diffs, and the unchanged manifests. When the body would
// pass the limit, the least important parts are dropped first and the
// comment says what was dropped.
func Markdown(r *diff.Result, opts MarkdownOptions) []byte {
	limit := opts.Limit
	if limit <= 0 {
		limit = GitHubCommentLimit - 2048
	}
	limit -= len([]rune(opts.Header)) + len([]rune(opts.Footer))
	var secs []section
	add := func(prio int, label, text string) {
		if text != "" {
			secs = append(secs, section{prio, label, text})
		}
	}
	icon := "✅"
	switch {
	case r.Counts.Errors > 0:
		icon = "⛔"
	case r.Counts.Widened > 0:
		icon = "⚠️"
	case r.Counts.UnenforceableAdded > 0:
		icon = "⚠️"
	}
	add(0, "", fmt.Sprintf("### %s capgate: %s\n\n", icon, Verdict(r)))
	add(0, "", summaryLine(r))

	widened := rows(r, diff.Widened, opts.Link)
	add(0, "", table("Widened", []string{"Manifest", "What", "Change", "Why"}, widened))
	unenf := rows(r, diff.UnenforceableAdded, opts.Link)
	add(1, "new unenforceable entries table", table("New unenforceable entries", []string{"Manifest", "What", "Change", "Why"}, unenf))
	add(0, "", errorTable(r))

	var changed, unchanged []diff.ManifestDiff
	for _, m := range r.Manifests {
		if m.Status == diff.StatusUnchanged {
			unchanged = append(unchanged, m)
		} else if m.Status != diff.StatusError || m.BaseError != nil {
			changed = append(changed, m)
		}
	}
	if len(changed) > 0 {
		add(2, "", "#### Manifests\n\n")
	}
	for _, m := range changed {
		prio := 4
		for _, c := range m.Changes {
			if c.Severity == diff.Widened {
				prio = 3
			}
		}
		add(prio, "details of "+m.Path, manifestDetails(m))
	}
	for _, m := range changed {
		for _, td := range m.TextDiffs {
			fence := Fence(td.Diff)
			add(6, "text diff of "+m.Path+" ("+td.Target+")", fmt.Sprintf(
				"<details><summary>Policy diff: %s — %s</summary>\n\n%sdiff\n%s%s\n\n</details>\n\n",
				HTMLCode(m.Path), Text(td.Target), fence, td.Diff, fence))
		}
	}
	if len(unchanged) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "<details><summary>%d unchanged manifest(s)</summary>\n\n", len(unchanged))
		for _, m := range unchanged {
			fmt.Fprintf(&b, "- %s\n", Code(m.Path))
		}
		b.WriteString("\n</details>\n\n")
		add(5, "list of unchanged manifests", b.String())
	}
	return []byte(opts.Header + fit(secs, limit) + opts.Footer)
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
	return fmt.Sprintf("Compared %s → %s, %s%s.\n\n", Code(r.Base), Code(r.Head), plural(len(r.Manifests), "manifest", "manifests"), detail)
}

func rows(r *diff.Result, sev string, link func(string, int) string) [][]string {
	var out [][]string
	for _, m := range r.Manifests {
		for _, c := range m.Changes {
			if c.Severity != sev {
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
	return Text(c.Kind) + " · " + Text(strings.ReplaceAll(c.Target, ",", ", "))
}

// change is "before → after", with (none) for a side that has nothing.
func change(c diff.Change) string {
	side := func(s string) string {
		if s == "" {
			return "_(none)_"
		}
		return Code(s)
	}
	return side(c.Before) + " → " + side(c.After)
}

func why(c diff.Change) string {
	if c.Loud {
		return "🚨 **" + Text(c.Why) + "**"
	}
	return Text(c.Why)
}

// mdApproved marks a widened change of a manifest the lock approves.
func mdApproved(m diff.ManifestDiff, c diff.Change) string {
	if s := approvedSuffix(m, c); s != "" {
		return " ✅ _approved by the lock_"
	}
	return ""
}

func location(m diff.ManifestDiff, c diff.Change) string {
	p := m.Path
	if c.Side == "base" && m.BasePath != "" {
		p = m.BasePath
	}
	if c.Line > 0 {
		return fmt.Sprintf("%s:%d", Code(p), c.Line)
	}
	return Code(p)
}

func table(title string, head []string, rows [][]string) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s (%d)\n\n", title, len(rows))
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|" + strings.Repeat("---|", len(head)) + "\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n")
	return b.String()
}

func errorTable(r *diff.Result) string {
	var rows [][]string
	for _, m := range r.Manifests {
		if m.Error != nil {
			loc := Code(m.Path)
			if m.Error.Line > 0 {
				loc = fmt.Sprintf("%s:%d:%d", Code(m.Path), m.Error.Line, m.Error.Col)
			}
			rows = append(rows, []string{loc, Text(m.Error.Code), Text(m.Error.Message)})
		}
	}
	return table("Errors (head does not compile; fails closed)", []string{"Manifest", "Code", "Message"}, rows)
}

func manifestDetails(m diff.ManifestDiff) string {
	counts := map[string]int{}
	for _, c := range m.Changes {
		counts[c.Severity]++
	}
	var parts []string
	for _, s := range []string{diff.Widened, diff.UnenforceableAdded, diff.Narrowed, diff.Changed} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ReplaceAll(s, "_", " ")))
		}
	}
	name := HTMLCode(m.Path)
	if m.BasePath != "" {
		name = HTMLCode(m.BasePath) + " → " + name
	}
	summary := m.Status
	if len(parts) > 0 {
		summary += ": " + strings.Join(parts, ", ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s — %s</summary>\n\n", name, summary)
	if m.BaseError != nil {
		fmt.Fprintf(&b, "The base version did not compile (%s: %s), so the head is compared with an empty manifest.\n\n", Text(m.BaseError.Code), Text(m.BaseError.Message))
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

// fit joins the sections, dropping the least important ones until the
// result fits in limit characters, and says what it dropped.
func fit(secs []section, limit int) string {
	total := func() int {
		n := 0
		for _, s := range secs {
			n += len([]rune(s.text))
		}
		return n
	}
	var dropped []string
	const noteRoom = 400
	for total()+noteRoom > limit {
		worst := -1
		for i, s := range secs {
			if s.prio > 0 && (worst < 0 || s.prio >= secs[worst].prio) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		if secs[worst].label != "" {
			dropped = append(dropped, secs[worst].label)
		}
		secs = append(secs[:worst], secs[worst+1:]...)
	}
	var b strings.Builder
	for _, s := range secs {
		b.WriteString(s.text)
	}
	out := b.String()
	if rs := []rune(out); len(rs)+noteRoom > limit {
		// Even the widened table is too long: cut it at a line.
		cut := string(rs[:max(0, limit-noteRoom)])
		if i := strings.LastIndexByte(cut, '\n'); i > 0 {
			cut = cut[:i+1]
		}
		out = cut + "\n"
		dropped = append(dropped, "the end of the tables above")
	}
	if len(dropped) > 0 {
		n := len(dropped)
		what := strings.Join(dropped[:min(n, 5)], "; ")
		if n > 5 {
			what += fmt.Sprintf("; and %d more", n-5)
		}
		out += fmt.Sprintf("> [!NOTE]\n> Trimmed to fit GitHub's comment limit. Left out: %s. Run `capgate diff` locally or see the JSON report for everything.\n", Text(what))
	}
	return out
}

package diff

import (
	"fmt"
	"strings"

	dmp "github.com/sergi/go-diff/diffmatchpatch"

	"github.com/razukc/capgate-action/compiler"
)

// artifactText renders an artifact for line diffs: sandbox artifacts as
// indented JSON (one argv element a line), egress artifacts as the config
// text followed by their notes. Provenance is left out: it changes with every
// edit and says nothing about the boundary.
func artifactText(a *compiler.Artifact) []byte {
	c := *a
	c.Provenance = compiler.Provenance{}
	if !a.IsEgress() {
		return c.AppendJSON(nil, true)
	}
	var b strings.Builder
	b.WriteString(a.Config)
	b.WriteString("\n")
	for _, u := range a.Unenforceable {
		fmt.Fprintf(&b, "# unenforceable: %s: %s\n", RuleString(u.Rule), u.Reason)
	}
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "# note: %s\n", n)
	}
	return []byte(b.String())
}

func textDiffs(base, head *compiler.Result) []TextDiff {
	var out []TextDiff
	for _, t := range compiler.Targets {
		a, b := string(artifactText(base.Artifacts[t])), string(artifactText(head.Artifacts[t]))
		if a == b {
			continue
		}
		out = append(out, TextDiff{Target: t, Diff: Unified(a, b, 3)})
	}
	return out
}

// Unified returns a line diff of a and b in unified format (without file
// headers), with ctx lines of context around each change.
func Unified(a, b string, ctx int) string {
	d := dmp.New()
	ra, rb, lines := d.DiffLinesToRunes(a, b)
	diffs := d.DiffCharsToLines(d.DiffMainRunes(ra, rb, false), lines)
	type line struct {
		op   byte
		text string
	}
	var all []line
	for _, df := range diffs {
		op := byte(' ')
		switch df.Type {
		case dmp.DiffDelete:
			op = '-'
		case dmp.DiffInsert:
			op = '+'
		}
		text := strings.TrimSuffix(df.Text, "\n")
		for _, l := range strings.Split(text, "\n") {
			all = append(all, line{op, l})
		}
	}
	keep := make([]bool, len(all))
	for i, l := range all {
		if l.op != ' ' {
			for j := max(0, i-ctx); j <= min(len(all)-1, i+ctx); j++ {
				keep[j] = true
			}
		}
	}
	var out strings.Builder
	gap := false
	for i, l := range all {
		if !keep[i] {
			gap = true
			continue
		}
		if gap && out.Len() > 0 {
			out.WriteString("@@ … @@\n")
		}
		gap = false
		out.WriteByte(l.op)
		out.WriteString(l.text)
		out.WriteByte('\n')
	}
	return out.String()
}

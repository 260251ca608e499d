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
	for _, t := range compiler.Targets() {
		a, b := string(artifactText(base.Artifacts.Get(t))), string(artifactText(head.Artifacts.Get(t)))
		if a == b {
			continue
		}
		out = append(out, TextDiff{Target: t, Diff: Unified(a, b, 3)})
	}
	return out
}

// Unified returns a line diff of a and b in unified format (without file
// headers), with ctx lines of context around each change.
//
// Each distinct line becomes one rune and go-diff's DiffMainRunes diffs
// those: go-diff's own DiffLinesToRunes (v1.3.1) encodes line numbers as
// comma-separated text, which the character diff can cut inside a number.
func Unified(a, b string, ctx int) string {
	index := map[string]rune{}
	var lines []string
	encode := func(s string) []rune {
		s = strings.TrimSuffix(s, "\n")
		if s == "" {
			return nil
		}
		var rs []rune
		for _, l := range strings.Split(s, "\n") {
			r, ok := index[l]
			if !ok {
				// Skip the surrogate range so every index is a valid rune.
				r = rune(len(lines)) + 0x100
				if r >= 0xD800 {
					r += 0x800
				}
				index[l] = r
				lines = append(lines, l)
			}
			rs = append(rs, r)
		}
		return rs
	}
	ra, rb := encode(a), encode(b)
	decode := func(r rune) string {
		if r >= 0xD800+0x800 {
			r -= 0x800
		}
		return lines[r-0x100]
	}
	type line struct {
		op   byte
		text string
	}
	var all []line
	for _, df := range dmp.New().DiffMainRunes(ra, rb, false) {
		op := byte(' ')
		switch df.Type {
		case dmp.DiffDelete:
			op = '-'
		case dmp.DiffInsert:
			op = '+'
		}
		for _, r := range df.Text {
			all = append(all, line{op, decode(r)})
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

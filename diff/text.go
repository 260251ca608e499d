package diff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/razukc/capgate-action/compiler"
)

// artifactText renders an artifact for line diffs: sandbox artifacts as
// indented JSON (one argv element a line), egress artifacts as the config
// text followed by their notes. Provenance is left out: it changes with every
// edit and says nothing about the boundary.
func artifactText(a *compiler.Artifact) string {
	t, _ := renderText(a, nil)
	return t
}

// renderText is artifactText with the length of its part before the notes
// (the body), or -1 when that cannot be told. In both shapes the notes come
// last and nothing before them depends on them: in the JSON, "notes" is the
// last key of the top-level object, and no raw newline followed by two
// spaces and a quote occurs after it (the notes are JSON strings, one a line
// at four spaces); in the config shape they are the last lines.
//
// The JSON is written into *buf, kept for the next call when buf is not nil:
// one buffer for all of a diff's artifacts instead of one grown from
// nothing for each.
func renderText(a *compiler.Artifact, buf *[]byte) (string, int) {
	c := *a
	c.Provenance = compiler.Provenance{}
	if a.Shape() != compiler.ShapeConfig {
		var scratch []byte
		if buf != nil {
			scratch = (*buf)[:0]
		}
		scratch = c.AppendJSON(scratch, true)
		if buf != nil {
			*buf = scratch
		}
		t := string(scratch)
		return t, strings.LastIndex(t, "\n  \"notes\": ")
	}
	var b strings.Builder
	b.WriteString(a.Config)
	b.WriteString("\n")
	for _, u := range a.Unenforceable {
		r := u.Grant
		if u.IsNet() {
			r = RuleString(u.Rule)
		}
		fmt.Fprintf(&b, "# unenforceable: %s: %s\n", r, unenforceableWhy(&u))
	}
	body := b.Len()
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "# note: %s\n", n)
	}
	return b.String(), body
}

// sameButNotes reports whether a and b differ in their notes only.
func sameButNotes(a, b *compiler.Artifact) bool {
	x, y := *a, *b
	x.Notes, y.Notes = nil, nil
	return artifactText(&x) == artifactText(&y)
}

// textDiffs diffs the text of each artifact pair that differs. Each
// artifact is rendered once; whether a pair differs in notes only is read
// off the bodies of those renderings (see renderText) instead of rendering
// both again without notes, which took a sixth of a changed manifest's
// text diffs (BenchmarkDiffGit2000). TestNotesOnlyFromBody holds this to
// sameButNotes on generated artifacts.
//
// same[i] reports whether the i-th pair of compared(base, head) renders to
// the same text (and so has no text diff), for compare.
func textDiffs(base, head *compiler.Result) (out []TextDiff, same []bool) {
	var buf []byte
	pairs := compared(base, head)
	same = make([]bool, len(pairs))
	for i, p := range pairs {
		t := p[1].Target
		a, na := renderText(p[0], &buf)
		b, nb := renderText(p[1], &buf)
		if same[i] = a == b; same[i] {
			continue
		}
		out = append(out, TextDiff{Target: t, Diff: Unified(a, b, 3), NotesOnly: notesOnly(p[0], p[1], a[:max(na, 0)], b[:max(nb, 0)], na < 0 || nb < 0)})
	}
	return out, same
}

// notesOnly reports whether artifacts x and y, whose renderings differ,
// differ in their notes only, given the bodies of those renderings; unknown
// says a body could not be told, and sameButNotes decides.
func notesOnly(x, y *compiler.Artifact, bx, by string, unknown bool) bool {
	if unknown {
		return sameButNotes(x, y)
	}
	return bx == by
}

// Unified returns a line diff of a and b in unified format (without file
// headers), with ctx lines of context around each change.
//
// The lines between the common prefix and suffix are matched by
// sergi/go-diff in line mode (Myers' O(ND) diff) with no time limit, so the
// same inputs give the same bytes under any load. Its worst case is
// quadratic, so it is bounded by size instead: a middle of more than
// maxDiffLines lines is shown as removed then added
// (BenchmarkUnifiedWorst times the bound).
//
// Only the last ctx lines of the common prefix and the first ctx of the
// common suffix can be shown, so the rest is cut before lineEdits, which
// then finds the same middle: no edit is made for the lines no diff shows
// (most of an artifact, for a small change). TestUnifiedTrimmed holds it
// to the diff of the whole texts.
func Unified(a, b string, ctx int) string {
	la, lb := lines(a), lines(b)
	p, s := commonEnds(la, lb)
	c := max(ctx, 0)
	lo, cut := max(p-c, 0), s-min(s, c)
	return unified(lineEdits(la[lo:len(la)-cut], lb[lo:len(lb)-cut]), ctx)
}

// commonEnds returns how many lines a and b have in common at the start,
// then, in what is left of both, at the end: the prefix and suffix
// lineEdits cuts.
func commonEnds(a, b []string) (prefix, suffix int) {
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	a, b = a[prefix:], b[prefix:]
	for suffix < len(a) && suffix < len(b) && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

// unified writes the edits all in unified format with ctx lines of context
// around each change.
func unified(all []edit, ctx int) string {
	keep := make([]bool, len(all))
	last := -1 // the last index marked, so marking is linear
	for i, e := range all {
		if e.op != ' ' {
			for j := max(last+1, i-ctx); j <= min(len(all)-1, i+ctx); j++ {
				keep[j] = true
				last = j
			}
		}
	}
	var out strings.Builder
	out.Grow(unifiedLen(all, keep))
	gap := false
	for i, e := range all {
		if !keep[i] {
			gap = true
			continue
		}
		if gap && out.Len() > 0 {
			out.WriteString("@@ … @@\n")
		}
		gap = false
		out.WriteByte(e.op)
		out.WriteString(e.line)
		out.WriteByte('\n')
	}
	return out.String()
}

// unifiedLen is the length of the diff Unified writes for the edits all
// and the lines it keeps, so that it writes into one allocation.
func unifiedLen(all []edit, keep []bool) int {
	n, gap := 0, false
	for i, e := range all {
		if !keep[i] {
			gap = true
			continue
		}
		if gap && n > 0 {
			n += len("@@ … @@\n")
		}
		gap = false
		n += len(e.line) + 2
	}
	return n
}

// edit is one line of a diff: ' ' kept, '-' removed, '+' added.
type edit struct {
	op   byte
	line string
}

// maxDiffLines bounds the lines, both sides together, that go-diff matches
// once the common prefix and suffix are cut: a size, not a time, so output
// does not depend on load.
const maxDiffLines = 1 << 12

// lines splits s into its lines, without their newlines.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lineEdits is the line diff of a and b.
func lineEdits(a, b []string) []edit {
	out := make([]edit, 0, max(len(a), len(b)))
	p, s := commonEnds(a, b)
	for _, l := range a[:p] {
		out = append(out, edit{' ', l})
	}
	a, b = a[p:], b[p:]
	suffix := a[len(a)-s:]
	a, b = a[:len(a)-s], b[:len(b)-s]
	if len(a)+len(b) > maxDiffLines || len(a) == 0 || len(b) == 0 {
		for _, l := range a {
			out = append(out, edit{'-', l})
		}
		for _, l := range b {
			out = append(out, edit{'+', l})
		}
	} else {
		out = myers(a, b, out)
	}
	for _, l := range suffix {
		out = append(out, edit{' ', l})
	}
	return out
}

// myers appends go-diff's line diff of a and b to out.
//
// It hands DiffMainRunes the runes DiffLinesToRunes would make, one a
// distinct line numbered from 1 in order of first appearance, a's lines
// then b's (below 0xD800, go-diff's number for a line is the rune itself,
// and lineEdits passes at most maxDiffLines lines), and maps the runes of
// each diff back to lines. Joining the lines for DiffLinesToRunes to
// split again, and DiffCharsToLines joining them once more, took about two
// fifths of Unified's time on BenchmarkDiffGit2000's changed manifests;
// the same runes give the same diff (TestMyersMatchesLineMode holds it to
// go-diff's own line mode).
func myers(a, b []string, out []edit) []edit {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // no time limit: the same bytes under any load
	table := make([]string, 1, len(a)+len(b)+1)
	ids := make(map[string]rune, len(a)+len(b))
	runes := func(ls []string) []rune {
		rs := make([]rune, len(ls))
		for i, l := range ls {
			r, ok := ids[l]
			if !ok {
				r = rune(len(table))
				ids[l] = r
				table = append(table, l)
			}
			rs[i] = r
		}
		return rs
	}
	ra := runes(a)
	rb := runes(b)
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, r := range d.Text {
			out = append(out, edit{op, table[r]})
		}
	}
	return out
}

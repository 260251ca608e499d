package diff

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/razukc/capgate-action/compiler"
)

// appendText appends the rendering of a for line diffs to dst: sandbox
// artifacts as indented JSON (one argv element a line), egress artifacts
// as the config text followed by their notes. Provenance is left out: it
// changes with every edit and says nothing about the boundary. It returns
// dst with the length of the rendering's body, the part before the notes,
// for an artifact of the config shape (the notes are its last lines), -1
// for the JSON of the others (notesOnly compares their fields instead). The JSON
// leaves out the first drop elements of the argv (see sharedArgv).
func appendText(dst []byte, a *compiler.Artifact, drop int) ([]byte, int) {
	start := len(dst)
	if a.Shape() != compiler.ShapeConfig {
		c := *a
		c.Provenance = compiler.Provenance{}
		c.Argv = c.Argv[drop:]
		return c.AppendJSON(dst, true), -1
	}
	dst = append(append(dst, a.Config...), '\n')
	for _, u := range a.Unenforceable {
		r := u.Grant
		if u.IsNet() {
			r = RuleString(u.Rule)
		}
		dst = append(append(append(append(append(dst, "# unenforceable: "...), r...), ": "...), unenforceableWhy(&u)...), '\n')
	}
	body := len(dst) - start
	for _, n := range a.Notes {
		dst = append(append(append(dst, "# note: "...), n...), '\n')
	}
	return dst, body
}

// textBufs holds the two buffers textDiffs renders a pair of artifacts
// into, kept from one manifest to the next.
var textBufs = sync.Pool{New: func() any { return new([2][]byte) }}

// textDiffs diffs the text of each artifact pair that differs. Each
// artifact is rendered once; whether a pair differs in notes only is read
// off the bodies of the configs' renderings and the fields of the others
// (see notesOnly) instead of rendering both again without notes, which
// took a sixth of a changed manifest's text diffs (BenchmarkDiffGit2000).
// TestNotesOnlyFromBody holds this to sameButNotes on generated
// artifacts.
//
// The renderings go into two buffers kept between calls (textBufs), and
// the diff reads its lines in place (diffScratch): making strings of
// whole renderings, and growing a buffer from nothing for each manifest,
// were a quarter of the bytes a changed manifest of BenchmarkDiffGit2000
// allocated (BenchmarkChangedManifest).
//
// same[i] reports whether the i-th pair of compared(base, head) renders to
// the same text (and so has no text diff), for compare.
func textDiffs(base, head *compiler.Result) (out []TextDiff, same []bool) {
	bufs := textBufs.Get().(*[2][]byte)
	defer textBufs.Put(bufs)
	pairs := compared(base, head)
	same = make([]bool, len(pairs))
	for i, p := range pairs {
		drop := sharedArgv(p[0], p[1])
		a, na := appendText(bufs[0][:0], p[0], drop)
		b, nb := appendText(bufs[1][:0], p[1], drop)
		bufs[0], bufs[1] = a, b
		if same[i] = bytes.Equal(a, b); same[i] {
			continue
		}
		out = append(out, TextDiff{Target: p[1].Target, Diff: unifiedBytes(a, b, textContext),
			NotesOnly: notesOnly(p[0], p[1], a[:max(na, 0)], b[:max(nb, 0)])})
	}
	return out, same
}

// textContext is how many lines of context the text diffs show.
const textContext = 3

// sharedArgv is how many of the first elements of the argv of x and y,
// the same in both, their renderings can leave out: all they share but
// the last textContext+1. Their JSON writes each element on a line of its
// own, the same line in both (its comma too, as a later element follows
// in both); the diff shows no line numbers, only textContext lines before
// the first line that differs, and at or after the last element shared
// comes the first (its comma may differ), so the lines left out are never
// shown. Rendering the 33 options every bwrap argv starts with, and
// finding them in common, on both sides, took 28,700 instructions of
// a changed manifest (cachegrind, GOGC=off, BenchmarkChangedManifest).
// TestTextDiffsAsWhole holds the diffs to those of the whole renderings.
func sharedArgv(x, y *compiler.Artifact) int {
	n := min(len(x.Argv), len(y.Argv))
	k := 0
	for k < n && x.Argv[k] == y.Argv[k] {
		k++
	}
	return max(k-(textContext+1), 0)
}

// notesOnly reports whether artifacts x and y of one target, whose
// renderings differ, differ in their notes only. A config's rendering is
// its body, then its notes, and bx and by are the bodies. The JSON of the
// others writes, before the notes, their argv, egress rules, variables
// and assertions, each list and value as no other is written, and a
// cleared provenance: those fields are compared. Finding where the notes
// start in the JSON (a search for the key) was a thirtieth of a changed
// manifest's instructions (BenchmarkChangedManifest, cachegrind).
// TestNotesOnlyFromBody holds it to sameButNotes, which renders both
// again without notes; a field the JSON writes before the notes must be
// compared here too.
func notesOnly(x, y *compiler.Artifact, bx, by []byte) bool {
	if x.Shape() == compiler.ShapeConfig {
		return bytes.Equal(bx, by)
	}
	return slices.Equal(x.Argv, y.Argv) && slices.Equal(x.Egress, y.Egress) &&
		slices.Equal(x.EnvInjections, y.EnvInjections) && slices.Equal(x.Assertions, y.Assertions)
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
	return unifiedBytes([]byte(a), []byte(b), ctx)
}

// diffScratch is what a diff works in: the lines, edits, marks and runes
// of one diff and the table that numbers its lines, kept from one diff to
// the next (diffScratches).
type diffScratch struct {
	la, lb [][]byte
	edits  []edit
	keep   []bool
	runes  []rune
	slots  []int32
	hashes []uint64
}

// diffScratches holds the scratch of diffs. A changed manifest of
// BenchmarkDiffGit2000 diffs four renderings: making their lines strings
// (a copy of each window), their edits and marks anew for each was 9 KB
// of the 47 KB it allocated, each byte a fresh page in the real run
// (BenchmarkChangedManifest). TestUnifiedAsBefore and FuzzUnifiedAsBefore
// hold Unified to itself before this work.
var diffScratches = sync.Pool{New: func() any { return new(diffScratch) }}

// maxKeptScratch is the most lines a scratch is put back with: a big diff's
// is left to the collector.
const maxKeptScratch = 1 << 10

// unifiedBytes is Unified on bytes. The lines are slices of a and b, which
// must not change until it returns.
func unifiedBytes(a, b []byte, ctx int) string {
	sc := diffScratches.Get().(*diffScratch)
	sc.la, sc.lb = shownLines(sc.la[:0], sc.lb[:0], a, b, max(ctx, 0))
	sc.edits = sc.lineEdits(sc.edits[:0], sc.la, sc.lb)
	out := sc.unified(ctx)
	if len(sc.edits) <= maxKeptScratch && len(sc.slots) <= 4*maxKeptScratch {
		// Drop what points into a and b, so a kept scratch holds no text.
		clear(sc.la)
		clear(sc.lb)
		clear(sc.edits)
		diffScratches.Put(sc)
	}
	return out
}

// shownLines appends to la and lb the lines of a and of b, as lines splits
// them, that Unified matches: all but their common prefix and suffix
// (commonEnds), less the last c lines of the prefix and the first c of the
// suffix. The ends are found on the bytes (commonPrefix, commonSuffix),
// and the lines are slices of a and b. TestUnifiedTrimmed holds it to
// lines and commonEnds.
func shownLines(la, lb [][]byte, a, b []byte, c int) ([][]byte, [][]byte) {
	a, b = bytes.TrimSuffix(a, newline), bytes.TrimSuffix(b, newline)
	na, nb := countLines(a), countLines(b)
	p, off := commonPrefix(a, b, na, nb)
	s := 0
	if p < na && p < nb {
		s = commonSuffix(a[off:], b[off:])
	}
	lo, cut := max(p-c, 0), s-min(s, c)
	return window(la, a, back(a, off, p-lo), dropLines(a, cut), na-lo-cut),
		window(lb, b, back(b, off, p-lo), dropLines(b, cut), nb-lo-cut)
}

var newline = []byte("\n")

// countLines is the number of lines of x, a text without its last newline:
// none when it is empty.
func countLines(x []byte) int {
	if len(x) == 0 {
		return 0
	}
	return bytes.Count(x, newline) + 1
}

// commonPrefix returns how many lines a and b (na and nb of them) have in
// common at the start, and where the line after them starts. The lines
// before the first byte where they differ are common, and the line that
// byte is in if it ends there in both (one text ends there, the other's
// line too).
func commonPrefix(a, b []byte, na, nb int) (p, off int) {
	n, i := min(len(a), len(b)), 0
	for i+64 <= n && bytes.Equal(a[i:i+64], b[i:i+64]) {
		i += 64
	}
	for i < n && a[i] == b[i] {
		i++
	}
	p = bytes.Count(a[:i], newline)
	off = bytes.LastIndexByte(a[:i], '\n') + 1
	if p < na && p < nb && (i == len(a) || a[i] == '\n') && (i == len(b) || b[i] == '\n') {
		p, off = p+1, i+1
	}
	return p, off
}

// commonSuffix returns how many lines a and b, what is left of two texts
// after their common prefix (a line each at least), have in common at the
// end: the lines after a newline in their common last bytes, and the line
// those bytes start with if it starts there in both.
func commonSuffix(a, b []byte) int {
	n, j := min(len(a), len(b)), 0
	for j+64 <= n && bytes.Equal(a[len(a)-j-64:len(a)-j], b[len(b)-j-64:len(b)-j]) {
		j += 64
	}
	for j < n && a[len(a)-j-1] == b[len(b)-j-1] {
		j++
	}
	s := bytes.Count(a[len(a)-j:], newline)
	if (j == len(a) || a[len(a)-j-1] == '\n') && (j == len(b) || b[len(b)-j-1] == '\n') {
		s++
	}
	return s
}

// back returns where the line k lines before the one starting at pos
// starts (pos len(x)+1: after the last line).
func back(x []byte, pos, k int) int {
	for ; k > 0; k-- {
		pos = bytes.LastIndexByte(x[:pos-1], '\n') + 1
	}
	return pos
}

// dropLines returns where x ends without its last k lines.
func dropLines(x []byte, k int) int {
	end := len(x)
	for ; k > 0 && end >= 0; k-- {
		end = bytes.LastIndexByte(x[:end], '\n')
	}
	return end
}

// window appends to out the n lines of x from byte from to byte to, cut
// at their n-1 newlines: slices of x, no copy.
func window(out [][]byte, x []byte, from, to, n int) [][]byte {
	if n <= 0 {
		return out
	}
	s := x[from:to:to]
	for range n - 1 {
		j := bytes.IndexByte(s, '\n')
		if j < 0 { // fewer lines than shownLines counted: cannot be, but never a panic
			break
		}
		out, s = append(out, s[:j:j]), s[j+1:]
	}
	return append(out, s)
}

// commonEnds returns how many lines a and b have in common at the start,
// then, in what is left of both, at the end: the prefix and suffix
// lineEdits cuts.
func commonEnds(a, b [][]byte) (prefix, suffix int) {
	for prefix < len(a) && prefix < len(b) && bytes.Equal(a[prefix], b[prefix]) {
		prefix++
	}
	a, b = a[prefix:], b[prefix:]
	for suffix < len(a) && suffix < len(b) && bytes.Equal(a[len(a)-1-suffix], b[len(b)-1-suffix]) {
		suffix++
	}
	return prefix, suffix
}

// unified writes sc.edits in unified format with ctx lines of context
// around each change, into one allocation: the diff itself.
func (sc *diffScratch) unified(ctx int) string {
	all := sc.edits
	keep := sc.keep[:0]
	for range all {
		keep = append(keep, false)
	}
	sc.keep = keep
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
		out.Write(e.line)
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
	line []byte
}

// maxDiffLines bounds the lines, both sides together, that go-diff matches
// once the common prefix and suffix are cut: a size, not a time, so output
// does not depend on load.
const maxDiffLines = 1 << 12

// lines splits s into its lines, without their newlines.
func lines(s string) [][]byte {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return bytes.Split([]byte(s), newline)
}

// lineEdits appends the line diff of a and b to out.
//
// Its edits are the common prefix and suffix, then each line of the
// middles once, or once for both sides when kept: at most len(a)+len(b)
// less the ends, the room made for them at once (growing it from the
// longer side's length was a tenth of the bytes a changed manifest
// allocated, BenchmarkChangedManifest).
func (sc *diffScratch) lineEdits(out []edit, a, b [][]byte) []edit {
	p, s := commonEnds(a, b)
	out = slices.Grow(out, len(a)+len(b)-p-s)
	out = appendEdits(out, ' ', a[:p])
	a, b = a[p:], b[p:]
	suffix := a[len(a)-s:]
	a, b = a[:len(a)-s], b[:len(b)-s]
	if len(a)+len(b) > maxDiffLines || len(a) == 0 || len(b) == 0 {
		out = appendEdits(appendEdits(out, '-', a), '+', b)
	} else {
		out = sc.myers(a, b, out)
	}
	return appendEdits(out, ' ', suffix)
}

// myers appends go-diff's line diff of a and b to out.
//
// It hands DiffMainRunes one rune a line, equal runes for equal lines
// (numberLines), and reads the diffs back as an edit script: a kept or
// removed rune is a's next line, an added one b's next (the texts of
// go-diff's diffs, in order, spell both sequences). go-diff only asks
// whether two runes are equal (with no time limit it makes no half
// match), so any numbering that keeps equal lines equal and others apart
// gives the diff DiffLinesToRunes' numbering gives; below 0xD800 each
// number is its own rune, and lineEdits passes at most maxDiffLines
// lines. Joining the lines for DiffLinesToRunes to split again, and
// DiffCharsToLines joining them once more, took about two fifths of
// Unified's time on BenchmarkDiffGit2000's changed manifests
// (BenchmarkChangedManifest). TestMyersMatchesLineMode holds it to
// go-diff's own line mode.
func (sc *diffScratch) myers(a, b [][]byte, out []edit) []edit {
	rs, shared := sc.numberLines(a, b)
	if !shared {
		// Sides with no line in common: go-diff finds no equality, so
		// its merge makes one deletion of a and one insertion of b
		// (a line replaced, a note reworded). TestMyersMatchesLineMode
		// holds it to go-diff on such sides too.
		return appendEdits(appendEdits(out, '-', a), '+', b)
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // no time limit: the same bytes under any load
	ia, ib := 0, 0
	for _, d := range dmp.DiffMainRunes(rs[:len(a):len(a)], rs[len(a):], false) {
		for range utf8.RuneCountInString(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffDelete:
				out = append(out, edit{'-', a[ia]})
				ia++
			case diffmatchpatch.DiffInsert:
				out = append(out, edit{'+', b[ib]})
				ib++
			default:
				out = append(out, edit{' ', a[ia]})
				ia, ib = ia+1, ib+1
			}
		}
	}
	return out
}

// numberLines gives each line of a then b a rune, one more than the index
// of its first occurrence among them, and reports whether a line of b is
// a line of a (its first occurrence is in a). The lines are filed in an
// open-addressing table by their hash (maphash, with a seed of its own,
// which only spreads them: two lines share a number only when their bytes
// are equal, so the numbers are the same under any seed), linear in the
// lines. A map from line strings to numbers needed the lines made strings
// (a copy of each window); sorting them instead was a sixteenth of a
// changed manifest's instructions (cachegrind, BenchmarkChangedManifest).
// The table, hashes and runes are sc's, kept for the next diff.
// TestNumberLines holds it to a map of the lines on generated ones.
func (sc *diffScratch) numberLines(a, b [][]byte) (rs []rune, shared bool) {
	n := len(a) + len(b)
	size := 8
	for size < 2*n {
		size <<= 1
	}
	slots := slices.Grow(sc.slots[:0], size)[:size] // index+1 of the first line filed there; 0 free
	clear(slots)
	hashes := slices.Grow(sc.hashes[:0], n)[:n]
	rs = slices.Grow(sc.runes[:0], n)[:n]
	sc.slots, sc.hashes, sc.runes = slots, hashes, rs
	mask := uint64(size - 1)
	for i := range n {
		l := line(a, b, int32(i))
		h := maphash.Bytes(lineSeed, l)
		hashes[i] = h
		for j := h & mask; ; j = (j + 1) & mask {
			f := slots[j]
			if f == 0 {
				slots[j], rs[i] = int32(i+1), rune(i+1)
				break
			}
			if hashes[f-1] == h && bytes.Equal(line(a, b, f-1), l) {
				rs[i] = rune(f)
				shared = shared || i >= len(a) && int(f) <= len(a)
				break
			}
		}
	}
	return rs, shared
}

// lineSeed seeds the hashes numberLines files lines by.
var lineSeed = maphash.MakeSeed()

// appendEdits appends an edit op of each line of ls to out.
func appendEdits(out []edit, op byte, ls [][]byte) []edit {
	for _, l := range ls {
		out = append(out, edit{op, l})
	}
	return out
}

// line is the i-th line of a then b.
func line(a, b [][]byte, i int32) []byte {
	if int(i) < len(a) {
		return a[i]
	}
	return b[int(i)-len(a)]
}

package diff

// UnifiedBefore as it was (2f56fa9), the oracle of TestUnifiedAsBefore and
// FuzzUnifiedAsBefore: this work made its linesBefore byte slices of the
// renderings, numbered them for go-diff by a sort instead of a map, and
// kept its scratch between diffs. A deliberate change to what it writes
// must be made to this copy too.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

func UnifiedBefore(a, b string, ctx int) string {
	return unifiedBytesBefore([]byte(a), []byte(b), ctx)
}

func unifiedBytesBefore(a, b []byte, ctx int) string {
	la, lb := shownLinesBefore(a, b, max(ctx, 0))
	return unifiedBefore(lineEditsBefore(la, lb), ctx)
}

func shownLinesBefore(a, b []byte, c int) (la, lb []string) {
	a, b = bytes.TrimSuffix(a, newline), bytes.TrimSuffix(b, newline)
	na, nb := countLinesBefore(a), countLinesBefore(b)
	p, off := commonPrefixBefore(a, b, na, nb)
	s := 0
	if p < na && p < nb {
		s = commonSuffixBefore(a[off:], b[off:])
	}
	lo, cut := max(p-c, 0), s-min(s, c)
	return windowBefore(a, backBefore(a, off, p-lo), dropLinesBefore(a, cut), na-lo-cut),
		windowBefore(b, backBefore(b, off, p-lo), dropLinesBefore(b, cut), nb-lo-cut)
}

func countLinesBefore(x []byte) int {
	if len(x) == 0 {
		return 0
	}
	return bytes.Count(x, newline) + 1
}

func commonPrefixBefore(a, b []byte, na, nb int) (p, off int) {
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

func commonSuffixBefore(a, b []byte) int {
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

func backBefore(x []byte, pos, k int) int {
	for ; k > 0; k-- {
		pos = bytes.LastIndexByte(x[:pos-1], '\n') + 1
	}
	return pos
}

func dropLinesBefore(x []byte, k int) int {
	end := len(x)
	for ; k > 0 && end >= 0; k-- {
		end = bytes.LastIndexByte(x[:end], '\n')
	}
	return end
}

func windowBefore(x []byte, from, to, n int) []string {
	if n <= 0 {
		return nil
	}
	s, out := string(x[from:to]), make([]string, n)
	for i := range n - 1 {
		j := strings.IndexByte(s, '\n')
		if j < 0 { // fewer linesBefore than shownLinesBefore counted: cannot be, but never a panic
			return strings.Split(string(x[from:to]), "\n")
		}
		out[i], s = s[:j], s[j+1:]
	}
	out[n-1] = s
	return out
}

func commonEndsBefore(a, b []string) (prefix, suffix int) {
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	a, b = a[prefix:], b[prefix:]
	for suffix < len(a) && suffix < len(b) && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

func unifiedBefore(all []editBefore, ctx int) string {
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
	out.Grow(unifiedLenBefore(all, keep))
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
		out.WriteString(e.lineBefore)
		out.WriteByte('\n')
	}
	return out.String()
}

func unifiedLenBefore(all []editBefore, keep []bool) int {
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
		n += len(e.lineBefore) + 2
	}
	return n
}

type editBefore struct {
	op         byte
	lineBefore string
}

const maxDiffLinesBefore = 1 << 12

func lineEditsBefore(a, b []string) []editBefore {
	p, s := commonEndsBefore(a, b)
	out := make([]editBefore, 0, len(a)+len(b)-p-s)
	for _, l := range a[:p] {
		out = append(out, editBefore{' ', l})
	}
	a, b = a[p:], b[p:]
	suffix := a[len(a)-s:]
	a, b = a[:len(a)-s], b[:len(b)-s]
	if len(a)+len(b) > maxDiffLinesBefore || len(a) == 0 || len(b) == 0 {
		out = appendEditsBefore(appendEditsBefore(out, '-', a), '+', b)
	} else {
		out = myersBefore(a, b, out)
	}
	for _, l := range suffix {
		out = append(out, editBefore{' ', l})
	}
	return out
}

func myersBefore(a, b []string, out []editBefore) []editBefore {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // no time limit: the same bytes under any load
	idp := lineIDsBefore.Get().(*map[string]rune)
	ids := *idp
	defer func() {
		if len(ids) <= 1024 { // a big one is left to the collector
			clear(ids)
			lineIDsBefore.Put(idp)
		}
	}()
	rs := make([]rune, len(a)+len(b))
	shared, inA := false, rune(0) // whether b holds a lineBefore of a; how many distinct linesBefore a has
	for i := range rs {
		l := lineBefore(a, b, i)
		r, ok := ids[l]
		if !ok {
			r = rune(len(ids) + 1)
			ids[l] = r
		}
		if rs[i] = r; i == len(a)-1 {
			inA = rune(len(ids))
		}
		shared = shared || i >= len(a) && r <= inA
	}
	if !shared {
		return appendEditsBefore(appendEditsBefore(out, '-', a), '+', b)
	}
	ia, ib := 0, 0
	for _, d := range dmp.DiffMainRunes(rs[:len(a):len(a)], rs[len(a):], false) {
		for range utf8.RuneCountInString(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffDelete:
				out = append(out, editBefore{'-', a[ia]})
				ia++
			case diffmatchpatch.DiffInsert:
				out = append(out, editBefore{'+', b[ib]})
				ib++
			default:
				out = append(out, editBefore{' ', a[ia]})
				ia, ib = ia+1, ib+1
			}
		}
	}
	return out
}

func appendEditsBefore(out []editBefore, op byte, ls []string) []editBefore {
	for _, l := range ls {
		out = append(out, editBefore{op, l})
	}
	return out
}

var lineIDsBefore = sync.Pool{New: func() any { m := make(map[string]rune, 64); return &m }}

func lineBefore(a, b []string, i int) string {
	if i < len(a) {
		return a[i]
	}
	return b[i-len(a)]
}

// TestUnifiedAsBefore holds Unified to UnifiedBefore on generated pairs:
// few distinct lines and many, shared ends, empty lines, trailing
// newlines or not, one side empty, contexts from none to all, and the
// renderings of compiled artifacts.
func TestUnifiedAsBefore(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(13, 14))
	gen := func(n, alphabet int) []string {
		out := make([]string, n)
		for i := range out {
			if out[i] = fmt.Sprint("l", rnd.IntN(alphabet)); rnd.IntN(15) == 0 {
				out[i] = ""
			}
		}
		return out
	}
	for i := range 4000 {
		alpha := []int{2, 6, 50, 1 << 20}[rnd.IntN(4)]
		pre, suf := gen(rnd.IntN(15), alpha), gen(rnd.IntN(15), alpha)
		x := strings.Join(slices.Concat(pre, gen(rnd.IntN(30), alpha), suf), "\n")
		y := strings.Join(slices.Concat(pre, gen(rnd.IntN(30), alpha), suf), "\n")
		if rnd.IntN(2) == 0 {
			x += "\n"
		}
		if rnd.IntN(2) == 0 {
			y += "\n"
		}
		ctx := []int{-1, 0, 1, 3, 5, 1 << 30}[rnd.IntN(6)]
		if got, want := Unified(x, y, ctx), UnifiedBefore(x, y, ctx); got != want {
			t.Fatalf("case %d, ctx %d: Unified(%q, %q) = %q, before %q", i, ctx, x, y, got, want)
		}
	}
	// Compiled artifacts, against each other.
	pool := []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "net:connect:api.example.com:443",
		"net:connect:*:443", "exec:spawn:curl", "env:inject:TOKEN", "ipc:connect:x11", "clock:tzdata"}
	var texts []string
	for range 40 {
		var caps []string
		for _, c := range pool {
			if rnd.IntN(2) == 0 {
				caps = append(caps, c)
			}
		}
		for _, a := range compileAll(t, caps...).Artifacts.All() {
			texts = append(texts, artifactText(a))
		}
	}
	for i, x := range texts {
		for _, y := range texts[max(0, i-20):i] {
			if got, want := Unified(x, y, 3), UnifiedBefore(x, y, 3); got != want {
				t.Fatalf("Unified(%q, %q) = %q, before %q", x, y, got, want)
			}
		}
	}
}

// FuzzUnifiedAsBefore holds Unified to UnifiedBefore on any pair of texts.
func FuzzUnifiedAsBefore(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n", uint8(3))
	f.Add("x\n\ny", "\ny\nx\n", uint8(0))
	f.Add("", "a", uint8(1))
	f.Fuzz(func(t *testing.T, x, y string, ctx uint8) {
		c := int(ctx%8) - 1
		if got, want := Unified(x, y, c), UnifiedBefore(x, y, c); got != want {
			t.Fatalf("Unified(%q, %q, %d) = %q, before %q", x, y, c, got, want)
		}
	})
}

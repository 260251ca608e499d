package diff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// artifactText renders an artifact for line diffs: sandbox artifacts as
// indented JSON (one argv element a line), egress artifacts as the config
// text followed by their notes. Provenance is left out: it changes with every
// edit and says nothing about the boundary.
func artifactText(a *compiler.Artifact) []byte {
	c := *a
	c.Provenance = compiler.Provenance{}
	if a.Shape() != compiler.ShapeConfig {
		return c.AppendJSON(nil, true)
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
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "# note: %s\n", n)
	}
	return []byte(b.String())
}

// sameButNotes reports whether a and b differ in their notes only.
func sameButNotes(a, b *compiler.Artifact) bool {
	x, y := *a, *b
	x.Notes, y.Notes = nil, nil
	return string(artifactText(&x)) == string(artifactText(&y))
}

func textDiffs(base, head *compiler.Result) []TextDiff {
	var out []TextDiff
	for _, p := range compared(base, head) {
		t := p[1].Target
		a, b := string(artifactText(p[0])), string(artifactText(p[1]))
		if a == b {
			continue
		}
		out = append(out, TextDiff{Target: t, Diff: Unified(a, b, 3), NotesOnly: sameButNotes(p[0], p[1])})
	}
	return out
}

// Unified returns a line diff of a and b in unified format (without file
// headers), with ctx lines of context around each change.
//
// The diff is patience-style and bounded by size, never by time, so the
// same inputs give the same bytes under any load: lines unique to both
// sides anchor the match (longest increasing run, n log n), the gaps
// between anchors are split the same way a few levels deep, and a gap left
// without anchors is matched exactly when small and otherwise shown as
// removed then added.
func Unified(a, b string, ctx int) string {
	ids := map[string]int{}
	var lines []string
	encode := func(s string) []int {
		s = strings.TrimSuffix(s, "\n")
		if s == "" {
			return nil
		}
		var out []int
		for _, l := range strings.Split(s, "\n") {
			id, ok := ids[l]
			if !ok {
				id = len(lines)
				ids[l] = id
				lines = append(lines, l)
			}
			out = append(out, id)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	var all []edit
	diffRange(ra, rb, 0, &all)
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
		out.WriteString(lines[e.id])
		out.WriteByte('\n')
	}
	return out.String()
}

// edit is one line of a diff: ' ' kept, '-' removed, '+' added.
type edit struct {
	op byte
	id int
}

// maxDepth bounds how often gaps are split again by their own unique
// lines; maxExact bounds the cells of the exact match of a gap with no
// anchors. Both are sizes, not times: output does not depend on load.
const (
	maxDepth = 8
	maxExact = 1 << 20
)

func diffRange(a, b []int, depth int, out *[]edit) {
	// Common prefix and suffix.
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		*out = append(*out, edit{' ', a[p]})
		p++
	}
	a, b = a[p:], b[p:]
	s := 0
	for s < len(a) && s < len(b) && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	suffix := a[len(a)-s:]
	a, b = a[:len(a)-s], b[:len(b)-s]
	defer func() {
		for _, id := range suffix {
			*out = append(*out, edit{' ', id})
		}
	}()
	switch {
	case len(a) == 0:
		for _, id := range b {
			*out = append(*out, edit{'+', id})
		}
		return
	case len(b) == 0:
		for _, id := range a {
			*out = append(*out, edit{'-', id})
		}
		return
	}
	if depth < maxDepth {
		if anchors := uniqueAnchors(a, b); len(anchors) > 0 {
			ia, ib := 0, 0
			for _, an := range anchors {
				diffRange(a[ia:an[0]], b[ib:an[1]], depth+1, out)
				*out = append(*out, edit{' ', a[an[0]]})
				ia, ib = an[0]+1, an[1]+1
			}
			diffRange(a[ia:], b[ib:], depth+1, out)
			return
		}
	}
	if len(a)*len(b) <= maxExact {
		exact(a, b, out)
		return
	}
	for _, id := range a {
		*out = append(*out, edit{'-', id})
	}
	for _, id := range b {
		*out = append(*out, edit{'+', id})
	}
}

// uniqueAnchors pairs the lines that occur once in a and once in b, and
// keeps the longest run of pairs in order on both sides (patience sort).
func uniqueAnchors(a, b []int) [][2]int {
	type cnt struct{ na, nb, ia, ib int }
	m := make(map[int]*cnt, len(a))
	for i, id := range a {
		c := m[id]
		if c == nil {
			c = &cnt{}
			m[id] = c
		}
		c.na++
		c.ia = i
	}
	for j, id := range b {
		if c := m[id]; c != nil {
			c.nb++
			c.ib = j
		}
	}
	var pairs [][2]int
	for _, id := range a {
		if c := m[id]; c.na == 1 && c.nb == 1 {
			pairs = append(pairs, [2]int{c.ia, c.ib})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	// Longest increasing subsequence of the b indexes, in a order.
	tails := []int{} // tails[k]: index in pairs of the smallest tail of a run of k+1
	prev := make([]int, len(pairs))
	for i, p := range pairs {
		k := sort.Search(len(tails), func(k int) bool { return pairs[tails[k]][1] >= p[1] })
		if k > 0 {
			prev[i] = tails[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	run := make([][2]int, len(tails))
	for i, k := tails[len(tails)-1], len(tails)-1; k >= 0; i, k = prev[i], k-1 {
		run[k] = pairs[i]
	}
	return run
}

// exact appends a minimal line diff of a and b (longest common
// subsequence), for gaps of at most maxExact cells.
func exact(a, b []int, out *[]edit) {
	n, m := len(a), len(b)
	// l[i*(m+1)+j] is the LCS length of a[i:] and b[j:].
	l := make([]int32, (n+1)*(m+1))
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i*(m+1)+j] = l[(i+1)*(m+1)+j+1] + 1
			} else {
				l[i*(m+1)+j] = max(l[(i+1)*(m+1)+j], l[i*(m+1)+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			*out = append(*out, edit{' ', a[i]})
			i, j = i+1, j+1
		case l[(i+1)*(m+1)+j] >= l[i*(m+1)+j+1]:
			*out = append(*out, edit{'-', a[i]})
			i++
		default:
			*out = append(*out, edit{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		*out = append(*out, edit{'-', a[i]})
	}
	for ; j < m; j++ {
		*out = append(*out, edit{'+', b[j]})
	}
}

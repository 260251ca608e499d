package diff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/razukc/capgate-action/compiler"
)

func TestUnified(t *testing.T) {
	t.Parallel()
	a := strings.Join([]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}, "\n") + "\n"
	b := strings.Replace(strings.Replace(a, "three\n", "THREE\n", 1), "twelve\n", "twelve\nthirteen\n", 1)
	want := " one\n two\n-three\n+THREE\n four\n five\n six\n@@ … @@\n ten\n eleven\n twelve\n+thirteen\n"
	if got := Unified(a, b, 3); got != want {
		t.Errorf("Unified:\n%s\nwant:\n%s", got, want)
	}
	if got := Unified(a, a, 3); got != "" {
		t.Errorf("no change gave %q", got)
	}
	// Many distinct lines: indexes beyond the surrogate range still decode.
	var long []string
	for i := 0; i < 60000; i++ {
		long = append(long, strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26))
	}
	la := strings.Join(long, "\n")
	lb := strings.Replace(la, long[59000], "changed", 1)
	if got := Unified(la, lb, 0); got != "-"+long[59000]+"\n+changed\n" {
		t.Errorf("long diff: %.200q", got)
	}
}

// TestUnifiedRebuilds: with all context kept, the diff's ' ' and '-' lines
// are a and its ' ' and '+' lines b, whatever the input: unique lines,
// repeated ones (no anchors, exact match or replacement), large ones.
func TestUnifiedRebuilds(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	gen := func(n, alphabet int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint("l", rnd.IntN(alphabet))
		}
		return out
	}
	cases := [][2][]string{
		{gen(50, 5), gen(60, 5)},
		{gen(300, 1000), gen(300, 1000)},
		{gen(3000, 3), gen(3000, 3)},           // no anchors, too big to match exactly
		{gen(20000, 1<<30), gen(20000, 1<<30)}, // all unique, shuffled
		{nil, gen(10, 10)},
		{gen(10, 10), nil},
	}
	for i, c := range cases {
		a, b := strings.Join(c[0], "\n"), strings.Join(c[1], "\n")
		d := Unified(a, b, 1<<30)
		var ra, rb []string
		for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
			if l == "" {
				continue
			}
			switch l[0] {
			case ' ':
				ra, rb = append(ra, l[1:]), append(rb, l[1:])
			case '-':
				ra = append(ra, l[1:])
			case '+':
				rb = append(rb, l[1:])
			default:
				t.Fatalf("case %d: unexpected line %q", i, l)
			}
		}
		if a != b && (strings.Join(ra, "\n") != a || strings.Join(rb, "\n") != b) {
			t.Errorf("case %d: the diff does not rebuild its inputs", i)
		}
		if again := Unified(a, b, 1<<30); again != d {
			t.Errorf("case %d: not deterministic", i)
		}
	}
}

// TestSameButNotes: artifacts that differ only in their notes are notes
// only; any other difference is not.
func TestSameButNotes(t *testing.T) {
	t.Parallel()
	base, err := compiler.Compile([]byte(`{"name": "n", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:*:443"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	head, err := compiler.Compile([]byte(`{"name": "n", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:*:443", "net:connect:api.example.com:443"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a := *base.Artifacts.Get("bwrap")
	b := a
	b.Notes = append([]string{"another note"}, a.Notes...)
	if !sameButNotes(&a, &b) {
		t.Errorf("a note added: want notes only")
	}
	if sameButNotes(&a, head.Artifacts.Get("bwrap")) {
		t.Errorf("a new egress entry: want more than notes")
	}
	tds, _ := textDiffs(base, head)
	if len(tds) == 0 {
		t.Fatal("no text diff for a new egress entry")
	}
	for _, td := range tds {
		if td.NotesOnly {
			t.Errorf("%s: a new egress entry is marked notes only", td.Target)
		}
	}
}

// TestUnifiedEmptyLines: empty lines inside a change are kept.
func TestUnifiedEmptyLines(t *testing.T) {
	t.Parallel()
	a, b := "x\n\ny\nz\n", "x\ny\n\n\nz\n"
	d := Unified(a, b, 9)
	var ra, rb []string
	changed := 0
	for _, l := range strings.SplitAfter(d, "\n") {
		if l == "" {
			continue
		}
		l = strings.TrimSuffix(l, "\n")
		switch l[0] {
		case ' ':
			ra, rb = append(ra, l[1:]), append(rb, l[1:])
		case '-':
			ra, changed = append(ra, l[1:]), changed+1
		case '+':
			rb, changed = append(rb, l[1:]), changed+1
		}
	}
	if strings.Join(ra, "\n")+"\n" != a || strings.Join(rb, "\n")+"\n" != b || changed != 3 {
		t.Errorf("Unified = %q: does not rebuild %q and %q in 3 changed lines", d, a, b)
	}
}

// BenchmarkUnifiedWorst is go-diff's worst case at the size bound: no line
// in common, maxDiffLines of them, all distinct.
func BenchmarkUnifiedWorst(b *testing.B) {
	var la, lb []string
	for i := 0; i < maxDiffLines/2; i++ {
		la, lb = append(la, fmt.Sprint("a", i)), append(lb, fmt.Sprint("b", i))
	}
	x, y := strings.Join(la, "\n"), strings.Join(lb, "\n")
	for b.Loop() {
		Unified(x, y, 3)
	}
}

// BenchmarkUnifiedInterleaved: half the lines kept, half changed, in turn,
// at the size bound (D is then half of N).
func BenchmarkUnifiedInterleaved(b *testing.B) {
	var la, lb []string
	for i := 0; i < maxDiffLines/2; i++ {
		la, lb = append(la, fmt.Sprint("k", i)), append(lb, fmt.Sprint("k", i))
		if i%2 == 0 {
			la[i], lb[i] = fmt.Sprint("a", i), fmt.Sprint("b", i)
		}
	}
	x, y := strings.Join(la, "\n"), strings.Join(lb, "\n")
	for b.Loop() {
		Unified(x, y, 3)
	}
}

// TestNotesOnlyFromBody holds textDiffs' notes-only check, read off the
// bodies of one rendering, to sameButNotes, which renders both artifacts
// again without notes: on every target of generated manifests, pairs of
// them, copies with notes added, dropped or made of text that looks like
// the rendering's own keys and lines, and copies with the same notes and
// one field before them changed.
func TestNotesOnlyFromBody(t *testing.T) {
	t.Parallel()
	pool := []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "net:connect:api.example.com:443",
		"net:connect:*:443", "net:connect:10.0.0.0/8:22", "exec:spawn:curl", "env:inject:TOKEN",
		`ipc:connect:"unix:/run/x.sock"`, "ipc:connect:x11", "clock:tzdata"}
	odd := []string{"x", "\n  \"notes\": [", "a\nb", `"},`, "# note: y", "\n}", ""}
	rnd := rand.New(rand.NewPCG(3, 4))
	var arts []*compiler.Artifact
	for range 40 {
		var caps []string
		for _, c := range pool {
			if rnd.IntN(3) == 0 {
				caps = append(caps, c)
			}
		}
		for _, a := range compileAll(t, caps...).Artifacts.All() {
			c := *a
			arts = append(arts, a, &c)
			switch rnd.IntN(3) {
			case 0:
				c.Notes = append(slices.Clone(a.Notes), odd[rnd.IntN(len(odd))])
			case 1:
				c.Notes = nil
			default:
				c.Notes = []string{odd[rnd.IntN(len(odd))], odd[rnd.IntN(len(odd))]}
			}
			// The same notes, one field before them changed.
			d := *a
			arts = append(arts, &d)
			switch rnd.IntN(6) {
			case 0:
				d.Argv = append(slices.Clone(a.Argv), "--x")
			case 1:
				d.Egress = append(slices.Clone(a.Egress), compiler.EgressRule{Host: "h.example", Port: 1})
			case 2:
				d.EnvInjections = append(slices.Clone(a.EnvInjections), "V")
			case 3:
				d.Assertions = append(slices.Clone(a.Assertions), compiler.AssertionOut{ID: "a", Description: "d"})
			case 4:
				d.Config += "# x"
			default:
				d.Unenforceable = append(slices.Clone(a.Unenforceable), compiler.Unenforceable{Kind: compiler.KindFS, Grant: "g", Reason: "r"})
			}
		}
	}
	checked := 0
	for i, x := range arts {
		for _, y := range arts[max(0, i-16):i] {
			if x.Target != y.Target {
				continue
			}
			tx, nx := renderText(x)
			ty, ny := renderText(y)
			if tx == ty {
				continue
			}
			checked++
			if got, want := notesOnly(x, y, []byte(tx[:max(nx, 0)]), []byte(ty[:max(ny, 0)])), sameButNotes(x, y); got != want {
				t.Fatalf("%s: notes only from the bodies = %v, sameButNotes = %v\n%s\n---\n%s", x.Target, got, want, tx, ty)
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d pairs checked", checked)
	}
}

// TestMyersMatchesLineMode holds myers to go-diff's documented line mode
// (DiffLinesToRunes, DiffMainRunes, DiffCharsToLines) on generated inputs:
// few distinct lines, many, empty ones, one side empty, and up to
// maxDiffLines lines.
func TestMyersMatchesLineMode(t *testing.T) {
	t.Parallel()
	lineMode := func(a, b []string) []string {
		dmp := diffmatchpatch.New()
		dmp.DiffTimeout = 0
		ra, rb, table := dmp.DiffLinesToRunes(strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n")
		var out []string
		for _, d := range dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), table) {
			op := map[diffmatchpatch.Operation]string{diffmatchpatch.DiffDelete: "-", diffmatchpatch.DiffInsert: "+", diffmatchpatch.DiffEqual: " "}[d.Type]
			for _, l := range strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n") {
				out = append(out, op+l)
			}
		}
		return out
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	gen := func(n, alphabet int) []string {
		out := make([]string, n)
		for i := range out {
			if out[i] = fmt.Sprint("l", rnd.IntN(alphabet)); rnd.IntN(20) == 0 {
				out[i] = ""
			}
		}
		return out
	}
	for i, c := range [][2][]string{
		{gen(50, 5), gen(60, 5)}, {gen(300, 1000), gen(280, 1000)}, {gen(1000, 3), gen(1000, 3)},
		{gen(maxDiffLines/2, 1<<30), gen(maxDiffLines/2, 1<<30)}, {{"x"}, {"", ""}}, {{""}, {"y"}},
		{gen(7, 2), gen(9, 2)}, {gen(2000, 40), gen(2000, 40)},
		// No line in common (myers skips go-diff), and one only.
		{{"a", "b", "a"}, {"c", "d"}}, {{"a"}, {"b", "c", "b"}}, {{"x", "y"}, {"z"}}, {{"a", "b"}, {"c", "a"}}, {{"a", "b"}, {"b", "c"}},
		{disjoint(gen(40, 6), "a"), disjoint(gen(50, 6), "b")},
	} {
		if got, want := editStrings(new(diffScratch).myers(byteLines(c[0]), byteLines(c[1]), nil)), lineMode(c[0], c[1]); !slices.Equal(got, want) {
			t.Errorf("case %d: myers differs from go-diff's line mode", i)
		}
	}
}

// TestUnifiedTrimmed holds Unified, which cuts the common prefix and
// suffix to their last and first ctx lines before matching, to the diff of
// the whole texts, on generated pairs: shared starts and ends of any
// length, changes at the edges, equal texts, trailing newlines or not,
// empty lines, and contexts from none to all.
func TestUnifiedTrimmed(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(9, 10))
	gen := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			if out[i] = fmt.Sprint("l", rnd.IntN(6)); rnd.IntN(10) == 0 {
				out[i] = ""
			}
		}
		return out
	}
	for i := range 3000 {
		pre, suf := gen(rnd.IntN(12)), gen(rnd.IntN(12))
		a := slices.Concat(pre, gen(rnd.IntN(5)), suf)
		b := slices.Concat(pre, gen(rnd.IntN(5)), suf)
		x, y := strings.Join(a, "\n"), strings.Join(b, "\n")
		if rnd.IntN(2) == 0 {
			x += "\n"
		}
		if rnd.IntN(2) == 0 {
			y += "\n"
		}
		ctx := []int{-1, 0, 1, 2, 3, 5, 1 << 30}[rnd.IntN(7)]
		if got, want := Unified(x, y, ctx), unifiedWhole(x, y, ctx); got != want {
			t.Fatalf("case %d, ctx %d: Unified(%q, %q) = %q, the whole texts give %q", i, ctx, x, y, got, want)
		}
		// The lines shownLines finds in the bytes are those lines and
		// commonEnds give.
		la, lb := lines(x), lines(y)
		p, s := commonEnds(la, lb)
		c := max(ctx, 0)
		lo, cut := max(p-c, 0), s-min(s, c)
		if ga, gb := shownLines(nil, nil, []byte(x), []byte(y), c); !slices.EqualFunc(ga, la[lo:len(la)-cut], bytes.Equal) || !slices.EqualFunc(gb, lb[lo:len(lb)-cut], bytes.Equal) {
			t.Fatalf("case %d, ctx %d: shownLines(%q, %q) = %q, %q; want %q, %q", i, ctx, x, y, ga, gb, la[lo:len(la)-cut], lb[lo:len(lb)-cut])
		}
	}
}

// TestCompareSkipsSame holds compare, which skips the pairs textDiffs
// found rendering the same, to Compare, which reads every pair back, on
// generated base and head manifests compiled to every target (some pairs
// alike, some not) and on heads that only reorder the base.
func TestCompareSkipsSame(t *testing.T) {
	t.Parallel()
	pool := []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "net:connect:api.example.com:443",
		"net:connect:*:443", "exec:spawn:curl", "env:inject:TOKEN", `ipc:connect:"unix:/run/x.sock"`,
		"ipc:connect:x11", "clock:tzdata", "fs:read:/var/run/docker.sock"}
	rnd := rand.New(rand.NewPCG(11, 12))
	pick := func() []string {
		var caps []string
		for _, c := range pool {
			if rnd.IntN(3) == 0 {
				caps = append(caps, c)
			}
		}
		return caps
	}
	skipped := 0
	for i := range 150 {
		bc := pick()
		hc := pick()
		if i%3 == 0 {
			hc = slices.Clone(bc)
			slices.Reverse(hc)
			if rnd.IntN(2) == 0 {
				hc = append(hc, pool[rnd.IntN(len(pool))])
			}
		}
		base, head := compileAll(t, bc...), compileAll(t, hc...)
		_, same := textDiffs(base, head)
		for _, s := range same {
			if s {
				skipped++
			}
		}
		if got, want := compare(base, head, same), Compare(base, head); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q -> %q: skipping alike pairs gave\n%+v\nreading all gave\n%+v", bc, hc, got, want)
		}
	}
	if skipped < 50 {
		t.Fatalf("only %d pairs alike", skipped)
	}
}

// disjoint prefixes every line of ls with p.
func disjoint(ls []string, p string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = p + l
	}
	return out
}

// byteLines is ls as the byte slices the diff works on.
func byteLines(ls []string) [][]byte {
	out := make([][]byte, len(ls))
	for i, l := range ls {
		out[i] = []byte(l)
	}
	return out
}

// editStrings is each edit as its op and line.
func editStrings(es []edit) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.op) + string(e.line)
	}
	return out
}

// unifiedWhole is the diff of the whole texts x and y: their lines, none
// cut before lineEdits.
func unifiedWhole(x, y string, ctx int) string {
	sc := new(diffScratch)
	sc.edits = sc.lineEdits(nil, lines(x), lines(y))
	return sc.unified(ctx)
}

// artifactText is the whole rendering of a, as textDiffs renders it
// (appendText, no argv element left out).
func artifactText(a *compiler.Artifact) string {
	t, _ := renderText(a)
	return t
}

// renderText is artifactText with the length of its body (see appendText).
func renderText(a *compiler.Artifact) (string, int) {
	b, n := appendText(nil, a, 0)
	return string(b), n
}

// sameButNotes reports whether a and b differ in their notes only.
func sameButNotes(a, b *compiler.Artifact) bool {
	x, y := *a, *b
	x.Notes, y.Notes = nil, nil
	return artifactText(&x) == artifactText(&y)
}

// TestNumberLines holds numberLines, which files lines in a table of
// their hashes, to a map of the lines (their first index, plus one, and
// whether b holds a line of a), on generated sides: few distinct lines
// and many, empty ones, one side empty, long shared prefixes, one after
// the other in one scratch.
func TestNumberLines(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(15, 16))
	sc := new(diffScratch)
	for i := range 2000 {
		alpha := []int{1, 3, 40, 1 << 20}[rnd.IntN(4)]
		gen := func() [][]byte {
			out := make([][]byte, rnd.IntN(70))
			for j := range out {
				out[j] = []byte(fmt.Sprint(strings.Repeat("p", rnd.IntN(3)*20), rnd.IntN(alpha)))
				if rnd.IntN(15) == 0 {
					out[j] = nil
				}
			}
			return out
		}
		a, b := gen(), gen()
		want := make([]rune, 0, len(a)+len(b))
		first, shared := map[string]int{}, false
		for j, l := range slices.Concat(a, b) {
			f, ok := first[string(l)]
			if !ok {
				f, first[string(l)] = j, j
			}
			want = append(want, rune(f+1))
			shared = shared || j >= len(a) && f < len(a)
		}
		if got, gotShared := sc.numberLines(a, b); !slices.Equal(got, want) || gotShared != shared {
			t.Fatalf("case %d: numberLines = %v, %v; want %v, %v", i, got, gotShared, want, shared)
		}
	}
}

// TestTextDiffsAsWhole holds textDiffs, which leaves out of the renderings
// the start of an argv both sides share (sharedArgv), to the diffs of the
// whole renderings, on generated pairs of manifests compiled to every
// target and on copies whose argv is cut, lengthened or changed at its
// start, middle or end (shorter than the context, one the start of the
// other).
func TestTextDiffsAsWhole(t *testing.T) {
	t.Parallel()
	pool := []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "net:connect:api.example.com:443",
		"net:connect:*:443", "exec:spawn:curl", "env:inject:TOKEN", "ipc:connect:x11", "clock:tzdata", "exec:spawn:bwrap?nestedSandbox=true"}
	rnd := rand.New(rand.NewPCG(23, 24))
	pick := func() *compiler.Result {
		var caps []string
		for _, c := range pool {
			if rnd.IntN(3) == 0 {
				caps = append(caps, c)
			}
		}
		return compileAll(t, caps...)
	}
	edit := func(argv []string) []string {
		argv = slices.Clone(argv)
		switch i := rnd.IntN(len(argv) + 1); rnd.IntN(5) {
		case 0:
			return argv[:i]
		case 1:
			return append(argv, "--extra", "/x")
		case 2:
			if i < len(argv) {
				argv[i] = "--changed"
			}
		case 3:
			return argv[:min(i, 3)]
		}
		return argv
	}
	shared := 0
	for i := range 400 {
		base, head := pick(), pick()
		if i%2 == 0 {
			// The base's artifacts, their argv edited.
			head = &compiler.Result{Manifest: base.Manifest, Policy: base.Policy, Hash: base.Hash}
			for _, a := range base.Artifacts.All() {
				c := *a
				if len(c.Argv) > 0 && rnd.IntN(3) > 0 {
					c.Argv = edit(c.Argv)
				}
				head.Artifacts.Set(&c)
			}
		}
		got, gotSame := textDiffs(base, head)
		var want []TextDiff
		var wantSame []bool
		for _, p := range compared(base, head) {
			shared += sharedArgv(p[0], p[1])
			x, y := artifactText(p[0]), artifactText(p[1])
			wantSame = append(wantSame, x == y)
			if x != y {
				want = append(want, TextDiff{Target: p[1].Target, Diff: Unified(x, y, 3), NotesOnly: sameButNotes(p[0], p[1])})
			}
		}
		if !reflect.DeepEqual(got, want) || !slices.Equal(gotSame, wantSame) {
			t.Fatalf("pair %d: textDiffs\n%+v\n%v\nthe whole renderings\n%+v\n%v", i, got, gotSame, want, wantSame)
		}
	}
	if shared < 1000 {
		t.Fatalf("only %d argv elements left out", shared)
	}
}

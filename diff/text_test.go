package diff

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

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
	tds := textDiffs(base, head)
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

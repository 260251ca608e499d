package diff

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestTextDiffsAsWholeOtherFields is TestTextDiffsAsWhole with the argv
// edit joined by a change of another field (egress, variables,
// assertions, notes, unenforceable, config, filename), with argv
// elements that hold newlines, quotes and other escapes, and with short
// argvs: the text diffs, with the shared start of the argv left out,
// must be those of the whole renderings, and NotesOnly that of the whole.
func TestTextDiffsAsWholeOtherFields(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(41, 42))
	base := compileAll(t, "fs:read:/srv/a/**", "fs:read,write:/srv/b/", "net:connect:api.example.com:443", "env:inject:TOKEN")
	odd := []string{"a\nb", `"q"`, "\\", "\t", "\u2028", "</script>", "x\ny\nz", ""}
	for i := range 600 {
		head := &compiler.Result{Manifest: base.Manifest, Policy: base.Policy, Hash: base.Hash}
		for _, a := range base.Artifacts.All() {
			c := *a
			if len(c.Argv) > 0 {
				c.Argv = slices.Clone(c.Argv)
				switch rnd.IntN(4) {
				case 0:
					c.Argv[rnd.IntN(len(c.Argv))] = odd[rnd.IntN(len(odd))]
				case 1:
					c.Argv = c.Argv[:rnd.IntN(6)]
				case 2:
					c.Argv = append(c.Argv, odd[rnd.IntN(len(odd))])
				}
			}
			switch rnd.IntN(7) {
			case 0:
				c.Egress = append(slices.Clone(c.Egress), compiler.EgressRule{Host: "x.example.com", Port: 1})
			case 1:
				c.EnvInjections = append(slices.Clone(c.EnvInjections), odd[rnd.IntN(len(odd))])
			case 2:
				c.Assertions = append(slices.Clone(c.Assertions), compiler.AssertionOut{ID: "a", Description: odd[rnd.IntN(len(odd))]})
			case 3:
				c.Notes = append(slices.Clone(c.Notes), odd[rnd.IntN(len(odd))])
			case 4:
				c.Config += odd[rnd.IntN(len(odd))]
			case 5:
				c.Filename += "x"
			}
			head.Artifacts.Set(&c)
		}
		b := base
		if i%3 == 0 {
			b, head = head, base
		}
		got, gotSame := textDiffs(b, head)
		var want []TextDiff
		var wantSame []bool
		for _, p := range compared(b, head) {
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
}

package sandbox

import (
	"strconv"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestEveryTargetHasReader: a target added to the compiler without its
// reader would be judged as one raw blob.
func TestEveryTargetHasReader(t *testing.T) {
	t.Parallel()
	for _, tg := range compiler.AllTargets() {
		if !HasReader(tg) {
			t.Errorf("target %s has no reader (add sandbox/%s.go and list it in read.go)", tg, tg)
		}
	}
}

// TestRawReader: an artifact of a target with no reader is one unknown
// part, so that any change to it is still a widening, never a crash or
// silence; a nil artifact grants nothing.
func TestRawReader(t *testing.T) {
	t.Parallel()
	a := FromArtifact(&compiler.Artifact{Target: "no-such-target", Config: "allow all"})
	b := FromArtifact(&compiler.Artifact{Target: "no-such-target", Config: "allow some"})
	if len(a.Unknown) != 1 || a.Unknown[0].Text == b.Unknown[0].Text {
		t.Fatalf("raw parts %v %v", a.Unknown, b.Unknown)
	}
	if n := FromArtifact(nil); len(show(n)) != 0 || !n.Confined {
		t.Fatalf("nil artifact grants %v", show(n))
	}
	ds := Compare(a, b)
	if len(ds) == 0 || ds[0].Severity != Widened || ds[0].Aspect != AspectUnknown {
		t.Fatalf("changed unknown artifact: %v", ds)
	}
}

// compile compiles a manifest of one tool with caps to every target.
func compile(t testing.TB, caps ...string) *compiler.Result {
	t.Helper()
	q := make([]string, len(caps))
	for i, c := range caps {
		q[i] = strconv.Quote(c)
	}
	src := `{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(q, ", ") + `]}]}`
	r, err := compiler.CompileTargets([]byte(src), compiler.AllTargets())
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return r
}

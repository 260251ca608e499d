package compiler

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// sameError reports whether a and b are both nil or both *Error with the
// same code, message and position.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var ea, eb *Error
	if !errors.As(a, &ea) || !errors.As(b, &eb) {
		return false
	}
	return ea.Code == eb.Code && ea.Error() == eb.Error() && ea.Pos() == eb.Pos()
}

// TestCheckAgreesWithCompile holds Check to its promise on every vector:
// the error Compile and CompileTargets return (code, message, position),
// or none.
func TestCheckAgreesWithCompile(t *testing.T) {
	t.Parallel()
	var srcs [][]byte
	for _, name := range []string{"vectors.jsonl", "raw.jsonl", "edge.jsonl"} {
		for _, v := range loadVectors(t, name) {
			srcs = append(srcs, v.source())
		}
	}
	srcs = append(srcs, nil, []byte("{"), make([]byte, MaxManifestBytes+1))
	failing := 0
	for i, src := range srcs {
		err := Check(src)
		if err != nil {
			failing++
		}
		if _, want := Compile(src); !sameError(err, want) {
			t.Errorf("source %d: Check = %v, Compile = %v", i, err, want)
		}
		if _, want := CompileTargets(src, AllTargets()); !sameError(err, want) {
			t.Errorf("source %d: Check = %v, CompileTargets = %v", i, err, want)
		}
	}
	// Both outcomes are exercised.
	if failing == 0 || failing == len(srcs) {
		t.Fatalf("%d of %d sources fail: the corpus does not exercise both outcomes", failing, len(srcs))
	}
}

// BenchmarkCheck is BenchmarkPrepare without building the policy: what
// diff spends on a manifest whose bytes are the same on both sides.
func BenchmarkCheck(b *testing.B) {
	srcs := benchCorpus(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Check(srcs[i%len(srcs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "manifests/s")
}

// TestCheckRewinds holds Check, which hands the arena memory of a passed
// check out again (arena.rewind), to leaving alone what was handed out
// before: results compiled before, between and after checks (passing and
// failing) render as they did when compiled, and the next compilations
// as they do alone.
func TestCheckRewinds(t *testing.T) {
	t.Parallel()
	good := benchCorpus(t)
	want := make([][]byte, len(good))
	for i, src := range good {
		want[i] = compiledJSON(t, src)
	}
	bad := [][]byte{[]byte("{"), []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["fs:read:relative"]}]}`)}
	var kept []*Result
	var keptWant [][]byte
	for i, src := range good {
		if err := Check(good[(i+7)%len(good)]); err != nil {
			t.Fatalf("check of manifest %d: %v", (i+7)%len(good), err)
		}
		if err := Check(bad[i%len(bad)]); err == nil {
			t.Fatalf("bad manifest %d passed", i%len(bad))
		}
		r, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendAllJSON(nil, r.Artifacts, false); !bytes.Equal(got, want[i]) {
			t.Fatalf("manifest %d compiled after checks:\n%s\nwant\n%s", i, got, want[i])
		}
		kept, keptWant = append(kept, r), append(keptWant, want[i])
	}
	for i, r := range kept {
		if got := AppendAllJSON(nil, r.Artifacts, false); !bytes.Equal(got, keptWant[i]) {
			t.Fatalf("result %d changed after the checks that followed it:\n%s\nwant\n%s", i, got, keptWant[i])
		}
	}
}

// TestArenaRewind: a rewound shared arena hands out again what it handed
// out since the mark, and nothing before it; a block replaced since the
// mark is left as it is, with the strings and lists in the old one.
func TestArenaRewind(t *testing.T) {
	t.Parallel()
	var a arena
	a.share()
	before := a.str("kept")
	a.add("one", "two")
	beforeList := a.list()
	take(&a, &a.sl.caps, 1) // a block with room for the three below
	a.share()
	at := a.mark()
	lenB, lenS := len(a.b), len(a.s)
	a.str("dropped")
	a.add("x")
	a.list()
	take(&a, &a.sl.caps, 3)
	a.rewind(at)
	if len(a.b) != lenB || len(a.s) != lenS || len(a.sl.caps) != at.nCaps {
		t.Fatalf("rewound to %d, %d, %d; want %d, %d, %d", len(a.b), len(a.s), len(a.sl.caps), lenB, lenS, at.nCaps)
	}
	if s := a.str("next"); s != "next" || before != "kept" || !slices.Equal(beforeList, []string{"one", "two"}) {
		t.Fatalf("after rewind: %q, %q, %q", s, before, beforeList)
	}
	// A block replaced since the mark (a string longer than the block).
	at = a.mark()
	long := a.str(strings.Repeat("y", 2*sharedText))
	a.rewind(at)
	if len(a.b) == 0 || a.str("z") != "z" || long != strings.Repeat("y", 2*sharedText) || before != "kept" {
		t.Fatalf("a replaced block was rewound")
	}
	// A typed block the mark does not note was taken from: nothing is rewound.
	at = a.mark()
	a.str("w")
	take(&a, &a.sl.fs, 1)
	n := len(a.b)
	a.rewind(at)
	if len(a.b) != n {
		t.Fatalf("rewound though another block grew")
	}
}

package compiler

import (
	"errors"
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

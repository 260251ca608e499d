package compiler

import "testing"

// BenchmarkPrepare and BenchmarkLower split BenchmarkCompileAll in two:
// parsing, checking and normalising, then the four lowerings.
func BenchmarkPrepare(b *testing.B) {
	srcs := benchCorpus(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Prepare(srcs[i%len(srcs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLower measures the lowering Compile does, on results prepared
// beforehand (so their policies are no longer in cache).
func BenchmarkLower(b *testing.B) {
	srcs := benchCorpus(b)
	rs := make([]*Result, len(srcs))
	for i, s := range srcs {
		rs[i], _ = Prepare(s)
	}
	var sc scratch
	a := &sc.res
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// What Compile does after Prepare: all four targets into one
		// block, sharing what they have in common.
		c := new(compiled)
		c.r = *rs[i%len(rs)]
		a.share() // as the pooled parser's arena is
		c.lowerAll(&sc, a)
	}
}

// BenchmarkLowerEach lowers target by target with Lower, as capgate
// compile --target does.
func BenchmarkLowerEach(b *testing.B) {
	srcs := benchCorpus(b)
	rs := make([]*Result, len(srcs))
	for i, s := range srcs {
		rs[i], _ = Prepare(s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := rs[i%len(rs)]
		for _, t := range Targets() {
			if _, err := Lower(r, t, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

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

func BenchmarkLower(b *testing.B) {
	srcs := benchCorpus(b)
	rs := make([]*Result, len(srcs))
	for i, s := range srcs {
		rs[i], _ = Prepare(s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := rs[i%len(rs)]
		for _, t := range Targets {
			if _, err := Lower(r, t, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

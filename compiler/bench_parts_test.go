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
	rooms := make([]lowerRoom, len(rs))
	for i, r := range rs {
		for _, c := range r.Manifest.AllCaps() {
			rooms[i].add(c.Text)
		}
	}
	var sc scratch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// What Compile does after Prepare: all four targets into one
		// block, sharing what they have in common.
		c := new(compiled)
		c.r = *rs[i%len(rs)]
		a := new(arena)
		a.grow(rooms[i%len(rs)].total()) // as decodeManifest does
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

package sandbox

import (
	"fmt"
	"testing"
)

// BenchmarkCompareShadows compares a writable parent with n read-only
// children after it against the same binds with the children first (all
// hidden by the parent): n points change, one delta.
func BenchmarkCompareShadows(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			parent := []string{"--bind", "/srv", "/srv"}
			var kids []string
			for i := range n {
				p := fmt.Sprintf("/srv/k%d/x", i)
				kids = append(kids, "--ro-bind", p, p)
			}
			base := ReadBwrap(append(append([]string{}, parent...), kids...))
			head := ReadBwrap(append(append([]string{}, kids...), parent...))
			b.ReportAllocs()
			for b.Loop() {
				if ds := Compare(base, head); len(ds) != 1 {
					b.Fatalf("%d deltas", len(ds))
				}
			}
		})
	}
}

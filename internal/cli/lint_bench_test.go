package cli

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkLintManifest lints one manifest of n capabilities, every other
// one broken in a way that gets a hint (an unknown kind, a URL as host, a
// relative path, a bad env name). Work must grow linearly with n: compare
// ns/cap across the sizes.
func BenchmarkLintManifest(b *testing.B) {
	broken := []string{"network:connect:api%d.example.com:443", "net:connect:https://api%d.example.com", "fs:read:./data/%d/**", "env:inject:token-%d"}
	for _, n := range []int{100, 1000, 10000} {
		var caps []string
		for i := range n {
			if i%2 == 0 {
				caps = append(caps, fmt.Sprintf(`"fs:read:/srv/%d/**"`, i))
			} else {
				caps = append(caps, `"`+fmt.Sprintf(broken[i/2%len(broken)], i)+`"`)
			}
		}
		src := []byte(`{"name": "b", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(caps, ",\n") + `]}]}`)
		b.Run(fmt.Sprintf("caps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if fs := lintManifest("m.json", src); len(fs) != n/2 {
					b.Fatalf("%d findings, want %d", len(fs), n/2)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/cap")
		})
	}
}

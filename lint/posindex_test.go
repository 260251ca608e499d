package lint

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkManyDuplicateKeys lints one line of 20,000 and 40,000 keys, each
// written twice: one finding a key, so twice the keys should cost about
// twice the time.
func BenchmarkManyDuplicateKeys(b *testing.B) {
	for _, n := range []int{20000, 40000} {
		var buf bytes.Buffer
		buf.WriteString(`{"name":"a","version":"1","tools":[]`)
		for r := 0; r < 2; r++ {
			for i := 0; i < n; i++ {
				fmt.Fprintf(&buf, `,"k%d":1`, i)
			}
		}
		buf.WriteString("}")
		src := buf.Bytes()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if got := len(Keys(src)); got != n {
					b.Fatalf("%d findings, want %d", got, n)
				}
			}
		})
	}
}

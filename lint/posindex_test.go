package lint

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPosIndex compares the table with counting from the start of the line,
// at every offset of text holding several lines and multi-byte runes.
func TestPosIndex(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "{}", "{\n  \"a\": 1,\n\t\"é\": \"日本\",\n\n\"z\": [1, 2]}\n", "x\ny", "\n\n"} {
		ix := &posIndex{src: []byte(src)}
		for off := 0; off <= len(src); off++ {
			if off < len(src) && !utf8.RuneStart(src[off]) {
				continue // positions are asked at a quote or a value's start
			}
			line := 1 + strings.Count(src[:off], "\n")
			start := strings.LastIndexByte(src[:off], '\n') + 1
			col := 1 + utf8.RuneCountInString(src[start:off])
			if got := ix.at(off); got.Line != line || got.Col != col || got.Offset != off {
				t.Errorf("%q at %d: %+v, want line %d col %d", src, off, got, line, col)
			}
		}
	}
}

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

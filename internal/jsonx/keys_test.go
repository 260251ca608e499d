package jsonx

import (
	"fmt"
	"strings"
	"testing"
)

// manyKeys is an object of n distinct keys, each then repeated once with a
// new value, as text.
func manyKeys(n int) []byte {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `"k%d":"last%d",`, i, i)
	}
	b.WriteString(`"end":true}`)
	return []byte(b.String())
}

// TestManyKeys: whether an object is small enough for the duplicate scan
// or large enough for the map, a repeated key keeps its first place and
// takes its last value, as JavaScript's JSON.parse does.
func TestManyKeys(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, smallObject - 1, smallObject, smallObject + 1, 1000} {
		v, err := Parse(manyKeys(n))
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(v.Keys) != n+1 || len(v.Items) != n+1 {
			t.Fatalf("n=%d: %d keys, %d values, want %d", n, len(v.Keys), len(v.Items), n+1)
		}
		for i := 0; i < n; i++ {
			if v.Keys[i] != fmt.Sprintf("k%d", i) || v.Items[i].Kind != String || v.Items[i].Str != fmt.Sprintf("last%d", i) {
				t.Fatalf("n=%d: key %d is %q = %+v", n, i, v.Keys[i], v.Items[i])
			}
		}
		if v.Keys[n] != "end" {
			t.Errorf("n=%d: last key %q", n, v.Keys[n])
		}
	}
}

// BenchmarkManyKeys parses objects of 30,000 and 60,000 keys (each written
// twice): twice the keys should cost about twice the time.
func BenchmarkManyKeys(b *testing.B) {
	for _, n := range []int{30000, 60000} {
		src := manyKeys(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

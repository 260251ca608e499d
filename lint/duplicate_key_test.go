package lint

import (
	"fmt"
	"github.com/razukc/capgate-action/internal/diag"
	"strings"
	"testing"
)

// TestDuplicateKeys: a key written twice in one object is one finding at
// its first occurrence, at any depth; the same key in different objects,
// and key-like text in values, are not.
func TestDuplicateKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src  string
		want []string // "line:col key"
	}{
		{`{"name": "x", "tools": [], "tools": [1]}`, []string{`1:15 "tools"`}},
		{"{\n  \"tools\": [],\n  \"name\": \"x\",\n  \"tools\": [],\n  \"tools\": []\n}", []string{`2:3 "tools"`}},
		{`{"tools": [{"name": "a", "capabilities": [], "capabilities": ["x"]}]}`, []string{`1:26 "capabilities"`}},
		{`{"a": 1, "\u0061": 2}`, []string{`1:2 "a"`}},
		{`{"a": {"b": 1}, "c": {"b": 2}}`, nil},
		{`{"a": "a", "b": ["a", "a"], "c": {"a": "\"a\""}}`, nil},
		{`{"a": [{"x": 1}, {"x": 2}]}`, nil},
		{`[{"x": 1, "x": 2}, {"y": "}", "y": "{"}]`, []string{`1:3 "x"`, `1:21 "y"`}},
	} {
		var got []string
		// Keys gives these findings the rule's id (TestFindingsCarryTheirRule).
		for _, f := range duplicateKeys([]byte(tc.src), diag.NewIndex([]byte(tc.src))) {
			got = append(got, fmt.Sprintf("%d:%d %s", f.Line, f.Col, strings.Fields(f.Message)[1]))
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
}

// BenchmarkDuplicateKeys: one pass, one map per object; 100,000 distinct
// keys and one repeated in one object.
func BenchmarkDuplicateKeys(b *testing.B) {
	var s strings.Builder
	s.WriteString(`{"k": 0`)
	for i := range 100000 {
		fmt.Fprintf(&s, `, "k%d": %d`, i, i)
	}
	s.WriteString(`, "k": 1}`)
	src := []byte(s.String())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if len(duplicateKeys(src, diag.NewIndex(src))) != 1 {
			b.Fatal("want one finding")
		}
	}
}

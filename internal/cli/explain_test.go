package cli

import (
	"github.com/razukc/capgate-action/internal/jsonx"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/lint"
)

func TestSanitize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain text, ünïcode", "plain text, ünïcode"},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"\x1b[2J\x07\x7f", `\x1b[2J\x07\x7f`},
		{"\u0085 \u2028 \u2029", `\u0085 \u2028 \u2029`},
		{"evil\u202etxt.exe \u2066x\u2069", `evil\u202etxt.exe \u2066x\u2069`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"tag \U000e0041\U000e0001 filler \u3164 vs \ufe0f", `tag \u{e0041}\u{e0001} filler \u3164 vs \ufe0f`},
	} {
		if got := sanitize(tc.in); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestKeyPos checks the position of a misspelled key, with escapes and
// multi-byte characters before it on its line.
func TestKeyPos(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src       string
		line, col int
	}{
		{"{\"name\": \"x\", \"version\": \"1\",\n  \"tool\": []}", 2, 3},
		{`{"name": "ü", "version": "1", "to\"ol" : []}`, 1, 31},
		{"{\"name\": \"x\", \"version\": \"1\", \"tool\"\n:\n[]}", 1, 31},
	} {
		src := []byte(tc.src)
		_, err := compiler.Prepare(src)
		ce, ok := err.(*compiler.Error)
		if !ok {
			t.Fatalf("%s: got %v, want a MANIFEST_SHAPE error", tc.src, err)
		}
		root, err := jsonx.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		pos := lint.KeyPos(src, root.Items[len(root.Items)-1].Pos)
		if pos.Line != tc.line || pos.Col != tc.col {
			t.Errorf("%s: key at %d:%d, want %d:%d (error %v)", tc.src, pos.Line, pos.Col, tc.line, tc.col, ce)
		}
	}
}

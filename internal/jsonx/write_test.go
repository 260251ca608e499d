package jsonx

import (
	"math"
	"strings"
	"testing"
)

// TestJSONLikeJavaScript checks the parser and writers against what
// JavaScript's JSON.parse, JSON.stringify and RFC 8785 give for the cases
// capgate's conformance data relies on (the compiler's conformance tests
// check them end to end).
func TestJSONLikeJavaScript(t *testing.T) {
	t.Parallel()
	v, err := Parse([]byte(`{"a":1,"b":2,"a":{"z":null,"y":[true,"x"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	// A duplicate key keeps its first place and its last value.
	if len(v.Keys) != 2 || v.Keys[0] != "a" || v.Get("a").Kind != Object {
		t.Fatalf("duplicate key: keys %q, a %+v", v.Keys, v.Get("a"))
	}
	if got := string(AppendCanonical(nil, v)); got != `{"a":{"y":[true,"x"],"z":null},"b":2}` {
		t.Errorf("canonical: %s", got)
	}
	for _, tc := range []struct{ in, want string }{
		{"a\"b\\\n\x01", `"a\"b\\\n\u0001"`},
		{"\u2028é", "\"\u2028é\""}, // JSON.stringify leaves these as they are
	} {
		if got := string(AppendString(nil, tc.in)); got != tc.want {
			t.Errorf("AppendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		f    float64
		want string
	}{{1e21, "1e+21"}, {0.1, "0.1"}, {math.Copysign(0, -1), "0"}, {123, "123"}} {
		if got := string(AppendJSNumber(nil, tc.f)); got != tc.want {
			t.Errorf("AppendJSNumber(%v) = %s, want %s", tc.f, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "Unexpected end of JSON input"},
		{"[1,]", `Unexpected token ']', "[1,]" is not valid JSON`},
		{"{} x", "Unexpected non-whitespace character after JSON at position 3"},
	} {
		_, err := Parse([]byte(tc.in))
		if pe, ok := err.(*ParseError); !ok || pe.Message != tc.msg {
			t.Errorf("Parse(%q): %v, want %q", tc.in, err, tc.msg)
		}
	}
}

// TestPlainPrefix checks plainPrefix, which reads eight bytes at a time,
// against a byte loop: every byte value at every place of texts of every
// length up to 24.
func TestPlainPrefix(t *testing.T) {
	t.Parallel()
	slow := func(s []byte) int {
		for i, c := range s {
			if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return i
			}
		}
		return len(s)
	}
	for n := 0; n <= 24; n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("a", n))
				b[at] = byte(c)
				if n > at+1 {
					b[at+1] = byte(255 - c) // a second odd byte after the first
				}
				if got, want := plainPrefix(b), slow(b); got != want {
					t.Fatalf("plainPrefix(%q) = %d, want %d", b, got, want)
				}
				if got, want := plainPrefix(string(b)), slow(b); got != want {
					t.Fatalf("plainPrefix(string %q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}

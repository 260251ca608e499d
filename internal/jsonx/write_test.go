package jsonx

import (
	"strings"
	"testing"
)

// checkWordScan checks scan, which looks at eight bytes at a time, against
// naive, a byte-at-a-time loop: with every byte value at every place in
// strings up to three words long, followed by a byte one bit off a
// separator (which zeroByte may mark wrongly).
func checkWordScan(t *testing.T, name string, scan, naive func(string) int) {
	t.Helper()
	base := strings.Repeat("abcdefgh", 3)
	for n := 0; n <= len(base); n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := []byte(base[:n])
				b[at] = byte(c)
				if at+1 < n {
					b[at+1] = ':' ^ 1
				}
				if s := string(b); scan(s) != naive(s) {
					t.Fatalf("%s(%q) = %d, want %d", name, s, scan(s), naive(s))
				}
			}
		}
	}
}

// TestPlainPrefix checks plainPrefix on strings and byte slices.
func TestPlainPrefix(t *testing.T) {
	naive := func(s string) int {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return i
			}
		}
		return len(s)
	}
	checkWordScan(t, "plainPrefix", plainPrefix[string], naive)
	checkWordScan(t, "plainPrefix[[]byte]", func(s string) int { return plainPrefix([]byte(s)) }, naive)
}

package compiler

import (
	"strings"
	"testing"
)

// TestPlainPrefix checks the eight-bytes-at-a-time scan against a plain
// loop, with every byte value at every place in a word and across words.
func TestPlainPrefix(t *testing.T) {
	naive := func(s string) int {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return i
			}
		}
		return len(s)
	}
	base := strings.Repeat("abcdefgh", 3)
	for n := 0; n <= len(base); n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := []byte(base[:n])
				b[at] = byte(c)
				s := string(b)
				if got, want := plainPrefix(s), naive(s); got != want {
					t.Fatalf("plainPrefix(%q) = %d, want %d", s, got, want)
				}
				if got, want := plainPrefix(b), naive(s); got != want {
					t.Fatalf("plainPrefix([]byte(%q)) = %d, want %d", s, got, want)
				}
			}
		}
	}
}

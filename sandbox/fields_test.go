package sandbox

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAppendFields holds appendFields to strings.Fields on generated
// lines: fields and runs of every ASCII space, multi-byte spaces and
// other characters, invalid bytes, at the start, the end and between,
// appended after fields already there.
func TestAppendFields(t *testing.T) {
	t.Parallel()
	parts := []string{"acl", "x", "10.0.0.0/8", " ", "  ", "\t", "\n", "\v", "\f", "\r", "\u0085", "\u00a0", "\u2003", "\u3000",
		"é", "\x80", "\xff", "\xc2", "{", "}", ","}
	rnd := rand.New(rand.NewPCG(19, 20))
	for i := range 20000 {
		var b strings.Builder
		for range rnd.IntN(10) {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		line := b.String()
		if got, want := appendFields([]string{"kept"}, line), append([]string{"kept"}, strings.Fields(line)...); !slices.Equal(got, want) {
			t.Fatalf("case %d: appendFields(%q) = %q, want %q", i, line, got, want)
		}
	}
	// plainSpaced against a byte loop: every byte value at every place.
	for n := range 20 {
		for at := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a", n))
				b[at] = byte(c)
				want := c >= 0x20 && c < 0x80
				if got := plainSpaced(string(b)); got != want {
					t.Fatalf("plainSpaced(%q) = %v", b, got)
				}
			}
		}
	}
}

// FuzzAppendFields holds appendFields to strings.Fields on any line.
func FuzzAppendFields(f *testing.F) {
	f.Add("acl cg_dst_0 dstdomain api.example.com")
	f.Add("ip daddr {\u00a010.0.0.0/8, x } drop")
	f.Fuzz(func(t *testing.T, line string) {
		if got, want := appendFields(nil, line), strings.Fields(line); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("appendFields(%q) = %q, want %q", line, got, want)
		}
	})
}

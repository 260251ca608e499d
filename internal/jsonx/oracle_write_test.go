package jsonx

// appendString as it was (2f56fa9), the oracle of TestAppendStringAsBefore
// and FuzzAppendStringAsBefore: this work made it skip each run of plain
// bytes a word at a time. A deliberate change to what it writes must be
// made to this copy too.

import (
	"math/rand/v2"
	"testing"
)

func appendStringBefore(b []byte, s string, canon bool) []byte {
	b = append(b, '"')
	start := 0
	for i := plainPrefix(s); i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c == 0xED {
			if !isSurrogateSeq(s, i) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			if canon {
				b = append(b, "\uFFFD"...)
				i += 3
				start = i
				continue
			}
			r := rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			b = append(b, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
			i += 3
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// TestAppendStringAsBefore holds appendString to appendStringBefore, both
// ways (JSON.stringify's and the canonical one), on generated strings:
// long plain runs broken by quotes, backslashes, control characters,
// multi-byte characters, surrogates held as WTF-8, lone 0xED bytes and
// other invalid bytes, at every place.
func TestAppendStringAsBefore(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(17, 18))
	parts := []string{"a", "plain text of a note ", `"`, `\`, "\n", "\x01", "\x1f", "\t", "—", "é", "\u2028",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xed\x9f\xbf", "\xed", "\xed\xa0", "\x80", "\xff", "😀"}
	for i := range 20000 {
		var s []byte
		for range rnd.IntN(12) {
			s = append(s, parts[rnd.IntN(len(parts))]...)
		}
		for _, canon := range []bool{false, true} {
			if got, want := appendString([]byte("x"), string(s), canon), appendStringBefore([]byte("x"), string(s), canon); string(got) != string(want) {
				t.Fatalf("case %d, canon %v: appendString(%q) = %q, before %q", i, canon, s, got, want)
			}
		}
	}
}

// FuzzAppendStringAsBefore holds appendString to appendStringBefore on
// any string.
func FuzzAppendStringAsBefore(f *testing.F) {
	f.Add("a\"b\\\n\x01 — \xed\xa0\x80 x")
	f.Fuzz(func(t *testing.T, s string) {
		for _, canon := range []bool{false, true} {
			if got, want := appendString(nil, s, canon), appendStringBefore(nil, s, canon); string(got) != string(want) {
				t.Fatalf("canon %v: appendString(%q) = %q, before %q", canon, s, got, want)
			}
		}
	})
}

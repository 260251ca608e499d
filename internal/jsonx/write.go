package jsonx

import (
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string literal exactly as
// JavaScript's JSON.stringify writes it: only '"', '\\' and control
// characters are escaped, and a lone surrogate (held as WTF-8) is written as
// a lowercase \udxxx escape.
func AppendString(b []byte, s string) []byte {
	return appendString(b, s, false)
}

// AppendCanonString appends s as RFC 8785 canonicalization does it in
// capgate: like JSON.stringify, except that a lone surrogate stays raw in the
// canonical text and so becomes U+FFFD when the text is encoded as UTF-8 for
// hashing.
func AppendCanonString(b []byte, s string) []byte {
	return appendString(b, s, true)
}

// plainByte[c] is true for a byte that JSON.stringify copies as it is and
// that cannot start a WTF-8 surrogate.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\' && c != 0xED
	}
	return t
}()

func appendString(b []byte, s string, canon bool) []byte {
	b = append(b, '"')
	start := 0
	// Each run of plain ASCII is skipped a word at a time (plainPrefix),
	// not only the first: a note quotes its path and holds a dash, and
	// after the first of those the rest of it went a byte at a time:
	// 23,600 instructions of the 464,600 of a changed manifest
	// (cachegrind, GOGC=off, BenchmarkChangedManifest in package diff).
	// TestAppendStringAsBefore and FuzzAppendStringAsBefore hold it to
	// the byte loop.
	for i := plainPrefix(s); i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			if i < len(s) && s[i] < 0x80 {
				i += plainPrefix(s[i:])
			}
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
		i += plainPrefix(s[i:])
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendJSNumber appends f formatted as JavaScript's Number.prototype.toString
// does, which is what RFC 8785 prescribes. Non-finite values are written as
// null, as JSON.stringify does.
func AppendJSNumber(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == 0 {
		return append(b, '0')
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±x
	mant, expS, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(expS)
	k := len(digits)
	n := x + 1
	switch {
	case k <= n && n <= 21:
		b = append(b, digits...)
		for j := 0; j < n-k; j++ {
			b = append(b, '0')
		}
	case 0 < n && n <= 21:
		b = append(b, digits[:n]...)
		b = append(b, '.')
		b = append(b, digits[n:]...)
	case -6 < n && n <= 0:
		b = append(b, '0', '.')
		for j := 0; j < -n; j++ {
			b = append(b, '0')
		}
		b = append(b, digits...)
	default:
		b = append(b, digits[0])
		if k > 1 {
			b = append(b, '.')
			b = append(b, digits[1:]...)
		}
		b = append(b, 'e')
		if n-1 >= 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, int64(n-1), 10)
	}
	return b
}

// wtf8Runes decodes WTF-8, keeping surrogates as their code points.
func wtf8Runes(s string) []rune {
	rs := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		if isSurrogateSeq(s, i) {
			rs = append(rs, rune(s[i]&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F))
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		rs = append(rs, r)
		i += n
	}
	return rs
}

// AppendCanonical appends v in RFC 8785 canonical form.
func AppendCanonical(b []byte, v *Value) []byte {
	switch v.Kind {
	case Null:
		return append(b, "null"...)
	case Bool:
		return append(b, v.Str...)
	case Number:
		return AppendJSNumber(b, numberValue(v.Str))
	case String:
		return AppendCanonString(b, v.Str)
	case Array:
		b = append(b, '[')
		for i, it := range v.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendCanonical(b, it)
		}
		return append(b, ']')
	default:
		idx := make([]int, len(v.Keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool {
			return utf16LessWTF8(v.Keys[idx[i]], v.Keys[idx[j]])
		})
		b = append(b, '{')
		for n, i := range idx {
			if n > 0 {
				b = append(b, ',')
			}
			b = AppendCanonString(b, v.Keys[i])
			b = append(b, ':')
			b = AppendCanonical(b, v.Items[i])
		}
		return append(b, '}')
	}
}

func utf16LessWTF8(a, b string) bool {
	if isASCII(a) && isASCII(b) {
		return a < b
	}
	ua := utf16Units(a)
	ub := utf16Units(b)
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// utf16Units encodes WTF-8 text as UTF-16 code units; a lone surrogate
// stays the single unit it was.
func utf16Units(s string) []uint16 {
	var u []uint16
	for _, r := range wtf8Runes(s) {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			u = append(u, uint16(r1), uint16(r2))
			continue
		}
		u = append(u, uint16(r))
	}
	return u
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// plainPrefix returns how many bytes at the start of s are printable ASCII
// other than '"' and '\\': text that JSON writes and reads as it is.
//
// It tests eight bytes at a time (the bit tricks are in plainWord). What
// it buys: ~1,500 fewer instructions a manifest, 3% of
// BenchmarkCompileAll's (valgrind, issue 24), for the parser's strings and
// the hashed canonical text; an earlier eight-at-a-time version had
// measured no faster in wall time on the shared machine (issue 14). TestPlainPrefix
// checks it against the byte loop at every length and place.
func plainPrefix[T string | []byte](s T) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if m := plainWord(w); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			break
		}
	}
	return i
}

// plainWord returns, for the eight bytes of w (little-endian), a mask whose
// lowest set bit is the top bit of the first byte that is not plain (below
// 0x20, above 0x7f, '"' or '\\'), or 0 when all are. Bytes after the first
// may be flagged wrongly (a borrow runs upwards), never the ones before it.
func plainWord(w uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	q := w ^ ('"' * ones)
	b := w ^ ('\\' * ones)
	ctl := (w - 0x20*ones) &^ w // a byte below 0x20
	return (ctl | (q-ones)&^q | (b-ones)&^b | w) & high
}

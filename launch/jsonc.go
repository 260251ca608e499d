package launch

import (
	"unicode/utf8"
)

// jsonc turns JSONC (// and /* */ comments, and with trailing true,
// trailing commas) into JSON that parses to the same value, each comment
// character and each dropped comma replaced by one space (line breaks
// kept), so that lines and columns (counted in characters) stay where they
// were. It is linear. An unterminated block comment is an error at its
// start: open is its byte offset in src, -1 when every comment ends.
func jsonc(src []byte, trailing bool) (out []byte, open int) {
	out = make([]byte, 0, len(src))
	inStr, esc := false, false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case inStr:
			inStr, esc = stringByte(c, esc)
		case c == '"':
			inStr = true
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				_, n := utf8.DecodeRune(src[i:])
				out = append(out, ' ')
				i += n
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			start := i
			var ok bool
			if out, i, ok = blockComment(src, out, i); !ok {
				return nil, start
			}
			continue
		}
		out = append(out, c)
		i++
	}
	if trailing {
		dropTrailingCommas(out)
	}
	return out, -1
}

// stringByte steps through a JSON string: it reports whether the string
// goes on after c, and whether the next byte is escaped.
func stringByte(c byte, esc bool) (inStr, nextEsc bool) {
	switch {
	case esc:
		return true, false
	case c == '\\':
		return true, true
	}
	return c != '"', false
}

// blockComment blanks the /* */ comment at src[i], keeping line breaks;
// ok is false when it does not end.
func blockComment(src, out []byte, i int) ([]byte, int, bool) {
	out = append(out, ' ', ' ')
	i += 2
	for i < len(src) {
		switch {
		case src[i] == '*' && i+1 < len(src) && src[i+1] == '/':
			return append(out, ' ', ' '), i + 2, true
		case src[i] == '\n':
			out = append(out, '\n')
			i++
		default:
			_, n := utf8.DecodeRune(src[i:])
			out = append(out, ' ')
			i += n
		}
	}
	return out, i, false
}

// dropTrailingCommas blanks each comma outside strings that only
// whitespace separates from a closing bracket. Each look-ahead stops at
// the next non-space byte, so the whole pass is linear.
func dropTrailingCommas(b []byte) {
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inStr:
			inStr, esc = stringByte(c, esc)
		case c == '"':
			inStr = true
		case c == ',':
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				b[i] = ' '
			}
		}
	}
}

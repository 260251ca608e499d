package launch

import (
	"unicode/utf8"
)

// jsonc turns JSONC (// and /* */ comments, and with trailing true,
// trailing commas) into JSON that parses to the same value, each comment
// character and each dropped comma replaced by one space (line breaks
// kept), so that lines and columns (counted in characters) stay where they
// were. It is linear. An unterminated block comment is an error at its
// start.
func jsonc(src []byte, trailing bool) ([]byte, *Pos) {
	out := make([]byte, 0, len(src))
	line, col := 1, 1
	inStr, esc := false, false
	for i := 0; i < len(src); {
		c := src[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			out = append(out, c)
			i++
			col++
			if c == '\n' {
				line, col = line+1, 1
			}
			continue
		}
		switch {
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
			start := Pos{Line: line, Col: col}
			out = append(out, ' ', ' ')
			i += 2
			for {
				if i >= len(src) {
					return nil, &start
				}
				if src[i] == '*' && i+1 < len(src) && src[i+1] == '/' {
					out = append(out, ' ', ' ')
					i += 2
					break
				}
				if src[i] == '\n' {
					out = append(out, '\n')
					line++
					i++
					continue
				}
				_, n := utf8.DecodeRune(src[i:])
				out = append(out, ' ')
				i += n
			}
			continue
		case c == '\n':
			line, col = line+1, 0
		}
		out = append(out, c)
		i++
		col++
	}
	if trailing {
		dropTrailingCommas(out)
	}
	return out, nil
}

// dropTrailingCommas blanks each comma outside strings that only
// whitespace separates from a closing bracket. Each look-ahead stops at
// the next non-space byte, so the whole pass is linear.
func dropTrailingCommas(b []byte) {
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case ',':
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

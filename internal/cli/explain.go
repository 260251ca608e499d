package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/lint"
	"github.com/razukc/capgate-action/report"
)

// explain is lint.Explain: the position to report ce at and a hint.
func explain(src []byte, ce *compiler.Error, capText string) (compiler.Pos, string) {
	return lint.Explain(src, ce, capText)
}

// sanitize makes text from a manifest safe for one terminal line: control
// characters, line and paragraph separators, bidirectional overrides and
// invalid UTF-8 are written as escapes (\n, \x1b, \u202e), and so are the
// zero-width characters the diff's reports escape (report.Invisible), so a
// message can neither span lines, rewrite the terminal nor hide text.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError || (r >= 0x80 && r < 0xa0) || isBidiOrSep(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case (r >= 0x80 && r < 0xa0) || isBidiOrSep(r):
			b.WriteString(uEscape(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// uEscape is r as \u202e, or as \u{e0041} beyond U+FFFF, where
// \ue0041 would read as U+E004 and a 1.
func uEscape(r rune) string {
	if r > 0xffff {
		return fmt.Sprintf(`\u{%x}`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

func isBidiOrSep(r rune) bool {
	return report.Invisible(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 || r == 0x200e || r == 0x200f || r == 0x061c
}

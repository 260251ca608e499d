package action

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/razukc/capgate-action/report"
)

// safeLog is the writer of the action's workflow commands. Each command
// is escaped for the workflow-command syntax by githubactions (%, CR, LF
// in the message; also : and , in properties), and the texts taken from
// input by report.Term where they are built (annotations); safeLog is the
// net under both: every byte it passes on is printable or a line end, so
// nothing read from a manifest, a launch config, an error or an API answer
// can send an escape sequence to a log viewer or hide itself. It writes
// control characters but LF (C0, DEL, C1) and invalid bytes as \x1b,
// line and paragraph separators and invisible characters (see
// report.Invisible) as \u202e; a backslash stays as it is (texts escaped
// by Term already carry theirs).
type safeLog struct{ w io.Writer }

func (s *safeLog) Write(p []byte) (int, error) {
	if !needsEscape(p) {
		return s.w.Write(p)
	}
	b := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b = fmt.Appendf(b, `\x%02x`, p[i])
		case logControl(r):
			b = fmt.Appendf(b, `\x%02x`, r)
		case r > 0xffff && report.Invisible(r):
			b = fmt.Appendf(b, `\u{%x}`, r)
		case logInvisible(r):
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = append(b, p[i:i+n]...)
		}
		i += n
	}
	if _, err := s.w.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// logControl reports whether r is a control character but LF: C0, DEL, C1.
func logControl(r rune) bool {
	return r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f))
}

// logInvisible reports whether r is a line or paragraph separator or an
// invisible character (report.Invisible).
func logInvisible(r rune) bool { return r == '\u2028' || r == '\u2029' || report.Invisible(r) }

// needsEscape reports whether safeLog changes anything in p.
func needsEscape(p []byte) bool {
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		if (r == utf8.RuneError && n <= 1) || logControl(r) || logInvisible(r) {
			return true
		}
		i += n
	}
	return false
}

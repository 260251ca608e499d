// Package report renders a diff.Result as Markdown (the PR comment), JSON,
// SARIF 2.1.0 and plain text. Everything that comes from a manifest is
// treated as hostile: it is escaped for the format it lands in.
package report

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/rangetable"
)

// Invisible reports whether r is a character that shows as nothing or
// changes how the text around it shows: a format character (general
// category Cf: bidirectional controls, zero-width characters, U+FFF9–U+FFFB,
// the tag characters U+E0001 and U+E0020–U+E007F, which can spell hidden
// instructions to an LLM reviewer), a Default_Ignorable_Code_Point (the
// Hangul fillers, U+034F, unassigned U+E0000–U+E0FFF), or a variation
// selector. Every format shows these escaped, as \u202e or, beyond the
// Basic Multilingual Plane, \u{e0041} (JSON: a surrogate pair, \udb40\udc41).
// The set is invisibleTable, built from Go's Unicode tables.
func Invisible(r rune) bool {
	return r >= 0xad && unicode.Is(invisibleTable, r)
}

// invisibleTable is Invisible's set, derived from the Unicode properties in
// Go's unicode package (Unicode unicode.Version): Cf, Variation_Selector,
// Other_Default_Ignorable_Code_Point (which with the first two holds every
// Default_Ignorable_Code_Point) and the whole tag block U+E0000–U+E007F.
// TestInvisibleTable checks it code point by code point against the
// properties.
var invisibleTable = rangetable.Merge(unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point,
	&unicode.RangeTable{R32: []unicode.Range32{{Lo: 0xe0000, Hi: 0xe007f, Stride: 1}}})

// uEscape is the visible form of an invisible character: \u202e, or
// \u{e0041} beyond U+FFFF, where four hex digits would read as another
// character followed by a digit.
func uEscape(r rune) string {
	if r > 0xffff {
		return fmt.Sprintf(`\u{%x}`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// jsonEscape is the JSON escape of r: \u202e, or a surrogate pair beyond
// U+FFFF (\udb40\udc41), so that the decoded text is unchanged.
func jsonEscape(r rune) string {
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		return fmt.Sprintf(`\u%04x\u%04x`, hi, lo)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// Term renders untrusted text for a terminal, on one line: control
// characters (C0, DEL, C1, so escape sequences too) as \x1b, invalid UTF-8
// bytes as \xff, line and paragraph separators and invisible characters (see
// Invisible) as \u2028 and \u202e, and a backslash
// as \\, so that nothing in it can move the cursor, set the clipboard,
// start a new line or hide itself.
func Term(s string) string {
	if !strings.ContainsFunc(s, termEscaped) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case termControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == '\u2028' || r == '\u2029' || Invisible(r):
			b.WriteString(uEscape(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// termControl reports whether r is a control character: C0, DEL or C1.
func termControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }

// termEscaped reports whether Term may write r (a rune as ranging over
// a string gives it: utf8.RuneError for an invalid byte) otherwise than
// as it is.
func termEscaped(r rune) bool {
	return termControl(r) || r == '\\' || r == utf8.RuneError || r == '\u2028' || r == '\u2029' || Invisible(r)
}

// visibleBody makes a fenced block's body safe to show literally:
// invisible characters (see Invisible) as \u202e, control characters but
// newline and tab as \x1b.
func visibleBody(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || Invisible(r)
	}) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Invisible(r):
			b.WriteString(uEscape(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// JSONVisible is jsonVisible for other JSON outputs (capgate lint):
// invisible characters (see Invisible) in encoded JSON become \u escapes.
func JSONVisible(b []byte) []byte { return jsonVisible(b) }

// jsonVisible rewrites invisible characters (see Invisible) in encoded JSON
// as \u escapes: the data is the same, but a reader of the file sees them.
// They can only occur inside JSON strings, where the escape is valid.
func jsonVisible(b []byte) []byte {
	// Every invisible character is beyond ASCII: most reports have no
	// byte to decode.
	if !hasNonASCII(b) || !bytes.ContainsFunc(b, Invisible) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if Invisible(r) {
			out = append(out, jsonEscape(r)...)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// hasNonASCII reports whether b holds a byte beyond ASCII.
func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// URI renders a slash-separated relative path as an RFC 3986 relative
// reference: every byte but the unreserved characters and "/" is
// percent-encoded.
func URI(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// Text renders untrusted text as inert Markdown inline content, fit for a
// table cell, a list item or a summary line: no HTML, no links, no
// @-mentions or issue references, no emphasis, no way out of a table or a
// code span.
func Text(s string) string { return mdText(s, false) }

// mdText is Text; with names, a line end or a tab is shown escaped (\x0a)
// as Term shows it, not as a space: in a name (Code's fallback) a newline
// and a space are different names.
func mdText(s string, names bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		raw := s[i]
		i += n
		switch {
		case !names && (r == '\n' || r == '\r' || r == '\t'):
			b.WriteByte(' ')
		case visibleEscape(&b, r, n, raw):
		case htmlEntity(&b, r):
		case r == '#':
			// GitHub links "#123" in text (and marks the issue as
			// mentioned by capgate): a zero-width space stops it.
			b.WriteString("\\#\u200b")
		case strings.ContainsRune("\\`*_[](){}+-!|~\"'=$%^", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	// Break GFM's autolinks ("https://x", "www.x") with zero-width spaces
	// that a reader does not see.
	out = strings.ReplaceAll(out, "://", ":\u200b//")
	return strings.ReplaceAll(out, "www.", "www\u200b.")
}

// visibleEscape writes, for Text and HTMLCode, the visible escape of a
// rune a reader could not otherwise see, and reports whether it wrote
// anything: a control character as \x1b, an invalid UTF-8 byte (raw, when
// the rune decoded from n <= 1 bytes is RuneError) as \xed, a line or
// paragraph separator or an invisible character (see Invisible) as \u2028.
// The same forms as Term, so a terminal and a comment show one thing.
func visibleEscape(b *strings.Builder, r rune, n int, raw byte) bool {
	switch {
	case r == utf8.RuneError && n <= 1:
		fmt.Fprintf(b, `\x%02x`, raw)
	case unicode.IsControl(r):
		fmt.Fprintf(b, `\x%02x`, r)
	case r == '\u2028' || r == '\u2029' || Invisible(r):
		b.WriteString(uEscape(r))
	default:
		return false
	}
	return true
}

// htmlEntity writes r as an HTML entity when it is <, > or &, and @ with a
// zero-width space after it (which stops GitHub from mentioning), and
// reports whether it wrote anything.
func htmlEntity(b *strings.Builder, r rune) bool {
	switch r {
	case '<':
		b.WriteString("&lt;")
	case '>':
		b.WriteString("&gt;")
	case '&':
		b.WriteString("&amp;")
	case '@':
		b.WriteString("@\u200b")
	default:
		return false
	}
	return true
}

// Code renders untrusted text as a code span that nothing can close early.
// Backslash escapes do not work inside code spans, so the text is escaped
// as plain text instead when it holds a backtick or a pipe, or anything
// Text shows escaped (a control or invisible character, a line separator,
// an invalid byte); a line end or a tab in it is shown as \x0a, as Term
// shows it.
func Code(s string) string {
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`|\n\r<>&@") || strings.ContainsFunc(s, unicode.IsControl) || strings.ContainsFunc(s, Invisible) || strings.ContainsAny(s, "\u2028\u2029") || !utf8.ValidString(s) {
		return mdText(s, true)
	}
	return "`" + s + "`"
}

// HTMLCode renders untrusted text as an HTML <code> element, for places
// where Markdown is not parsed (inside <summary>).
func HTMLCode(s string) string {
	var b strings.Builder
	b.WriteString("<code>")
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		raw := s[i]
		i += n
		switch {
		case r == '"':
			b.WriteString("&quot;")
		case htmlEntity(&b, r):
		case visibleEscape(&b, r, n, raw):
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString("</code>")
	return b.String()
}

// Fence returns a code fence longer than any run of backticks in body, so
// body cannot close the block.
func Fence(body string) string {
	longest, run := 0, 0
	for _, r := range body {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// SARIFText is msg, a SARIF result's message text whose parts from input
// went through Term, with every square bracket escaped (\[ and \]). SARIF
// 2.1.0 §3.11.6 reads "[text](target)" in a plain-text message as an
// embedded link, to a related location or a URI, and asks for literal
// brackets to be escaped: a manifest's "[docs](https://…)" must show as
// text in code scanning, not as a link. Term has doubled every backslash
// from input, so each added backslash escapes its bracket whether or not a
// consumer also reads \\ as one backslash.
func SARIFText(msg string) string {
	if !strings.ContainsAny(msg, "[]") {
		return msg
	}
	var b strings.Builder
	b.Grow(len(msg) + 8)
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c == '[' || c == ']' {
			b.WriteByte('\\')
		}
		b.WriteByte(msg[i])
	}
	return b.String()
}

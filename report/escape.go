// Package report renders a diff.Result as Markdown (the PR comment), JSON,
// SARIF 2.1.0 and plain text. Everything that comes from a manifest is
// treated as hostile: it is escaped for the format it lands in.
package report

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Invisible reports whether r is a bidirectional control or a zero-width
// character: text that reorders or hides what a reader sees (Trojan Source).
// Every format shows these escaped, as \u202e.
func Invisible(r rune) bool {
	switch {
	case r == '\u061c', r == '\u180e', r == '\u00ad', r == '\ufeff',
		r >= '\u200b' && r <= '\u200f',
		r >= '\u202a' && r <= '\u202e',
		r >= '\u2060' && r <= '\u2064',
		r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

func uEscape(r rune) string { return fmt.Sprintf(`\u%04x`, r) }

// Term renders untrusted text for a terminal, on one line: control
// characters (C0, DEL, C1, so escape sequences too) as \x1b, invalid UTF-8
// bytes as \xff, bidi and zero-width characters as \u202e, and a backslash
// as \\, so that nothing in it can move the cursor, set the clipboard,
// start a new line or hide itself.
func Term(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError || Invisible(r) {
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
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Invisible(r):
			b.WriteString(uEscape(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// visibleBody makes a fenced block's body safe to show literally: bidi and
// zero-width characters as \u202e, control characters but newline and tab
// as \x1b.
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

// JSONVisible is jsonVisible for other JSON outputs (capgate lint): bidi
// and zero-width characters in encoded JSON become \u escapes.
func JSONVisible(b []byte) []byte { return jsonVisible(b) }

// jsonVisible rewrites bidi and zero-width characters in encoded JSON as
// \u escapes: the data is the same, but a reader of the file sees them.
// They can only occur inside JSON strings, where the escape is valid.
func jsonVisible(b []byte) []byte {
	if !bytes.ContainsFunc(b, Invisible) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if Invisible(r) {
			out = append(out, uEscape(r)...)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
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
// @-mentions, no emphasis, no way out of a table or a code span.
func Text(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteRune('\uFFFD')
		case Invisible(r):
			b.WriteString(uEscape(r))
		case htmlEntity(&b, r):
		case strings.ContainsRune("\\`*_[](){}#+-!|~\"'=$%^", r):
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
// as plain text instead when it holds a backtick or a pipe.
func Code(s string) string {
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`|\n\r<>&@") || strings.ContainsFunc(s, unicode.IsControl) || strings.ContainsFunc(s, Invisible) {
		return Text(s)
	}
	return "`" + s + "`"
}

// HTMLCode renders untrusted text as an HTML <code> element, for places
// where Markdown is not parsed (inside <summary>).
func HTMLCode(s string) string {
	var b strings.Builder
	b.WriteString("<code>")
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString("&quot;")
		case htmlEntity(&b, r):
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteRune('\uFFFD')
		case Invisible(r):
			b.WriteString(uEscape(r))
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

// Package report renders a diff.Result as Markdown (the PR comment), JSON,
// SARIF 2.1.0 and plain text. Everything that comes from a manifest is
// treated as hostile: it is escaped for the format it lands in.
package report

import (
	"strings"
	"unicode"
)

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
	if strings.ContainsAny(s, "`|\n\r<>&@") || strings.ContainsFunc(s, unicode.IsControl) {
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

// Package diag is the one diagnostic of the module: a message with a code,
// a severity and a place in a file, formatted one way
// ("path:line:col: message [code]") and positioned one way (jsonx.PosAt).
// Compilation errors, lint findings, lock errors, launch config errors and
// the problems of a diff all become a Diagnostic to be printed.
package diag

import (
	"fmt"

	"github.com/razukc/capgate-action/internal/jsonx"
)

// Severity is how much a diagnostic matters. Its text is its name; the
// zero value is SeverityError, so a diagnostic that says nothing else
// fails closed.
type Severity uint8

// The severities, most important first.
const (
	SeverityError Severity = iota
	SeverityWarning
	SeverityNote
)

var severityNames = [...]string{"error", "warning", "note"}

// String returns the severity's name ("error", "warning" or "note").
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler; it refuses an unknown
// severity.
func (s Severity) MarshalText() ([]byte, error) {
	if int(s) >= len(severityNames) {
		return nil, fmt.Errorf("diag: unknown severity %d", uint8(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if string(b) == n {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("diag: unknown severity %q", b)
}

// Diagnostic is one positioned message. Line and Col are 1-based (Col
// counts characters); 0 means the diagnostic has no place, and String
// then points at 1:1. Its JSON is the shape of a problem in capgate's
// JSON report (code, message, hint, line, col); Path and Severity are
// not part of it.
type Diagnostic struct {
	// Path is the file, as the diagnostic names it.
	Path string `json:"-"`
	// Code is the error code or the lint rule id.
	Code string `json:"code"`
	// Message says what is wrong, without the code.
	Message string `json:"message"`
	// Hint says what to change; "" when there is nothing to add.
	Hint string `json:"hint,omitempty"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
	// Offset is the byte offset of the place in the file (for ordering
	// diagnostics and finding what stands there); 0 when it has no place.
	Offset   int      `json:"-"`
	Severity Severity `json:"-"`
}

// At returns a diagnostic of path placed at byte offset off of src, the
// one way an offset becomes a line and column (jsonx.PosAt).
func At(path string, src []byte, off int, code, message string) Diagnostic {
	return Placed(path, jsonx.PosAt(src, off), code, message)
}

// Placed returns a diagnostic of path at p, a position computed by
// jsonx.PosAt (or by a Index or the JSON parser, which agree with it).
func Placed(path string, p jsonx.Pos, code, message string) Diagnostic {
	return Diagnostic{Path: path, Code: code, Message: message, Line: p.Line, Col: p.Col, Offset: p.Offset}
}

// Pos is the diagnostic's place as a jsonx.Pos.
func (d Diagnostic) Pos() jsonx.Pos { return jsonx.Pos{Offset: d.Offset, Line: d.Line, Col: d.Col} }

// Place moves d to p.
func (d *Diagnostic) Place(p jsonx.Pos) { d.Line, d.Col, d.Offset = p.Line, p.Col, p.Offset }

// String formats d as "path:line:col: message [code]". A diagnostic
// without a place (Line or Col below 1) is shown at 1:1.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s [%s]", d.Path, max(d.Line, 1), max(d.Col, 1), d.Message, d.Code)
}

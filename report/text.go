package report

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
)

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// PlainText renders r for a terminal: the sides compared, the verdict and
// the next step under g (Judgement.PlainVerdict), then one line a change
// as "path:line:col: severity kind [target]: before -> after: why", loud
// changes first. Everything from a manifest is escaped (Term): no control
// character, escape sequence or newline of it reaches the terminal, so every
// line is one finding.
func PlainText(r *diff.Result, g Gate) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "capgate diff: base %s, head %s\n", Term(r.Base), Term(r.Head))
	b.WriteString(Judge(r, g).PlainVerdict())
	line := func(m diff.ManifestDiff, c diff.Change) {
		p := m.Path
		if c.Side == diff.SideBase {
			p = basePath(m)
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s %s [%s]: %s -> %s: %s%s\n", Term(p), max(c.Line, 1), max(c.Col, 1), c.Severity, Term(string(c.Kind)), Term(string(c.Target)), Term(orNone(c.Before)), Term(orNone(c.After)), Term(c.Why), approvedSuffix(m, c))
	}
	for _, m := range r.Manifests {
		for _, c := range m.Changes {
			if c.Loud {
				line(m, c)
			}
		}
	}
	for _, m := range r.Manifests {
		if m.BasePath != "" {
			fmt.Fprintf(&b, "%s: note: renamed %s → %s\n", Term(m.Path), Term(m.BasePath), Term(m.Path))
		}
		if m.Error != nil {
			d := *m.Error
			d.Path, d.Message, d.Code = Term(m.Path), "error: "+Term(d.Message), Term(d.Code)
			fmt.Fprintln(&b, d)
		}
		if m.BaseError != nil {
			fmt.Fprintf(&b, "%s: note: base version did not compile (%s: %s); compared with nothing\n", Term(basePath(m)), Term(m.BaseError.Code), Term(m.BaseError.Message))
		}
		for _, c := range m.Changes {
			if !c.Loud {
				line(m, c)
			}
		}
	}
	return []byte(b.String())
}

// approvedSuffix marks a widened change of a manifest the lock approves.
func approvedSuffix(m diff.ManifestDiff, c diff.Change) string {
	if m.Approved && c.Severity == diff.Widened {
		return " (approved by the lock)"
	}
	return ""
}

func basePath(m diff.ManifestDiff) string {
	if m.BasePath != "" {
		return m.BasePath
	}
	return m.Path
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

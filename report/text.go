package report

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
)

// Verdict is the one-line summary every format starts with. Loud changes
// (host control) come first, and a base that did not compile is named: its
// head was compared with nothing.
func Verdict(r *diff.Result) string {
	c := r.Counts
	var parts []string
	if c.Loud > 0 {
		parts = append(parts, plural(c.Loud, "loud change hands over host control", "loud changes hand over host control"))
	}
	if c.Widened > 0 {
		parts = append(parts, plural(c.Widened, "capability widened", "capabilities widened"))
	}
	if c.UnenforceableAdded > 0 {
		parts = append(parts, plural(c.UnenforceableAdded, "new unenforceable entry", "new unenforceable entries"))
	}
	moved := 0
	for _, m := range r.Manifests {
		if m.Error != nil && m.Error.Code == diff.CodeMoved {
			moved++
		}
	}
	if c.Errors > moved {
		parts = append(parts, plural(c.Errors-moved, "manifest failed to compile", "manifests failed to compile"))
	}
	if moved > 0 {
		parts = append(parts, plural(moved, "manifest moved out of the patterns", "manifests moved out of the patterns"))
	}
	if c.BaseErrors > 0 {
		parts = append(parts, plural(c.BaseErrors, "base manifest did not compile (head compared with nothing)", "base manifests did not compile (heads compared with nothing)"))
	}
	if c.Narrowed > 0 {
		parts = append(parts, plural(c.Narrowed, "narrowed", "narrowed"))
	}
	if c.Changed > 0 {
		parts = append(parts, plural(c.Changed, "other change", "other changes"))
	}
	head := "no change to what any server may reach"
	switch {
	case c.Loud > 0:
		head = "this change hands servers control of the host"
	case c.Errors > moved:
		head = "the head does not compile"
	case moved > 0:
		head = "manifests moved out of the patterns cannot be judged"
	case c.Widened > 0:
		head = "this change widens what servers may reach"
	case c.UnenforceableAdded > 0:
		head = "new entries the sandbox cannot enforce"
	case c.Narrowed > 0 || c.Changed > 0 || c.BaseErrors > 0:
		head = "no widening"
	}
	if len(parts) == 0 {
		return head
	}
	return head + ": " + strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// PlainText renders r for a terminal: the verdict, then one line a change
// as "path:line:col: severity kind [target]: before -> after: why", loud
// changes first. Everything from a manifest is escaped (Term): no control
// character, escape sequence or newline of it reaches the terminal, so every
// line is one finding.
func PlainText(r *diff.Result) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "capgate diff %s..%s: %s\n", Term(r.Base), Term(r.Head), Verdict(r))
	line := func(m diff.ManifestDiff, c diff.Change) {
		p := m.Path
		if c.Side == "base" {
			p = basePath(m)
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s %s [%s]: %s -> %s: %s%s\n", Term(p), max(c.Line, 1), max(c.Col, 1), c.Severity, Term(c.Kind), Term(c.Target), Term(orNone(c.Before)), Term(orNone(c.After)), Term(c.Why), approvedSuffix(m, c))
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
			fmt.Fprintf(&b, "%s:%d:%d: error: %s [%s]\n", Term(m.Path), max(m.Error.Line, 1), max(m.Error.Col, 1), Term(m.Error.Message), Term(m.Error.Code))
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

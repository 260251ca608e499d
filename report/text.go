package report

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
)

// Verdict is the one-line summary every format starts with.
func Verdict(r *diff.Result) string {
	c := r.Counts
	var parts []string
	if c.Widened > 0 {
		parts = append(parts, plural(c.Widened, "capability widened", "capabilities widened"))
	}
	if c.UnenforceableAdded > 0 {
		parts = append(parts, plural(c.UnenforceableAdded, "new unenforceable entry", "new unenforceable entries"))
	}
	if c.Errors > 0 {
		parts = append(parts, plural(c.Errors, "manifest failed to compile", "manifests failed to compile"))
	}
	if c.Narrowed > 0 {
		parts = append(parts, plural(c.Narrowed, "narrowed", "narrowed"))
	}
	if c.Changed > 0 {
		parts = append(parts, plural(c.Changed, "other change", "other changes"))
	}
	head := "no change to what any server may reach"
	switch {
	case c.Errors > 0:
		head = "the head does not compile"
	case c.Widened > 0:
		head = "this change widens what servers may reach"
	case c.UnenforceableAdded > 0:
		head = "new entries the sandbox cannot enforce"
	case c.Narrowed > 0 || c.Changed > 0:
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
// as "path:line:col: severity kind [target]: before -> after: why".
func PlainText(r *diff.Result) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "capgate diff %s..%s: %s\n", r.Base, r.Head, Verdict(r))
	for _, m := range r.Manifests {
		if m.Error != nil {
			fmt.Fprintf(&b, "%s:%d:%d: error: %s [%s]\n", m.Path, max(m.Error.Line, 1), max(m.Error.Col, 1), m.Error.Message, m.Error.Code)
		}
		if m.BaseError != nil {
			fmt.Fprintf(&b, "%s: note: base version did not compile (%s: %s); compared with nothing\n", basePath(m), m.BaseError.Code, m.BaseError.Message)
		}
		for _, c := range m.Changes {
			p := m.Path
			if c.Side == "base" {
				p = basePath(m)
			}
			fmt.Fprintf(&b, "%s:%d:%d: %s %s [%s]: %s -> %s: %s%s\n", p, max(c.Line, 1), max(c.Col, 1), c.Severity, c.Kind, c.Target, orNone(c.Before), orNone(c.After), c.Why, approvedSuffix(m, c))
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

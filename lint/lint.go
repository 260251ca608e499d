// Package lint finds capabilities that compile but do not mean what they
// say: each Rule has a stable id, and every finding carries the position of
// the capability string that caused it.
package lint

import (
	"fmt"
	"slices"
	"sort"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/diag"
)

// Finding is one warning: the module's diagnostic (package diag), whose
// code is the rule's id and whose severity is a warning, or a note for a
// Note rule, with the capability string it is about. Its Path is empty
// (lint reads bytes, not files; see Diag). A rule's check leaves the
// code and severity to Manifest and Keys, which give every finding its
// rule's.
type Finding struct {
	diag.Diagnostic
	// Cap is the capability string the finding is about.
	Cap string
}

// Diag returns f as the diagnostic of path.
func (f Finding) Diag(path string) diag.Diagnostic {
	d := f.Diagnostic
	d.Path = path
	return d
}

// Format formats f as "path:line:col: message [rule]".
func (f Finding) Format(path string) string { return f.Diag(path).String() }

// severity is the severity of r's findings.
func (r *Rule) severity() diag.Severity {
	if r.Note {
		return diag.SeverityNote
	}
	return diag.SeverityWarning
}

// stamp gives each of fs r's id and severity.
func (r *Rule) stamp(fs []Finding) []Finding {
	for i := range fs {
		fs[i].Code, fs[i].Severity = r.ID, r.severity()
	}
	return fs
}

// Rule is one lint check.
type Rule struct {
	// ID is stable: it is what users grep for and suppress.
	ID string
	// Summary is one line for the rule list.
	Summary string
	// Note marks a rule whose findings are notes: worth knowing, but not
	// something every manifest can or should change, so they do not make
	// capgate lint exit 1.
	Note bool
	// Check inspects one raw capability string; c is its parse, or nil when
	// it does not parse. nested reports whether the manifest turns on
	// nestedSandbox anywhere. It is nil for manifest-key-typo and
	// manifest-duplicate-key, which look at the manifest's keys instead
	// (see Keys). The findings it returns need no code or severity:
	// Manifest gives them the rule's.
	Check func(cs compiler.CapString, c *compiler.Capability, nested bool) []Finding
	// CheckManifest, when not nil, inspects all of a manifest's
	// capability strings at once; parsed[i] is the parse of all[i], or
	// nil. It is for rules about how capabilities combine.
	CheckManifest func(all []compiler.CapString, parsed []*compiler.Capability) []Finding
}

// rules lists every rule, in the order they are documented.
var rules = []Rule{
	portJunkRule,
	fsFileParentRule,
	hostWildcardRule,
	hostMixedScriptRule,
	hostNotASCIIRule,
	execNoDevRule,
	ipcUnquotedRule,
	tmpBindRule,
	keyTypoRule,
	duplicateKeyRule,
	privateNameRule,
	publicAddressRule,
	readMadeWritableRule,
}

// Rules returns every rule, in the order they are documented (a copy: a
// caller cannot change the rules lint runs).
func Rules() []Rule { return slices.Clone(rules) }

// Lookup returns the rule with id, and whether there is one.
func Lookup(id string) (Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Manifest lints a parsed manifest. Capability strings that fail to parse
// are still checked by the rules that look at raw text.
func Manifest(m *compiler.Manifest) []Finding {
	all := m.AllCaps()
	parsed := make([]*compiler.Capability, len(all))
	nested := false
	for i, cs := range all {
		if c, err := compiler.ParseCapability(cs); err == nil {
			parsed[i] = c
			nested = nested || c.NestedSandbox
		}
	}
	var out []Finding
	for _, r := range rules {
		if r.Check != nil {
			for i, cs := range all {
				out = append(out, r.stamp(r.Check(cs, parsed[i], nested))...)
			}
		}
		if r.CheckManifest != nil {
			out = append(out, r.stamp(r.CheckManifest(all, parsed))...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out
}

// finding is a rule's one finding about cs; Manifest gives it the rule's
// id and severity.
func finding(cs compiler.CapString, format string, args ...any) []Finding {
	return []Finding{{Diagnostic: diag.Placed("", cs.Pos, "", fmt.Sprintf(format, args...)), Cap: cs.Text}}
}

// RuleLaunchExceedsManifest is the rule of a launch config entry (package
// launch) that grants more than the manifest of the server it runs
// (capgate lint on a directory; see docs/lint.md).
const RuleLaunchExceedsManifest = "launch-exceeds-manifest"

// LaunchSummary is the rule list's line for RuleLaunchExceedsManifest.
const LaunchSummary = "a launch config entry grants more than the manifest of the server it runs"

// Package lint finds capabilities that compile but do not mean what they
// say: each Rule has a stable id, and every finding carries the position of
// the capability string that caused it.
package lint

import (
	"fmt"
	"sort"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/diag"
)

// Finding is one warning.
type Finding struct {
	Rule    string
	Message string
	Pos     compiler.Pos
	// Cap is the capability string the finding is about.
	Cap string
}

// Diag returns f as the module's diagnostic of path: its rule is the
// code, and its severity is a warning, or a note for a Note rule.
func (f Finding) Diag(path string) diag.Diagnostic {
	sev := diag.SeverityWarning
	if r := Lookup(f.Rule); r != nil && r.Note {
		sev = diag.SeverityNote
	}
	return diag.Diagnostic{Path: path, Code: f.Rule, Message: f.Message, Line: f.Pos.Line, Col: f.Pos.Col, Severity: sev}
}

// Format formats f as "path:line:col: message [rule]".
func (f Finding) Format(path string) string { return f.Diag(path).String() }

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
	// (see Keys).
	Check func(cs compiler.CapString, c *compiler.Capability, nested bool) []Finding
	// CheckManifest, when not nil, inspects all of a manifest's
	// capability strings at once; parsed[i] is the parse of all[i], or
	// nil. It is for rules about how capabilities combine.
	CheckManifest func(all []compiler.CapString, parsed []*compiler.Capability) []Finding
}

// Rules lists every rule, in the order they are documented.
var Rules = []Rule{
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

// Lookup returns the rule with id, or nil.
func Lookup(id string) *Rule {
	for i := range Rules {
		if Rules[i].ID == id {
			return &Rules[i]
		}
	}
	return nil
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
	for _, r := range Rules {
		if r.Check != nil {
			for i, cs := range all {
				out = append(out, r.Check(cs, parsed[i], nested)...)
			}
		}
		if r.CheckManifest != nil {
			out = append(out, r.CheckManifest(all, parsed)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Offset < out[j].Pos.Offset })
	return out
}

func finding(rule string, cs compiler.CapString, format string, args ...any) []Finding {
	return []Finding{{Rule: rule, Message: fmt.Sprintf(format, args...), Pos: cs.Pos, Cap: cs.Text}}
}

// RuleLaunchExceedsManifest is the rule of a launch config entry (package
// launch) that grants more than the manifest of the server it runs
// (capgate lint on a directory; see docs/lint.md).
const RuleLaunchExceedsManifest = "launch-exceeds-manifest"

// LaunchSummary is the rule list's line for RuleLaunchExceedsManifest.
const LaunchSummary = "a launch config entry grants more than the manifest of the server it runs"

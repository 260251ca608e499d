package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/lint"
	"github.com/razukc/capgate-action/report"
)

// Severities of a lint finding: the diagnostic's, whose text is "error",
// "warning" or "note".
const (
	severityError   = diag.SeverityError
	severityWarning = diag.SeverityWarning
	severityNote    = diag.SeverityNote
)

// ruleUnreadable is the rule of a finding for a path that cannot be read.
const ruleUnreadable = "unreadable"

// unreadable is the finding of a path that cannot be read, msg saying why.
func unreadable(path, msg string) finding {
	return finding{diag.Diagnostic{Path: path, Severity: severityError, Code: ruleUnreadable, Message: msg}}
}

// finding is one result of capgate lint, the module's diagnostic: a
// compile error (its code is the error code), a lint warning (its code is
// the lint rule id), or a path that cannot be read (ruleUnreadable).
type finding struct {
	diag.Diagnostic
}

// MarshalJSON writes f as capgate lint's JSON finding: path, line, column,
// severity, rule, message and hint.
func (f finding) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path     string        `json:"path"`
		Line     int           `json:"line"`
		Column   int           `json:"column"`
		Severity diag.Severity `json:"severity"`
		Rule     string        `json:"rule"`
		Message  string        `json:"message"`
		Hint     string        `json:"hint,omitempty"`
	}{f.Path, f.Line, f.Col, f.Severity, f.Code, f.Message, f.Hint})
}

// text formats f as "path:line:col: message [rule]" (no line:col for a path
// that cannot be read), and its hint on an indented line below.
func (f finding) text() string {
	var b strings.Builder
	b.WriteString(sanitize(f.Path))
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", f.Line, f.Col)
	}
	note := ""
	if f.Severity == severityNote {
		note = "note: "
	}
	fmt.Fprintf(&b, ": %s%s [%s]\n", note, sanitize(f.Message), f.Code)
	if f.Hint != "" {
		fmt.Fprintf(&b, "    hint: %s\n", sanitize(f.Hint))
	}
	return b.String()
}

func (c *Command) lint(args []string) int {
	fs := c.newFlags("lint")
	format := fs.String("format", "text", "output `format`: text, json or sarif")
	var patterns, launchPats, ignore multiFlag
	fs.Var(&patterns, "manifests", "doublestar `pattern` of manifest paths searched for in directories (repeatable; !pattern excludes)")
	fs.Var(&ignore, "ignore", "lint `rule` to leave out (repeatable; compile errors cannot be left out)")
	fs.Var(&launchPats, "launch", "doublestar `pattern` of launch config paths searched for in directories (repeatable; !pattern excludes)")
	noLaunch := fs.Bool("no-launch", false, "hold no launch configs against the manifests")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if err := checkIgnore(ignore); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: --ignore: %v\n", err)
		return ExitUsage
	}
	if len(pos) == 0 {
		fmt.Fprintln(c.Stderr, "capgate: lint takes one or more paths (files or directories; . for this one)")
		return ExitUsage
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(c.Stderr, "capgate: unknown --format %q (want text, json or sarif)\n", *format)
		return ExitUsage
	}
	inputs, err := c.discover(pos, patterns)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	var all []finding
	for _, in := range inputs {
		if in.err != nil {
			all = append(all, unreadable(in.name, in.err.Error()))
			continue
		}
		for _, f := range lintManifest(in.name, in.data) {
			if !slices.Contains(ignore, f.Code) {
				all = append(all, f)
			}
		}
	}
	if !*noLaunch && !slices.Contains(ignore, lint.RuleLaunchExceedsManifest) {
		all = append(all, c.lintLaunch(pos, launchPats, inputs)...)
	}
	code := lintExit(all)
	if _, err := c.Stdout.Write(renderLint(*format, all)); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitRead
	}
	if len(inputs) == 0 {
		fmt.Fprintln(c.Stderr, "capgate: no manifests found")
	}
	return code
}

// lintExit is capgate lint's exit code for the findings: ExitRead for a
// path that cannot be read or a manifest too large to read, else
// ExitUsage for a compile error, else ExitFail for a warning, else ExitOK.
func lintExit(all []finding) int {
	code := ExitOK
	for _, f := range all {
		switch {
		case f.Code == ruleUnreadable, f.Code == compiler.CodeTooLarge:
			code = max(code, ExitRead)
		case f.Severity == severityError:
			code = max(code, ExitUsage)
		case f.Severity == severityWarning:
			code = max(code, ExitFail)
		}
	}
	return code
}

// renderLint writes the findings in format: text, json or sarif.
func renderLint(format string, all []finding) []byte {
	switch format {
	case "json":
		return lintJSON(all)
	case "sarif":
		return lintSARIF(all)
	}
	var b bytes.Buffer
	for _, f := range all {
		b.WriteString(f.text())
	}
	return b.Bytes()
}

// lintManifest reports every compile error of one manifest and every lint
// warning. A manifest that does not decode has one error; one that decodes
// has an error for every capability that does not compile, not only the
// first, as the compiler stops at.
func lintManifest(name string, src []byte) []finding {
	errFinding := func(ce *compiler.Error, capText string) finding {
		pos, hint := explain(src, ce, capText)
		if pos.Line == 0 {
			pos.Line, pos.Col = 1, 1
		}
		d := ce.Diag(name)
		d.Place(pos)
		d.Hint = hint
		return finding{d}
	}
	m, err := compiler.ParseManifest(src)
	if err != nil {
		var ce *compiler.Error
		if !errors.As(err, &ce) {
			return []finding{{diag.Diagnostic{Path: name, Line: 1, Col: 1, Severity: severityError, Code: compiler.CodeParse, Message: err.Error()}}}
		}
		return []finding{errFinding(ce, "")}
	}
	var out []finding
	for _, cs := range m.AllCaps() {
		c, err := compiler.ParseCapability(cs)
		if err == nil {
			err = compiler.CheckSafe(c)
		}
		var ce *compiler.Error
		if errors.As(err, &ce) {
			out = append(out, errFinding(ce, cs.Text))
		}
	}
	if len(out) == 0 {
		// Whatever else the compiler refuses, beyond single capabilities.
		if _, err := compiler.Prepare(src); err != nil {
			var ce *compiler.Error
			if errors.As(err, &ce) {
				out = append(out, errFinding(ce, lint.CapAt(m, ce.Pos())))
			} else {
				out = append(out, finding{diag.Diagnostic{Path: name, Line: 1, Col: 1, Severity: severityError, Code: compiler.CodeParse, Message: err.Error()}})
			}
		}
	}
	for _, f := range append(lint.Manifest(m), lint.Keys(src)...) {
		out = append(out, finding{f.Diag(name)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out
}

// checkIgnore refuses --ignore values that name no lint rule (a typo
// must not look like a clean run) or a compile error's code (a manifest
// that does not compile is never left out).
func checkIgnore(ids []string) error {
	var names []string
	for _, r := range lint.Rules() {
		names = append(names, r.ID)
	}
	for _, id := range ids {
		if _, ok := lint.Lookup(id); ok || id == lint.RuleLaunchExceedsManifest {
			continue
		}
		if strings.ToUpper(id) == id && id != "" {
			return fmt.Errorf("%q is a compile error's code; compile errors cannot be left out", id)
		}
		if s := lint.Suggest(id, names); s != "" {
			return fmt.Errorf("unknown lint rule %q; did you mean %q?", id, s)
		}
		return fmt.Errorf("unknown lint rule %q (the rules are in docs/lint.md)", id)
	}
	return nil
}

type lintCounts struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Notes      int `json:"notes"`
	Unreadable int `json:"unreadable"`
}

func count(all []finding) lintCounts {
	var n lintCounts
	for _, f := range all {
		switch {
		case f.Code == ruleUnreadable:
			n.Unreadable++
		case f.Severity == severityError:
			n.Errors++
		case f.Severity == severityNote:
			n.Notes++
		default:
			n.Warnings++
		}
	}
	return n
}

// lintJSON is {"findings": [...], "counts": {...}}.
func lintJSON(all []finding) []byte {
	if all == nil {
		all = []finding{}
	}
	b, _ := json.MarshalIndent(struct {
		Findings []finding  `json:"findings"`
		Counts   lintCounts `json:"counts"`
	}{all, count(all)}, "", "  ")
	return append(report.JSONVisible(b), '\n')
}

// lintSARIF is a SARIF 2.1.0 log of the findings, for GitHub code scanning.
func lintSARIF(all []finding) []byte {
	type text struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string `json:"id"`
		ShortDescription text   `json:"shortDescription"`
		HelpURI          string `json:"helpUri"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region *region `json:"region,omitempty"`
		} `json:"physicalLocation"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		RuleIndex int        `json:"ruleIndex"`
		Level     string     `json:"level"`
		Message   text       `json:"message"`
		Locations []location `json:"locations"`
	}
	summaries := map[string]string{ruleUnreadable: "a path that cannot be read", lint.RuleLaunchExceedsManifest: lint.LaunchSummary}
	for _, r := range lint.Rules() {
		summaries[r.ID] = r.Summary
	}
	var ids []string
	seen := map[string]bool{}
	for _, f := range all {
		if !seen[f.Code] {
			seen[f.Code] = true
			ids = append(ids, f.Code)
		}
	}
	sort.Strings(ids)
	index := map[string]int{}
	rules := []rule{}
	for i, id := range ids {
		index[id] = i
		r := rule{ID: id, ShortDescription: text{summaries[id]}, HelpURI: "https://github.com/razukc/capgate-action/blob/main/docs/lint.md"}
		if r.ShortDescription.Text == "" {
			r.ShortDescription.Text = "compile error " + id
			r.HelpURI = "https://github.com/razukc/capgate-action/blob/main/docs/errors.md#" + strings.ToLower(id)
		}
		rules = append(rules, r)
	}
	results := []result{}
	for _, f := range all {
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = (&url.URL{Path: f.Path}).EscapedPath()
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &region{f.Line, f.Col}
		}
		msg := report.Term(f.Message)
		if f.Hint != "" {
			msg += " (" + report.Term(f.Hint) + ")"
		}
		results = append(results, result{RuleID: f.Code, RuleIndex: index[f.Code], Level: f.Severity.String(),
			Message: text{report.SARIFText(msg)}, Locations: []location{loc}})
	}
	type driver struct {
		Name           string `json:"name"`
		Version        string `json:"version"`
		InformationURI string `json:"informationUri"`
		Rules          []rule `json:"rules"`
	}
	type run struct {
		Tool struct {
			Driver driver `json:"driver"`
		} `json:"tool"`
		Results []result `json:"results"`
	}
	var r run
	r.Tool.Driver = driver{"capgate", Version, "https://github.com/razukc/capgate-action", rules}
	r.Results = results
	log := struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []run  `json:"runs"`
	}{"https://json.schemastore.org/sarif-2.1.0.json", "2.1.0", []run{r}}
	b, _ := json.MarshalIndent(log, "", "  ")
	return append(b, '\n')
}

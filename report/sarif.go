package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/razukc/capgate-action/diff"
)

// SARIF rule ids.
const (
	RuleWidened       = "capgate/widened"
	RuleUnenforceable = "capgate/unenforceable-added"
	RuleError         = "capgate/compile-error"
	RuleHostControl   = "capgate/host-control"
)

// Security severities, as GitHub code scanning ranks them (9.0 and above
// critical, 7.0 high, 4.0 medium, below that low).
const (
	severityHostControl   = "9.5"
	severityWidened       = "7.0"
	severityError         = "5.0"
	severityUnenforceable = "4.0"
	severityApproved      = "1.0"
)

type sarifRule struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	ShortDescription sarifText         `json:"shortDescription"`
	FullDescription  sarifText         `json:"fullDescription"`
	Help             sarifText         `json:"help"`
	DefaultConfig    map[string]string `json:"defaultConfiguration"`
	Properties       sarifProps        `json:"properties"`
}

// sarifProps are the properties code scanning reads: the security
// severity it ranks by, and the tags (security, for the severity to show).
type sarifProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifProps        `json:"properties"`
	loud                bool
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

var sarifRules = []sarifRule{
	{ID: RuleWidened, Name: "WidenedCapability",
		ShortDescription: sarifText{"A change lets an MCP server reach more than before"},
		FullDescription:  sarifText{"The compiled sandbox policy of the head grants something no grant of the base covers: a new or writable mount, a new egress destination, a new environment variable, program, IPC endpoint, clock source, nested sandbox, or a dropped assertion."},
		Help:             sarifText{"Review the widened capability. If it is intended, approve it: capgate approve and commit capgate.lock, or the capgate:approve-widening label in the action."},
		DefaultConfig:    map[string]string{"level": "warning"},
		Properties:       sarifProps{severityWidened, []string{"security"}}},
	{ID: RuleUnenforceable, Name: "NewUnenforceableEntry",
		ShortDescription: sarifText{"A new egress rule that a target cannot enforce"},
		FullDescription:  sarifText{"A target lists a new entry in unenforceable[]: a declared rule that its sandbox grants more widely than declared (the excess named) or will not hold."},
		Help:             sarifText{"Compile the rule for a target that can enforce it, or pin it to addresses."},
		DefaultConfig:    map[string]string{"level": "note"},
		Properties:       sarifProps{severityUnenforceable, []string{"security"}}},
	{ID: RuleError, Name: "ManifestDoesNotCompile",
		ShortDescription: sarifText{"A manifest cannot be read, parsed or compiled"},
		FullDescription:  sarifText{"The head version of a manifest fails to compile, so no policy can be derived from it; capgate fails closed."},
		Help:             sarifText{"Fix the manifest error at the reported position (capgate lint gives a hint)."},
		DefaultConfig:    map[string]string{"level": "error"},
		Properties:       sarifProps{severityError, []string{"security"}}},
	{ID: RuleHostControl, Name: "HostControl",
		ShortDescription: sarifText{"A change hands an MCP server control of the host"},
		FullDescription:  sarifText{"A widened capability that hands the sandbox control of the host: a container-engine socket or a directory holding one, the host root, /etc, /root, a home directory, /proc, /sys, /dev, writable system binaries, an added capability, --privileged, a host device."},
		Help:             sarifText{"Do not merge unless the server truly needs host control; if it does, approve it explicitly (capgate approve, or the label)."},
		DefaultConfig:    map[string]string{"level": "error"},
		Properties:       sarifProps{severityHostControl, []string{"security"}}},
}

// sarifRuleIndex is each rule's index in sarifRules.
var sarifRuleIndex = map[string]int{RuleWidened: 0, RuleUnenforceable: 1, RuleError: 2, RuleHostControl: 3}

// changeResult is the SARIF result of a change: host control and other
// widening are error and warning (note once approved), a new
// unenforceable entry a note; other changes have none.
func changeResult(m diff.ManifestDiff, c diff.Change) (sarifResult, bool) {
	id, level, sev := RuleWidened, "warning", severityWidened
	switch {
	case c.Loud:
		id, level, sev = RuleHostControl, "error", severityHostControl
	case c.Severity == diff.Widened:
	case c.Severity == diff.UnenforceableAdded:
		id, level, sev = RuleUnenforceable, "note", severityUnenforceable
	default:
		return sarifResult{}, false
	}
	line, col := c.Line, c.Col
	if c.Side != diff.SideHead {
		line, col = 1, 1
	}
	msg := fmt.Sprintf("%s %s (%s): %s -> %s: %s", c.Severity, Term(string(c.Kind)), Term(string(c.Target)), Term(orNone(c.Before)), Term(orNone(c.After)), Term(c.Why))
	if m.BasePath != "" {
		msg += fmt.Sprintf(" (renamed %s → %s)", Term(m.BasePath), Term(m.Path))
	}
	if m.Approved && c.Severity == diff.Widened {
		level, sev, msg = "note", severityApproved, msg+" (approved by the lock)"
	}
	return sarifResult{RuleID: id, RuleIndex: sarifRuleIndex[id], Level: level,
		Message:             sarifText{SARIFText(msg)},
		Locations:           sarifLoc(m.Path, line, col),
		PartialFingerprints: fingerprint(id, m.Path, string(c.Kind), string(c.Target), c.Before, c.After),
		Properties:          sarifProps{SecuritySeverity: sev}, loud: c.Loud}, true
}

func sarifLoc(path string, line, col int) []sarifLocation {
	var l sarifLocation
	l.PhysicalLocation.ArtifactLocation.URI = URI(path)
	l.PhysicalLocation.Region.StartLine = max(line, 1)
	l.PhysicalLocation.Region.StartColumn = max(col, 1)
	return []sarifLocation{l}
}

func fingerprint(parts ...string) map[string]string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return map[string]string{"capgate/v1": hex.EncodeToString(h.Sum(nil))[:32]}
}

// SARIF renders r as a SARIF 2.1.0 log for GitHub code scanning, with a
// result for each widened change, each new unenforceable entry and each
// manifest that does not compile, located in the head manifest. Levels:
// error for host control and errors, warning for other widening, note for
// the rest (and for approved widening); every rule and result carries the
// security-severity code scanning ranks by (host control 9.5).
func SARIF(r *diff.Result, version string) []byte {
	results := []sarifResult{}
	for _, m := range r.Manifests {
		if m.Error != nil {
			msg := fmt.Sprintf("%s (%s)", Term(m.Error.Message), Term(m.Error.Code))
			if m.Error.Hint != "" {
				msg += " (hint: " + Term(m.Error.Hint) + ")"
			}
			results = append(results, sarifResult{RuleID: RuleError, RuleIndex: sarifRuleIndex[RuleError], Level: "error",
				Message:             sarifText{SARIFText(msg)},
				Locations:           sarifLoc(m.Path, m.Error.Line, m.Error.Col),
				PartialFingerprints: fingerprint(RuleError, m.Path, m.Error.Code, m.Error.Message),
				Properties:          sarifProps{SecuritySeverity: severityError}})
		}
		if m.Status == diff.StatusRemoved {
			continue
		}
		for _, c := range m.Changes {
			if r, ok := changeResult(m, c); ok {
				results = append(results, r)
			}
		}
	}
	// Loud results first (stable: the rest keep their order).
	sort.SliceStable(results, func(i, j int) bool { return results[i].loud && !results[j].loud })
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name":           "capgate",
				"informationUri": "https://github.com/razukc/capgate-action",
				"version":        version,
				"rules":          sarifRules,
			}},
			"results": results,
		}},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(doc)
	return jsonVisible(b.Bytes())
}

package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/sariftest"
	"github.com/razukc/capgate-action/internal/source"
)

// mixed is a result with every kind of SARIF result: host control,
// widening, approved widening, a new unenforceable entry and an error.
func mixed() *diff.Result {
	r := &diff.Result{Base: "b", Head: "h", Manifests: []diff.ManifestDiff{
		{Path: "a/capgate.json", Status: diff.StatusModified, Changes: []diff.Change{
			{Severity: diff.Widened, Kind: "net", Target: "all", After: "x.example:443", Why: "new egress destination", Line: 2, Col: 3, Side: "head"},
			{Severity: diff.UnenforceableAdded, Kind: "net", Target: "nftables", After: "x.example:443", Why: "names", Line: 2, Col: 3, Side: "head"},
			{Severity: diff.Narrowed, Kind: "env", Target: "bwrap,docker", Before: "A", Why: "gone", Line: 1, Side: "base"},
		}},
		{Path: "b/capgate.json", Status: diff.StatusModified, Approved: true, Changes: []diff.Change{
			{Severity: diff.Widened, Kind: "env", Target: "bwrap,docker", After: "TOKEN", Why: "new variable", Line: 4, Col: 5, Side: "head"},
		}},
		{Path: "c/capgate.json", Status: diff.StatusError, Changes: []diff.Change{},
			Error: &diff.Problem{Code: "PARSE", Message: "Unexpected token ']'\nat 3:5", Hint: "no trailing commas", Line: 3, Col: 5}},
		{Path: "z/capgate.json", Status: diff.StatusModified, Changes: []diff.Change{
			{Severity: diff.Widened, Kind: "fs", Target: "bwrap,docker", After: "rw /var/run/docker.sock", Why: "HOST CONTROL: engine socket", Loud: true, Line: 5, Col: 9, Side: "head"},
		}},
	}}
	r.Counts, _ = diff.Tally(r.Manifests)
	return r
}

// Every SARIF log capgate writes is valid SARIF 2.1.0: the bundled
// example, the mixed result above, the hostile one, and an empty one.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	schema := sariftest.Schema(t)
	in, err := source.ReadSides(context.Background(), source.Options{Dir: "..", Base: "examples/base", Head: "examples/head"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := diff.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*diff.Result{"examples": ex, "mixed": mixed(), "hostile": hostile(), "empty": {Base: "b", Head: "h"}} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SARIF(r, "v1.2.3")))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: not valid SARIF 2.1.0: %v", name, err)
		}
	}
}

// The schema test can fail: a log without its version is refused.
func TestSARIFSchemaRefusesInvalid(t *testing.T) {
	t.Parallel()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"runs": [{"results": [{"level": "loud"}]}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	if sariftest.Schema(t).Validate(doc) == nil {
		t.Fatal("an invalid log validates")
	}
}

// Levels and security severities: host control and errors are errors,
// widening a warning, the rest notes; every rule and result carries a
// security-severity, host control at least 9.0.
func TestSARIFLevelsAndSeverity(t *testing.T) {
	t.Parallel()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string
						Properties map[string]any
					}
				}
			}
			Results []struct {
				RuleID     string
				RuleIndex  int
				Level      string
				Message    struct{ Text string }
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal(SARIF(mixed(), "t"), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	for _, r := range run.Tool.Driver.Rules {
		if _, ok := r.Properties["security-severity"].(string); !ok {
			t.Errorf("rule %s has no security-severity", r.ID)
		}
	}
	type want struct{ rule, level, sev string }
	got := map[string]want{}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d (%s)", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		sev, _ := r.Properties["security-severity"].(string)
		got[r.Message.Text] = want{r.RuleID, r.Level, sev}
	}
	for msg, w := range map[string]want{
		"widened fs (bwrap,docker): (none) -> rw /var/run/docker.sock: HOST CONTROL: engine socket": {RuleHostControl, "error", "9.5"},
		"widened net (all): (none) -> x.example:443: new egress destination":                        {RuleWidened, "warning", "7.0"},
		"widened env (bwrap,docker): (none) -> TOKEN: new variable (approved by the lock)":          {RuleWidened, "note", "1.0"},
		"unenforceable_added net (nftables): (none) -> x.example:443: names":                        {RuleUnenforceable, "note", "4.0"},
		`Unexpected token '\]'\x0aat 3:5 (PARSE) (hint: no trailing commas)`:                        {RuleError, "error", "5.0"},
	} {
		if got[msg] != w {
			t.Errorf("result %q: got %+v, want %+v", msg, got[msg], w)
		}
	}
	if len(run.Results) != 5 {
		t.Errorf("%d results, want 5 (narrowing has none)", len(run.Results))
	}
	if run.Results[0].RuleID != RuleHostControl {
		t.Errorf("host control is not first: %s", run.Results[0].RuleID)
	}
}

// TestSARIFTextNoLink: a manifest's text that spells an embedded link
// (SARIF 2.1.0 §3.11.6, "[text](target)") reaches the message with every
// bracket escaped, whatever backslashes precede it, so no consumer renders
// a link from input; text without brackets is unchanged.
func TestSARIFTextNoLink(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"[docs](https://evil.example/)", `\[x\](1)`, `\\[x](0)`, "a]b[c", "[[x]](2)", "plain (none) -> x",
	} {
		got := SARIFText(Term(in))
		if !strings.ContainsAny(in, "[]") && got != Term(in) {
			t.Errorf("%q: %q, want it unchanged", in, got)
		}
		// Read as a consumer that takes \\ as one backslash would: every
		// bracket left must be escaped.
		for i := 0; i < len(got); i++ {
			switch got[i] {
			case '\\':
				i++
			case '[', ']':
				t.Errorf("%q: %q has an unescaped bracket at %d", in, got, i)
			}
		}
		// And as one that takes only \[ and \] as escapes.
		for i := 0; i < len(got); i++ {
			if (got[i] == '[' || got[i] == ']') && (i == 0 || got[i-1] != '\\') {
				t.Errorf("%q: %q has a bracket without a backslash at %d", in, got, i)
			}
		}
	}
}

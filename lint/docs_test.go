package lint

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// TestDocs keeps docs/lint.md true: every rule has a section, every section
// names a rule, and each section's example triggers that rule. An example
// is one capability string, or several ("`a` with `b`") that go into one
// manifest together.
func TestDocs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := regexp.MustCompile("(?m)^## `([a-z-]+)`\n((?:.|\n)*?)Example: (`[^`]+`(?: with `[^`]+`)*)").FindAllStringSubmatch(string(b), -1)
	documented := map[string]string{}
	for _, s := range sections {
		documented[s[1]] = s[3]
	}
	// The launch rule looks at launch configs, not capabilities: its
	// example is checked by internal/cli's TestLaunchRuleDocExample.
	if _, ok := documented[RuleLaunchExceedsManifest]; !ok {
		t.Errorf("rule %s is not documented in docs/lint.md", RuleLaunchExceedsManifest)
	}
	delete(documented, RuleLaunchExceedsManifest)
	for _, r := range rules {
		ex, ok := documented[r.ID]
		if !ok {
			t.Errorf("rule %s is not documented in docs/lint.md", r.ID)
			continue
		}
		delete(documented, r.ID)
		ids, msgs := exampleFindings(t, r.ID, ex)
		found := false
		for i, id := range ids {
			found = found || id == r.ID
			// The message says what to change, in so many words.
			if id == r.ID && !fixWords.MatchString(msgs[i]) {
				t.Errorf("%s: the message does not say what to change: %q", r.ID, msgs[i])
			}
		}
		if !found {
			t.Errorf("%s: example %q gives %v, not this rule", r.ID, ex, ids)
		}
	}
	for id := range documented {
		t.Errorf("docs/lint.md documents %s, which is not a rule", id)
	}
	// Every section says what to change.
	for _, sec := range regexp.MustCompile("(?m)^## ").Split(string(b), -1)[1:] {
		if !regexp.MustCompile("(?m)^Fix: .+").MatchString(sec) {
			t.Errorf("docs/lint.md section %q has no Fix: line", strings.SplitN(sec, "\n", 2)[0])
		}
	}
}

// exampleFindings lints the example ex of rule id: a whole manifest for
// a manifest-key rule, else capability strings in one manifest. It
// returns each finding's rule and message.
func exampleFindings(t *testing.T, id, ex string) (ids, msgs []string) {
	t.Helper()
	var caps []string
	for _, c := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(ex, -1) {
		caps = append(caps, c[1])
	}
	if len(caps) == 1 && strings.HasPrefix(caps[0], "{") {
		// A manifest-key rule: the example is a whole manifest.
		for _, f := range Keys([]byte(caps[0])) {
			ids, msgs = append(ids, f.Code), append(msgs, f.Message)
		}
		return ids, msgs
	}
	for i := range caps {
		caps[i] = jsonString(caps[i])
	}
	src := `{"name": "doc", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(caps, ", ") + `]}]}`
	m, err := compiler.ParseManifest([]byte(src))
	if err != nil {
		t.Fatalf("%s example: %v", id, err)
	}
	for _, f := range Manifest(m) {
		ids, msgs = append(ids, f.Code), append(msgs, f.Message)
	}
	return ids, msgs
}

// fixWords are the words a message uses to say what to change.
var fixWords = regexp.MustCompile(`\b(write|use|declare|list|quote|keep|grant|did you mean|add|end the path)\b`)

func jsonString(s string) string { return string(jsonx.AppendString(nil, s)) }

package action

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocs keeps action.yml, the code and the README in step: every input
// and output declared in action.yml is read or written by the code and
// documented in the README's tables, and nothing else is.
func TestDocs(t *testing.T) {
	t.Parallel()
	yml, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	readme, _ := os.ReadFile("../../README.md")
	var code string
	for _, f := range []string{"action.go", "comment.go", "post.go"} {
		b, _ := os.ReadFile(f)
		code += string(b)
	}
	section := func(name string) []string {
		s := string(yml)
		i := strings.Index(s, "\n"+name+":\n")
		if i < 0 {
			t.Fatalf("action.yml has no %s", name)
		}
		s = s[i+len(name)+3:]
		if j := regexp.MustCompile(`\n\S`).FindStringIndex(s); j != nil {
			s = s[:j[0]]
		}
		var out []string
		for _, m := range regexp.MustCompile(`(?m)^  ([a-z-]+):$`).FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		return out
	}
	inputs, outputs := section("inputs"), section("outputs")
	if len(inputs) < 12 || len(outputs) < 8 {
		t.Fatalf("parsed %d inputs and %d outputs from action.yml", len(inputs), len(outputs))
	}
	// An input is read as in("name", def), GetInput("name"), or through
	// choice(in, "name", …) and boolInput(in, "name").
	reads := regexp.MustCompile(`(?:in\(|GetInput\(|choice\(in, |boolInput\(in, )"([a-z-]+)"`)
	read := map[string]bool{}
	for _, m := range reads.FindAllStringSubmatch(code, -1) {
		read[m[1]] = true
	}
	for _, in := range inputs {
		if !read[in] {
			t.Errorf("input %s is declared but never read", in)
		}
		if !strings.Contains(string(readme), "| `"+in+"` |") {
			t.Errorf("input %s is not in the README's table", in)
		}
	}
	for _, out := range outputs {
		if !strings.Contains(code, `SetOutput("`+out+`"`) {
			t.Errorf("output %s is declared but never set", out)
		}
		if !strings.Contains(string(readme), "| `"+out+"` |") {
			t.Errorf("output %s is not in the README's table", out)
		}
	}
	for in := range read {
		if !strings.Contains(string(yml), "\n  "+in+":\n") {
			t.Errorf("the code reads input %s, which action.yml does not declare", in)
		}
	}
}

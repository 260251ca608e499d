package launch

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocs keeps docs/launch true: the README's kinds table lists every
// kind and its codes table every code; each client's page has an example
// that parses as that client's file, every server in it read.
func TestDocs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/launch/README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, k := range Kinds() {
		if !regexp.MustCompile("(?m)^\\| (`[a-z-]+`, )*`" + regexp.QuoteMeta(string(k)) + "`").MatchString(doc) {
			t.Errorf("kind %s is not in the kinds table", k)
		}
	}
	for _, c := range []string{CodeParse, CodeShape, "LAUNCH_SETTINGS"} {
		if !strings.Contains(doc, "| `"+c+"` |") {
			t.Errorf("code %s is not in the codes table", c)
		}
	}
	pages := map[string]string{"claude-code.md": ".mcp.json", "vscode.md": ".vscode/mcp.json", "cursor.md": ".cursor/mcp.json",
		"gemini.md": ".gemini/settings.json", "codex.md": ".codex/config.toml"}
	for page, file := range pages {
		if !strings.Contains(doc, "("+page+")") {
			t.Errorf("README does not link %s", page)
		}
		b, err := os.ReadFile("../docs/launch/" + page)
		if err != nil {
			t.Error(err)
			continue
		}
		m := regexp.MustCompile("(?s)```(?:json|jsonc|toml)\n(.*?)```").FindSubmatch(b)
		if m == nil {
			t.Errorf("%s has no example", page)
			continue
		}
		cfg, err := Parse(file, m[1])
		if err != nil {
			t.Errorf("%s example: %v", page, err)
			continue
		}
		if len(cfg.Entries) < 2 {
			t.Errorf("%s example: %d servers", page, len(cfg.Entries))
		}
	}
}

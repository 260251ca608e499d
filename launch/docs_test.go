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

// TestDocsDefaultPatterns keeps the README's files table true: every
// default pattern is a row, and each page's section for a file that is not
// the page's own (a plugin's manifest, a workspace file) has an example
// read as that file, every server in it.
func TestDocsDefaultPatterns(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/launch/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range DefaultPatterns() {
		if !strings.Contains(string(b), "| `"+strings.TrimPrefix(p, "**/")+"` |") {
			t.Errorf("default pattern %s is not in the files table", p)
		}
	}
	for _, c := range []struct{ page, section, file string }{
		{"claude-code.md", "## Plugins", "p/.claude-plugin/plugin.json"},
		{"vscode.md", "## Workspace files", "team.code-workspace"},
	} {
		b, err := os.ReadFile("../docs/launch/" + c.page)
		if err != nil {
			t.Error(err)
			continue
		}
		_, sec, ok := strings.Cut(string(b), "\n"+c.section+"\n")
		m := regexp.MustCompile("(?s)```(?:json|jsonc)\n(.*?)```").FindStringSubmatch(sec)
		if !ok || m == nil {
			t.Errorf("%s has no %q section with an example", c.page, c.section)
			continue
		}
		cfg, err := Parse(c.file, []byte(m[1]))
		if err != nil {
			t.Errorf("%s %s example: %v", c.page, c.section, err)
			continue
		}
		if len(cfg.Entries) < 2 || cfg.Client != ClientOf(c.file) {
			t.Errorf("%s %s example: %d servers, client %s", c.page, c.section, len(cfg.Entries), cfg.Client)
		}
	}
}

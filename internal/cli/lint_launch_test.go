package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/lint"
)

// TestLaunchRuleDocExample keeps docs/lint.md's launch-exceeds-manifest
// example true: its argv as a .mcp.json entry, its manifest beside it,
// capgate lint on the directory exits 1 with that rule.
func TestLaunchRuleDocExample(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## `" + lint.RuleLaunchExceedsManifest + "`.*?Example: `([^`]+)` with `([^`]+)`").FindSubmatch(b)
	if m == nil {
		t.Fatal("no example for " + lint.RuleLaunchExceedsManifest)
	}
	argv := strings.Fields(string(m[1]))
	args, _ := json.Marshal(argv[1:])
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".mcp.json", `{"mcpServers": {"notes": {"command": "`+argv[0]+`", "args": `+string(args)+`}}}`)
	write("servers/notes/capgate.json", string(m[2]))
	var out, errb bytes.Buffer
	c := &Command{Dir: dir, Stdout: &out, Stderr: &errb}
	if code := c.Main([]string{"lint", "."}); code != ExitFail {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitFail, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "["+lint.RuleLaunchExceedsManifest+"]") || !strings.Contains(out.String(), ".mcp.json:1:") {
		t.Errorf("output:\n%s", out.String())
	}
}

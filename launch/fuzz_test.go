package launch

import (
	"errors"
	"testing"
)

// TestJSONCStrings: comment markers inside strings are text, and columns
// after a comment with wide characters stay where an editor shows them.
func TestJSONCStrings(t *testing.T) {
	t.Parallel()
	e := only(t, ".vscode/mcp.json", `{"servers": {"s": {"command": "docker", "args": ["run", "-v", "/a//b:/c/*x*/", "img"]}}}`)
	if gs := grantSet(e); !gs["fs /a/b rw"] {
		t.Errorf("grants %v", gs)
	}
	e = only(t, ".vscode/mcp.json", "{/* é€ */ \"servers\": {\"s\": {\"command\": \"npx\"}}}")
	if e.Pos.Col != 28 {
		t.Errorf("column %d, want 28", e.Pos.Col)
	}
}

// FuzzParse: any input parses or is a positioned *Error, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"mcpServers": {"s": {"command": "docker", "args": ["run", "-itv/a:/b", "--mount=type=bind,src=${HOME},dst=/h", "img"]}}}`,
		`{"servers": {"s": {"command": "srt", "args": ["-s", "x.json", "bwrap", "--bind", "/", "/"]}}} // c`,
		"[mcp_servers.a]\ncommand = \"bwrap\"\nargs = [\"--ro-bind\", \"/\", \"/\"]\n",
		`{"mcpServers": {"s": {"command": "sh", "args": ["-c", "x"], "env": {"A": "${B:-c}"}}}}`,
		"/*", `{"mcpServers": {"s": {"url": 1}}}`,
		`{"folders": [{"path": "."}], "settings": {"mcp": {"servers": {"s": {"command": "docker", "args": ["run", "-v", "${workspaceFolder:a}:/w", "i"]}}}}}`,
		`{"name": "p", "mcpServers": ["./a.json", {"s": {"command": "${CLAUDE_PLUGIN_ROOT}/x", "cwd": "."}}, 1]}`,
	} {
		f.Add("a.code-workspace", []byte(s))
		f.Add("p/.claude-plugin/plugin.json", []byte(s))
		f.Add(".mcp.json", []byte(s))
		f.Add(".codex/config.toml", []byte(s))
		f.Add(".vscode/mcp.json", []byte(s))
	}
	f.Fuzz(func(t *testing.T, p string, data []byte) {
		cfg, err := Parse(p, data)
		var le *Error
		if err != nil {
			if !errors.As(err, &le) || le.Line < 1 || le.Col < 1 {
				t.Fatalf("%v: not a positioned *Error", err)
			}
			return
		}
		for _, e := range cfg.Entries {
			if e.Kind == "" {
				t.Fatalf("entry %q has no kind", e.Name)
			}
		}
	})
}

package launch

import (
	"errors"
	"slices"
	"testing"
)

// TestCodeWorkspace: a VS Code workspace file's settings.mcp holds servers
// as .vscode/mcp.json does (servers, inputs, the top-level sandbox), read
// as JSONC with comments and trailing commas; ${workspaceFolder} is the
// workspace's folder, judged as the file's directory only when that is its
// one folder.
func TestCodeWorkspace(t *testing.T) {
	t.Parallel()
	const p = "ws/team.code-workspace"
	if ClientOf(p) != VSCode || ClientOf("Team.Code-Workspace") != VSCode {
		t.Fatalf("%s is read as %s", p, ClientOf(p))
	}
	if !slices.Contains(DefaultPatterns(), "**/*.code-workspace") {
		t.Errorf("the default patterns do not find workspace files: %v", DefaultPatterns())
	}
	const docker = `"d": {"command": "docker", "args": ["run", "-v", "${workspaceFolder}:/w", "img"]}`
	for _, c := range []struct {
		name, src string
		entries   int
		entry     string
		kind      Kind
		grant     string
		unjudged  bool
	}{
		{"own folder", `{"folders": [{"path": "."}], "settings": {"mcp": {"servers": {` + docker + `}}}}`,
			1, "d", Docker, "fs ${workspaceFolder} rw", false},
		{"JSONC", "{\n // the team's\n \"folders\": [{\"path\": \"./\"},],\n \"settings\": {\"mcp\": {\"servers\": {" + docker + ",},},},\n}",
			1, "d", Docker, "fs ${workspaceFolder} rw", false},
		{"another folder", `{"folders": [{"path": ".."}], "settings": {"mcp": {"servers": {` + docker + `}}}}`,
			1, "d", Docker, "fs ${workspaceFolder} rw", true},
		{"two folders, a relative mount", `{"folders": [{"path": "."}, {"path": "b"}], "settings": {"mcp": {"servers": {
		  "d": {"command": "docker", "args": ["run", "-v", "./data:/d", "img"]}}}}}`,
			1, "d", Docker, "fs ./data rw", true},
		{"another folder, nothing of it", `{"folders": [{"path": "/srv"}], "settings": {"mcp": {"servers": {
		  "d": {"command": "docker", "args": ["run", "--privileged", "img"]}}}}}`,
			1, "d", Docker, "cap --privileged loud", false},
		{"a folder by name", `{"folders": [{"path": "."}], "settings": {"mcp": {"servers": {
		  "d": {"command": "docker", "args": ["run", "-v", "${workspaceFolder:api}:/w", "img"]}}}}}`,
			1, "d", Docker, "fs ${workspaceFolder:api} rw loud", false},
		{"the sandbox", `{"folders": [{"path": "."}], "settings": {"mcp": {"sandbox": {"network": {"allowedDomains": ["evil.example"]}},
		  "servers": {"s": {"command": "npx", "args": ["pkg"], "sandboxEnabled": true}}}}}`,
			1, "s", VSCodeSandbox, "net evil.example", false},
		{"a command input", `{"settings": {"mcp": {"inputs": [{"type": "command", "id": "x", "command": "workbench.action.tasks.build"}],
		  "servers": {"r": {"type": "http", "url": "https://x.example", "headers": {"a": "${input:x}"}}}}}}`,
			1, "r", Remote, `host ${input:x} = {"command":"workbench.action.tasks.build","id":"x","type":"command"} loud`, false},
		{"no mcp", `{"folders": [{"path": "."}], "settings": {"editor.tabSize": 2}}`, 0, "", "", "", false},
		{"no settings", `{"folders": [{"path": "."}]}`, 0, "", "", "", false},
	} {
		cfg, err := Parse(p, []byte(c.src))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(cfg.Entries) != c.entries {
			t.Errorf("%s: %d entries, want %d", c.name, len(cfg.Entries), c.entries)
			continue
		}
		if c.entries == 0 {
			continue
		}
		e := cfg.Entries[0]
		if e.Name != c.entry || e.Kind != c.kind || !grantSet(e)[c.grant] {
			t.Errorf("%s: %s %s %v, want %s %s with %q", c.name, e.Name, e.Kind, grantSet(e), c.entry, c.kind, c.grant)
		}
		if (len(e.Unjudged) > 0) != c.unjudged {
			t.Errorf("%s: unjudged %v", c.name, e.Unjudged)
		}
	}
}

// TestCodeWorkspaceErrors: settings or settings.mcp of another shape, and
// JSON VS Code does not read, fail closed at their place.
func TestCodeWorkspaceErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src       string
		code      string
		line, col int
	}{
		{`{"settings": []}`, CodeShape, 1, 14},
		{`{"settings": {"mcp": "x"}}`, CodeShape, 1, 22},
		{`{"settings": {"mcp": {"servers": []}}}`, CodeShape, 1, 34},
		{`{"settings": {"mcp": {"servers": {"a": {"command": 1}}}}}`, CodeShape, 1, 52},
		{"{\"settings\": {\"mcp\": /* open", CodeParse, 1, 22},
		{`{"settings": {"mcp": {"servers": {"a" 1}}}}`, CodeParse, 1, 39},
	} {
		_, err := Parse("a.code-workspace", []byte(c.src))
		var le *Error
		if !errors.As(err, &le) || le.Code != c.code || le.Line != c.line || le.Col != c.col {
			t.Errorf("%s: %v, want %s at %d:%d", c.src, err, c.code, c.line, c.col)
		}
	}
}

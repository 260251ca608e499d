package launch

import (
	"testing"
)

// TestRelativePathsFollowCwd: a relative host path in a docker, podman or
// bwrap option (-v .:/ws, --bind data /d, --env-file .env) is resolved by
// the engine's CLI against the process's working directory, which the
// entry's cwd sets: with cwd "/" the mount of "." is the host root, with
// cwd "~" the home directory. The grant is the path it resolves to, so a
// change of cwd alone is a change of the grant, never "no change".
func TestRelativePathsFollowCwd(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path, src, want string
	}{
		{".mcp.json", `{"mcpServers":{"s":{"command":"docker","cwd":"/","args":["run","-v",".:/ws","img"]}}}`, "fs / rw"},
		{".vscode/mcp.json", `{"servers":{"s":{"command":"docker","cwd":"${userHome}","args":["run","-v",".:/ws","img"]}}}`, "fs ~ rw loud"},
		{".vscode/mcp.json", `{"servers":{"s":{"command":"docker","cwd":"${workspaceFolder}/sub","args":["run","-v","./data:/d:ro","img"]}}}`, "fs ${workspaceFolder}/sub/data"},
		{".vscode/mcp.json", `{"servers":{"s":{"command":"docker","cwd":"${input:dir}","args":["run","-v","./data:/d:ro","img"]}}}`, "fs ${input:dir}/data loud"},
		{".gemini/settings.json", `{"mcpServers":{"s":{"command":"bwrap","cwd":"/etc","args":["--bind",".","/e","--","srv"]}}}`, "fs /etc rw"},
		{".mcp.json", `{"mcpServers":{"s":{"command":"docker","cwd":"~","args":["run","--env-file",".env","img"]}}}`, "env-file ~/.env loud"},
		{".codex/config.toml", "[mcp_servers.s]\ncommand = \"docker\"\ncwd = \"/\"\nargs = [\"run\", \"-v\", \".:/ws\", \"img\"]\n", "fs / rw"},
		// No cwd: the project root, as before; a named volume is no path.
		{".mcp.json", `{"mcpServers":{"s":{"command":"docker","args":["run","-v",".:/ws","img"]}}}`, "fs . rw"},
		{".mcp.json", `{"mcpServers":{"s":{"command":"docker","cwd":"/","args":["run","-v","data:/ws","img"]}}}`, "fs volume data rw"},
	} {
		e := only(t, c.path, c.src)
		if gs := grantSet(e); !gs[c.want] {
			t.Errorf("%s %s: grants %v lack %q", c.path, c.src, gs, c.want)
		}
	}
}

// TestSettingsPathsFollowCwd: srt resolves a relative path of its settings
// (allowWrite: ["."]) against the directory it runs in, the entry's cwd:
// with the settings file in the tree and cwd "sub", "." is sub; moving
// the cwd to the project root widens the write to the whole project,
// which must not read as the same grant.
func TestSettingsPathsFollowCwd(t *testing.T) {
	t.Parallel()
	settings := []byte(`{"filesystem": {"allowWrite": ["."], "denyRead": ["./secret"]}}`)
	for _, c := range []struct {
		cwd, write, deny string
	}{
		// At the project root the write holds srt.json itself: loud
		// (TestSrtSelfRewrite).
		{"", "fs . rw loud", "isolation denyRead ./secret"},
		{"sub", "fs sub rw", "isolation denyRead sub/secret"},
		{"${workspaceFolder}", "fs ${workspaceFolder} rw loud", "isolation denyRead ${workspaceFolder}/secret"},
	} {
		src := `{"servers": {"s": {"command": "srt", "args": ["-s", "${workspaceFolder}/srt.json", "srv"]` + map[bool]string{true: `, "cwd": "` + c.cwd + `"`, false: ""}[c.cwd != ""] + `}}}`
		e := only(t, ".vscode/mcp.json", src)
		if e.Settings != "srt.json" {
			t.Fatalf("cwd %q: settings %q", c.cwd, e.Settings)
		}
		gs, err := e.SettingsGrants(VSCode, settings)
		if err != nil {
			t.Fatal(err)
		}
		if set := grantSet(Entry{Grants: gs}); !set[c.write] || !set[c.deny] {
			t.Errorf("cwd %q: grants %v lack %q, %q", c.cwd, set, c.write, c.deny)
		}
	}
}

// TestSrtSelfRewrite: an srt server that may write its own settings file,
// or the config it is read from (srt's mandatory denies protect .mcp.json
// and .vscode only), may rewrite its sandbox for its next start: that
// writable path is host control, unless a denyWrite covers the file.
func TestSrtSelfRewrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, cfg, settings, rules, want string
		loud                             bool
	}{
		{"the root holds srt.json", ".mcp.json", "srt.json", `{"filesystem": {"allowWrite": ["."]}}`, ".", true},
		{"a directory above it", ".mcp.json", "conf/srt.json", `{"filesystem": {"allowWrite": ["./conf"]}}`, "./conf", true},
		{"denyWrite keeps it", ".mcp.json", "srt.json", `{"filesystem": {"allowWrite": ["."], "denyWrite": ["./srt.json"]}}`, ".", false},
		{"elsewhere", ".mcp.json", "conf/srt.json", `{"filesystem": {"allowWrite": ["./out"]}}`, "./out", false},
		{"cursor's config, unprotected", ".cursor/mcp.json", "conf/srt.json", `{"filesystem": {"allowWrite": ["./.cursor"]}}`, "./.cursor", true},
		{".vscode is protected", ".vscode/mcp.json", "conf/srt.json", `{"filesystem": {"allowWrite": ["./.vscode"]}}`, "./.vscode", false},
		{".claude is not", ".vscode/mcp.json", "conf/srt.json", `{"filesystem": {"allowWrite": ["./.claude"]}}`, "./.claude", true},
		{".claude with a denyWrite", ".vscode/mcp.json", "conf/srt.json", `{"filesystem": {"allowWrite": ["./.claude"], "denyWrite": ["./.claude"]}}`, "./.claude", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := Entry{Settings: tc.settings, cfgPath: tc.cfg}
			gs, err := e.SettingsGrants(ClaudeCode, []byte(tc.rules))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, g := range gs {
				if g.Kind == GFS && g.Key == tc.want {
					found = true
					if g.Loud != tc.loud {
						t.Errorf("%s: loud %v, want %v (%s)", g.Key, g.Loud, tc.loud, g.Why)
					}
				}
			}
			if !found {
				t.Errorf("no fs grant %q in %+v", tc.want, gs)
			}
		})
	}
}

// TestVSCodeSandboxSelfRewrite: VS Code makes a sandboxed server's cwd
// (the workspace folder) writable; a workspace file there holds the
// server's own sandbox, which srt's mandatory denies (.vscode, .mcp.json)
// do not protect, so the server may turn sandboxEnabled off for its next
// start.
func TestVSCodeSandboxSelfRewrite(t *testing.T) {
	t.Parallel()
	src := `{"folders": [{"path": "."}], "settings": {"mcp": {"servers": {"s": {"command": "node", "args": ["s.js"], "sandboxEnabled": true}}}}}`
	for _, tc := range []struct {
		path string
		loud bool
	}{{"w.code-workspace", true}, {".vscode/mcp.json", false}} {
		if tc.path == ".vscode/mcp.json" {
			src = `{"servers": {"s": {"command": "node", "args": ["s.js"], "sandboxEnabled": true}}}`
		}
		e := only(t, tc.path, src)
		if gs := grantSet(e); gs["fs ${workspaceFolder} rw loud"] != tc.loud {
			t.Errorf("%s: grants %v, want the writable workspace folder loud %v", tc.path, gs, tc.loud)
		}
	}
}

// TestHostRunFiles: a writable docker, podman or bwrap mount of the
// project's root holds files the host runs (.git/hooks and .git/config,
// which srt write-denies for this reason; .claude/settings.json hooks;
// the MCP configs), and one of the config's own directory holds the
// server's launch: either is host control (HostRuns, loud in the diff),
// while a subdirectory, a read-only mount or srt's rules are not.
func TestHostRunFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, src, key string
		hostRuns             bool
	}{
		{"docker -v .", ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", ".:/w", "img"]}}}`, ".", true},
		{"workspace folder", ".vscode/mcp.json", `{"servers": {"s": {"command": "podman", "args": ["run", "-v", "${workspaceFolder}:/w", "img"]}}}`, "${workspaceFolder}", true},
		{"bwrap", ".mcp.json", `{"mcpServers": {"s": {"command": "bwrap", "args": ["--bind", ".", "/w", "node"]}}}`, ".", true},
		{"read-only", ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", ".:/w:ro", "img"]}}}`, ".", false},
		{"a subdirectory", ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", "./data:/d", "img"]}}}`, "./data", false},
		{"a nested project's root", "a/.mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", ".:/w", "img"]}}}`, ".", true},
		{"the config's directory", ".cursor/mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", "./.cursor:/c", "img"]}}}`, "./.cursor", true},
		{"the working copy's .git", ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", "./.git/hooks:/h", "img"]}}}`, "./.git/hooks", true},
		{"another client's directory", ".mcp.json", `{"mcpServers": {"s": {"command": "bwrap", "args": ["--bind", ".claude", "/c", "node"]}}}`, ".claude", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := only(t, tc.path, tc.src)
			found := false
			for _, g := range e.Grants {
				if g.Kind == GFS && g.Key == tc.key {
					found = true
					if (g.HostRuns != "") != tc.hostRuns {
						t.Errorf("%s: HostRuns %q, want set %v", g.Key, g.HostRuns, tc.hostRuns)
					}
				}
			}
			if !found {
				t.Errorf("no fs grant %q: %v", tc.key, grantSet(e))
			}
		})
	}
}

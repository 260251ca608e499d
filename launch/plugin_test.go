package launch

import (
	"errors"
	"slices"
	"testing"
)

// TestPluginManifest: a Claude Code plugin's .claude-plugin/plugin.json
// starts the servers of its mcpServers (plugins-reference.md: an object of
// servers, a path of the plugin, or a list of them), with
// ${CLAUDE_PLUGIN_ROOT} the plugin's directory and ${CLAUDE_PROJECT_DIR}
// the user's project (any path); a file it names is an entry that cannot
// be judged, its content part of a loud grant.
func TestPluginManifest(t *testing.T) {
	t.Parallel()
	const p = "plug/.claude-plugin/plugin.json"
	if ClientOf(p) != ClaudePlugin || ClientOf(".Claude-Plugin/Plugin.json") != ClaudePlugin {
		t.Fatalf("%s is read as %s", p, ClientOf(p))
	}
	if !slices.Contains(DefaultPatterns(), "**/.claude-plugin/plugin.json") {
		t.Errorf("the default patterns do not find plugin manifests: %v", DefaultPatterns())
	}
	for _, c := range []struct {
		name, src string
		entry     string
		kind      Kind
		grants    []string
		file      string // the File of a grant
		unjudged  bool
	}{
		{"inline servers, plugin root", `{"name": "p", "mcpServers": {"db": {"command": "docker",
		  "args": ["run", "-i", "-v", "${CLAUDE_PLUGIN_ROOT}/data:/d", "img"]}}}`,
			"db", Docker, []string{"fs ${workspaceFolder}/data rw"}, "", false},
		{"the user's project is any path", `{"mcpServers": {"db": {"command": "docker",
		  "args": ["run", "-v", "${CLAUDE_PROJECT_DIR}:/p", "img"]}}}`,
			"db", Docker, []string{"fs ${CLAUDE_PROJECT_DIR} rw loud"}, "", false},
		{"a relative mount is the user's project", `{"mcpServers": {"db": {"command": "docker",
		  "args": ["run", "-v", ".:/w", "img"]}}}`,
			"db", Docker, []string{"fs ${CLAUDE_PROJECT_DIR} rw loud"}, "", false},
		{"a bare server", `{"mcpServers": {"x": {"command": "${CLAUDE_PLUGIN_ROOT}/bin/x"}}}`,
			"x", Bare, []string{"host no sandbox loud"}, "", false},
		{"a path", `{"mcpServers": "./mcp-config.json"}`,
			"mcpServers ./mcp-config.json", Shell, []string{"raw mcpServers ./mcp-config.json loud"}, "plug/mcp-config.json", true},
		{"a path out of the plugin, in the tree", `{"mcpServers": "./../shared/mcp.json"}`,
			"mcpServers ./../shared/mcp.json", Shell, []string{"raw mcpServers ./../shared/mcp.json loud"}, "shared/mcp.json", true},
		{"a list", `{"mcpServers": ["./a.json", {"y": {"command": "npx", "args": ["-y", "pkg"]}}]}`,
			"mcpServers ./a.json", Shell, []string{"raw mcpServers ./a.json loud"}, "plug/a.json", true},
	} {
		cfg, err := Parse(p, []byte(c.src))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if cfg.Client != ClaudePlugin {
			t.Errorf("%s: client %s", c.name, cfg.Client)
		}
		i := slices.IndexFunc(cfg.Entries, func(e Entry) bool { return e.Name == c.entry })
		if i < 0 {
			t.Errorf("%s: no entry %q in %v", c.name, c.entry, cfg.Entries)
			continue
		}
		e := cfg.Entries[i]
		gs := grantSet(e)
		if e.Kind != c.kind || len(gs) < len(c.grants) {
			t.Errorf("%s: kind %s, grants %v", c.name, e.Kind, gs)
		}
		for _, g := range c.grants {
			if !gs[g] {
				t.Errorf("%s: no grant %q in %v", c.name, g, gs)
			}
		}
		if c.file != "" && !slices.ContainsFunc(e.Grants, func(g Grant) bool { return g.File == c.file }) {
			t.Errorf("%s: no grant reads %s: %+v", c.name, c.file, e.Grants)
		}
		if (len(e.Unjudged) > 0) != c.unjudged {
			t.Errorf("%s: unjudged %v", c.name, e.Unjudged)
		}
	}
}

// TestPluginManifestErrors: a plugin's mcpServers that names a file the
// tree cannot hold, or is of no shape Claude Code reads, fails closed at
// its place.
func TestPluginManifestErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src       string
		line, col int
	}{
		{`{"mcpServers": "/etc/mcp.json"}`, 1, 16},
		{`{"mcpServers": "~/mcp.json"}`, 1, 16},
		{`{"mcpServers": "${HOME}/mcp.json"}`, 1, 16},
		{`{"mcpServers": "C:\\mcp.json"}`, 1, 16},
		// a\b.json: one file on Linux, b.json in a on Windows; a/b.json
		// was read, while Claude Code on Linux started a\b.json's.
		{`{"mcpServers": "./a\\b.json"}`, 1, 16},
		{`{"mcpServers": ["./x.json", ".\\s.json"]}`, 1, 29},
		// VS Code trims the path; it named no file here.
		{`{"mcpServers": " ./s.json"}`, 1, 16},
		{`{"mcpServers": ["./s.json\n"]}`, 1, 17},
		{"{\n \"mcpServers\": \"./../../x.json\"}", 2, 16},
		{`{"mcpServers": ""}`, 1, 16},
		{`{"mcpServers": 7}`, 1, 16},
		{`{"mcpServers": ["./a.json", 7]}`, 1, 29},
		{`{"mcpServers": {"x": {"command": 1}}}`, 1, 34},
	} {
		_, err := Parse("plug/.claude-plugin/plugin.json", []byte(c.src))
		var le *Error
		if !errors.As(err, &le) || le.Code != CodeShape || le.Line != c.line || le.Col != c.col {
			t.Errorf("%s: %v, want %s at %d:%d", c.src, err, CodeShape, c.line, c.col)
		}
	}
}

// TestPluginServersFile: the file a plugin's mcpServers names holds a map
// of servers, bare or under mcpServers, each read as a server of the
// manifest and placed at its mcpServers string; one that does not parse
// or is not shaped so is an *Error of that file, at its own place.
func TestPluginServersFile(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("plug/.claude-plugin/plugin.json", []byte(`{"mcpServers": "./s.json"}`))
	if err != nil || len(cfg.Entries) != 1 || cfg.Entries[0].PluginFile() != "plug/s.json" {
		t.Fatalf("%v %+v", err, cfg)
	}
	e := cfg.Entries[0]
	for _, c := range []struct {
		name, src string
		want      string // a grant of server "d"
		code      string
		line, col int
	}{
		{"bare map", `{"d": {"command": "docker", "args": ["run", "-v", "${CLAUDE_PLUGIN_ROOT}/x:/x", "img"]}}`, "fs ${workspaceFolder}/x rw", "", 0, 0},
		{"under mcpServers", `{"mcpServers": {"d": {"command": "${CLAUDE_PLUGIN_ROOT}/d"}}}`, "host no sandbox loud", "", 0, 0},
		{"JSONC", "{\"mcpServers\": {\"d\": {\"command\": \"npx\",},}, // x\n}", "host no sandbox loud", "", 0, 0},
		{"not JSON", "{\n  \"d\": {", "", CodeParse, 2, 9},
		{"not an object", `[]`, "", CodeShape, 1, 1},
		{"a server of another shape", `{"mcpServers": {"d": {"command": 1}}}`, "", CodeShape, 1, 34},
		{"mcpServers of another shape", `{"mcpServers": "x"}`, "", CodeShape, 1, 16},
	} {
		es, err := e.PluginServers([]byte(c.src))
		if c.code != "" {
			var le *Error
			if !errors.As(err, &le) || le.Code != c.code || le.Path != "plug/s.json" || le.Line != c.line || le.Col != c.col {
				t.Errorf("%s: %v, want %s at plug/s.json:%d:%d", c.name, err, c.code, c.line, c.col)
			}
			continue
		}
		if err != nil || len(es) != 1 || es[0].Name != "d" || !grantSet(es[0])[c.want] || es[0].Pos != e.Pos {
			t.Errorf("%s: %v %+v, want d with %q at %v", c.name, err, es, c.want, e.Pos)
		}
	}
}

// TestPluginNameTwice: a server name two elements of a plugin's
// mcpServers list define is two entries, in the list's order: which one
// Claude Code starts is unverified, and the later object replaced the
// earlier, so a Docker socket in the first went unread.
func TestPluginNameTwice(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("p/.claude-plugin/plugin.json", []byte(`{"mcpServers": [
	  {"x": {"command": "docker", "args": ["run", "-v", "/var/run/docker.sock:/s", "img"]}},
	  {"x": {"command": "docker", "args": ["run", "img"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Entries) != 2 || cfg.Entries[0].Name != "x" || cfg.Entries[1].Name != "x" {
		t.Fatalf("entries %+v, want x twice", cfg.Entries)
	}
	if !grantSet(cfg.Entries[0])["fs /var/run/docker.sock rw"] || grantSet(cfg.Entries[1])["fs /var/run/docker.sock rw"] {
		t.Errorf("grants %v then %v, want the socket in the first only", grantSet(cfg.Entries[0]), grantSet(cfg.Entries[1]))
	}
}

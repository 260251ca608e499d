package launch

import (
	"errors"
	"slices"
	"strings"
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

// TestMarketplace: a marketplace catalog's plugin entries may carry the
// plugin's mcpServers (schemastore claude-code-marketplace.json: a path,
// an object of servers, or a list of either), which Claude Code starts
// whether or not the entry is strict: each is a loud entry, keyed with
// its value, that cannot be judged. A source of a type the schema does not
// list is one too (fail closed); a path or a listed type, and keys Claude
// Code ignores (a headersHelper beside the source), are no entry.
func TestMarketplace(t *testing.T) {
	t.Parallel()
	const p = ".claude-plugin/marketplace.json"
	if ClientOf(p) != ClaudePlugin || ClientOf("m/.Claude-Plugin/Marketplace.json") != ClaudePlugin || !slices.Contains(DefaultPatterns(), "**/"+p) {
		t.Fatalf("%s: client %s, defaults %v", p, ClientOf(p), DefaultPatterns())
	}
	for _, c := range []struct {
		name, src string
		entries   []string
	}{
		{"inline servers", `{"plugins": [{"name": "db", "source": "./plugins/db", "mcpServers": {"x": {"command": "npx"}}}]}`, []string{"db mcpServers"}},
		{"inline servers, not strict", `{"plugins": [{"name": "db", "source": "./db", "strict": false, "mcpServers": {"x": {"command": "docker", "args": ["run", "-v", "/:/h", "i"]}}}]}`, []string{"db mcpServers"}},
		{"servers file", `{"plugins": [{"name": "db", "source": "./db", "mcpServers": "./mcp.json"}]}`, []string{"db mcpServers"}},
		{"a list", `{"plugins": [{"name": "db", "source": "./db", "mcpServers": ["./a.json", {"x": {"command": "npx"}}]}]}`, []string{"db mcpServers"}},
		{"two plugins", `{"plugins": [{"name": "a", "source": "./a", "mcpServers": {}}, {"source": "./b", "mcpServers": "./m.json"}]}`, []string{"a mcpServers", "plugins[1] mcpServers"}},
		{"undocumented source type", `{"plugins": [{"name": "gen", "source": {"source": "command", "command": "make plugin"}}]}`, []string{"gen source"}},
		{"source without a type", `{"plugins": [{"name": "gen", "source": {"repo": "o/r"}}]}`, []string{"gen source"}},
		{"source of another kind", `{"plugins": [{"name": "gen", "source": 7}]}`, []string{"gen source"}},
		{"documented sources", `{"plugins": [{"name": "a", "source": {"source": "github", "repo": "o/r"}}, {"name": "b", "source": "./b"}, {"name": "c", "source": {"source": "url", "url": "https://x/r.git"}},
			{"name": "d", "source": {"source": "npm", "package": "p"}}, {"name": "e", "source": {"source": "git-subdir", "url": "o/r", "path": "p"}}, {"name": "f", "source": "./f", "headersHelper": "./h.sh"}]}`, nil},
		{"no plugins", `{"name": "m"}`, nil},
		// A path out of the tree is a host path: the plugin there is no
		// part of the pull request (read as no entry, a move from ./p to
		// .. was the plugin's servers removed, narrowed).
		{"source above the tree", `{"plugins": [{"name": "p", "source": ".."}]}`, []string{"p source"}},
		{"source above the tree through ./", `{"plugins": [{"name": "p", "source": "./p/../.."}]}`, []string{"p source"}},
		{"absolute source", `{"plugins": [{"name": "p", "source": "/opt/p"}]}`, []string{"p source"}},
		{"source in the home directory", `{"plugins": [{"name": "p", "source": "~/p"}]}`, []string{"p source"}},
		{"source above the plugin root", `{"metadata": {"pluginRoot": "./plugins"}, "plugins": [{"name": "p", "source": "../../x"}]}`, []string{"p source"}},
		{"source the marketplace itself", `{"plugins": [{"name": "p", "source": "./"}]}`, nil},
	} {
		cfg, err := Parse(p, []byte(c.src))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got []string
		for _, e := range cfg.Entries {
			got = append(got, e.Name)
			if e.Kind != Shell || len(e.Unjudged) == 0 || len(e.Grants) == 0 || !e.Grants[0].Loud {
				t.Errorf("%s: %s: %s %+v", c.name, e.Name, e.Kind, e.Grants)
			}
		}
		if !slices.Equal(got, c.entries) {
			t.Errorf("%s: entries %v, want %v", c.name, got, c.entries)
		}
	}
	for _, src := range []string{`{"plugins": {}}`, `{"plugins": [1]}`} {
		var le *Error
		if _, err := Parse(p, []byte(src)); !errors.As(err, &le) || le.Code != CodeShape || le.Line != 1 {
			t.Errorf("%s: %v, want %s", src, err, CodeShape)
		}
	}
}

// TestMarketplaceFiles: a servers file a marketplace plugin entry names is
// a file of the tree when the source is a path: its content is keyed
// (diff); under metadata.pluginRoot too, since whether a ./ source takes
// it is not documented; none for a source elsewhere, or a path out of the
// tree.
func TestMarketplaceFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src   string
		files []string
	}{
		{`{"plugins": [{"name": "db", "source": "./db", "mcpServers": ["./a.json", {"x": {"command": "npx"}}, "./b.json"]}]}`, []string{"db/a.json", "db/b.json"}},
		{`{"metadata": {"pluginRoot": "./plugins"}, "plugins": [{"name": "db", "source": "./db", "mcpServers": "./m.json"}]}`, []string{"db/m.json", "plugins/db/m.json"}},
		{`{"plugins": [{"name": "db", "source": {"source": "github", "repo": "o/r"}, "mcpServers": "./m.json"}]}`, nil},
		{`{"plugins": [{"name": "db", "source": "./db", "mcpServers": "../../../m.json"}]}`, nil},
		{`{"plugins": [{"name": "db", "source": "./db", "mcpServers": "/etc/m.json"}]}`, nil},
	} {
		cfg, err := Parse("m/.claude-plugin/marketplace.json", []byte(c.src))
		if err != nil || len(cfg.Entries) != 1 {
			t.Fatalf("%s: %v %+v", c.src, err, cfg)
		}
		var files []string
		for _, g := range cfg.Entries[0].Grants {
			if g.File != "" {
				files = append(files, strings.TrimPrefix(g.File, "m/"))
			}
		}
		if !slices.Equal(files, c.files) {
			t.Errorf("%s: files %q, want %q", c.src, files, c.files)
		}
	}
	roots := MarketplacePlugins("m/.claude-plugin/marketplace.json", []byte(`{"metadata": {"pluginRoot": "./ps"}, "plugins": [{"source": "./a"}, {"source": "../../x"},
		{"source": {"source": "github", "repo": "o/r"}}, {"source": "./a"}, {"source": "${HOME}/b"}]}`))
	if want := []string{"m/a", "m/ps/a", "x"}; !slices.Equal(roots, want) {
		t.Errorf("MarketplacePlugins: %q, want %q", roots, want)
	}
	if r := MarketplacePlugins("m/.claude-plugin/plugin.json", []byte(`{"plugins": [{"source": "./a"}]}`)); r != nil {
		t.Errorf("MarketplacePlugins of a manifest: %q", r)
	}
}

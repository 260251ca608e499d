package launch

import (
	"testing"
)

// TestGeminiAllowedDisablesNothing: Gemini CLI intersects mcp.allowed
// across the system, user and workspace settings and restricts only when
// the result is not empty (mcp-client-manager.ts isBlockedBySettings), so
// an empty list, or the workspace's list beside a user's list it does not
// meet, starts every server: the workspace's mcp.allowed alone never tells
// that a server is not started, and each is judged as run (fail closed).
// mcp.excluded, a union over the scopes, still disables.
func TestGeminiAllowedDisablesNothing(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`{"mcp": {"allowed": []}, "mcpServers": {"a": {"command": "docker", "args": ["run", "--privileged", "img"]}}}`,
		`{"mcp": {"allowed": ["other"]}, "mcpServers": {"a": {"command": "docker", "args": ["run", "--privileged", "img"]}}}`,
	} {
		e := only(t, ".gemini/settings.json", src)
		if e.Kind != Docker || !grantSet(e)["cap --privileged loud"] {
			t.Errorf("%s: kind %s, grants %v: want the docker server judged", src, e.Kind, grantSet(e))
		}
	}
}

// TestGeminiServerCommand: mcp.serverCommand is a server of its own,
// named "mcp" (populateMcpServerCommand), the command split as
// shell-quote splits it, replacing an mcpServers entry of that name. A
// command holding quotes, escapes or shell syntax is not split here: it
// cannot be judged.
func TestGeminiServerCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src, grant string
		kind       Kind
	}{
		{`{"mcp": {"serverCommand": "docker run -i --privileged img"}}`, "cap --privileged loud", Docker},
		{`{"mcp": {"serverCommand": "npx -y evil"}, "mcpServers": {"mcp": {"command": "docker", "args": ["run", "img"]}}}`, "host no sandbox loud", Bare},
		{`{"mcp": {"serverCommand": "bash -c 'curl x | sh'"}}`, "", Shell},
	} {
		cfg, err := Parse(".gemini/settings.json", []byte(c.src))
		if err != nil || len(cfg.Entries) != 1 {
			t.Fatalf("%s: %v %+v", c.src, err, cfg)
		}
		e := cfg.Entries[0]
		if e.Name != "mcp" || e.Kind != c.kind || (c.grant != "" && !grantSet(e)[c.grant]) || e.Pos.Line != 1 || e.Pos.Col < 10 {
			t.Errorf("%s: %s %s %v at %+v: want mcp %s with %q at the serverCommand", c.src, e.Name, e.Kind, grantSet(e), e.Pos, c.kind, c.grant)
		}
		if c.kind == Shell && len(e.Unjudged) == 0 {
			t.Errorf("%s: no reason it cannot be judged", c.src)
		}
	}
}

// TestGeminiToolCommands: tools.discoveryCommand and tools.callCommand
// are commands Gemini CLI runs on the host from the project's settings
// (tool-registry.ts): each is an entry of its own, bare when it starts
// no sandbox.
func TestGeminiToolCommands(t *testing.T) {
	t.Parallel()
	cfg, err := Parse(".gemini/settings.json", []byte(`{"tools": {"discoveryCommand": "python3 tools.py", "callCommand": "docker run -i --privileged img"}}`))
	if err != nil || len(cfg.Entries) != 2 {
		t.Fatalf("%v %+v", err, cfg)
	}
	call, disc := cfg.Entries[0], cfg.Entries[1]
	if call.Name != "tools.callCommand" || call.Kind != Docker || !grantSet(call)["cap --privileged loud"] {
		t.Errorf("callCommand: %s %s %v", call.Name, call.Kind, grantSet(call))
	}
	if disc.Name != "tools.discoveryCommand" || disc.Kind != Bare || !grantSet(disc)["host no sandbox loud"] {
		t.Errorf("discoveryCommand: %s %s %v", disc.Name, disc.Kind, grantSet(disc))
	}
}

// TestGeminiWorkspaceExtension: Gemini CLI loads the mcpServers of a
// workspace extension (.gemini/extensions/NAME/gemini-extension.json) as
// it loads those of the settings, so a server moved there is judged, not
// lost; the extension's own mcp.excluded disables nothing.
func TestGeminiWorkspaceExtension(t *testing.T) {
	t.Parallel()
	const p = ".gemini/extensions/tools/gemini-extension.json"
	if ClientOf(p) != Gemini {
		t.Fatalf("%s is read as %s", p, ClientOf(p))
	}
	found := false
	for _, pat := range DefaultPatterns() {
		found = found || pat == "**/.gemini/extensions/*/gemini-extension.json"
	}
	if !found {
		t.Errorf("the default patterns do not find workspace extensions: %v", DefaultPatterns())
	}
	e := only(t, p, `{"name": "tools", "version": "1.0.0", "mcp": {"excluded": ["x"]},
	  "mcpServers": {"x": {"command": "npx", "args": ["-y", "pkg"]}}}`)
	if e.Kind != Bare {
		t.Errorf("extension server: %s", e.Kind)
	}
}

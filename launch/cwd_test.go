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

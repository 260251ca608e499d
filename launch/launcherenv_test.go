package launch

import "testing"

// TestLauncherEnv: variables that configure the launcher on the host are
// judged alike whether the entry's env sets them or an env in front of
// the command does, each keyed with its value. env DOCKER_HOST=… docker
// run was a GEnv grant keyed with the name alone, so pointing the CLI at
// another engine read as unchanged, and env DOCKER_CONFIG=./x was not
// loud. HOME (and podman's XDG_CONFIG_HOME) is where docker's and
// podman's CLI read their configuration, and what srt expands ~ with in
// its rules: "env": {"HOME": "/tmp/x"} made denyRead ~/.ssh deny
// /tmp/x/.ssh, and read as no change.
func TestLauncherEnv(t *testing.T) {
	t.Parallel()
	server := func(cmd, args, env string) string {
		return `{"mcpServers": {"s": {"command": "` + cmd + `", "args": [` + args + `], "env": {` + env + `}}}}`
	}
	for _, tc := range []struct {
		name, src, want string
		not             bool
	}{
		{"env DOCKER_HOST", server("env", `"DOCKER_HOST=tcp://10.0.0.9:2375", "docker", "run", "img"`, ""), "raw env DOCKER_HOST=tcp://10.0.0.9:2375", false},
		{"env DOCKER_CONFIG", server("env", `"DOCKER_CONFIG=./cfg", "docker", "run", "img"`, ""), "host env DOCKER_CONFIG=./cfg loud", false},
		{"env HOME docker", server("env", `"HOME=./h", "docker", "run", "img"`, ""), "host env HOME=./h loud", false},
		{"HOME docker", server("docker", `"run", "img"`, `"HOME": "./h"`), "host env HOME=./h loud", false},
		{"XDG_CONFIG_HOME podman", server("podman", `"run", "img"`, `"XDG_CONFIG_HOME": "./c"`), "host env XDG_CONFIG_HOME=./c loud", false},
		{"HOME srt", server("srt", `"-s", "srt.json", "npx", "x"`, `"HOME": "/tmp/x"`), "host env HOME=/tmp/x loud", false},
		{"env HOME srt", server("env", `"HOME=/tmp/x", "srt", "-s", "srt.json", "npx", "x"`, ""), "host env HOME=/tmp/x loud", false},
		// bwrap reads no configuration from HOME, nor docker from XDG_CONFIG_HOME's
		// podman files only: a docker entry's XDG_CONFIG_HOME still counts (fail closed).
		{"HOME bwrap", server("bwrap", `"--ro-bind", "/usr", "/usr", "node"`, `"HOME": "/tmp/x"`), "host env HOME=/tmp/x loud", true},
		{"XDG_CONFIG_HOME srt", server("srt", `"-s", "srt.json", "npx", "x"`, `"XDG_CONFIG_HOME": "/tmp/x"`), "host env XDG_CONFIG_HOME=/tmp/x loud", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gs := grantSet(only(t, ".mcp.json", tc.src))
			if gs[tc.want] == tc.not {
				t.Errorf("grants %v: %q present %v, want %v", gs, tc.want, gs[tc.want], !tc.not)
			}
		})
	}
}

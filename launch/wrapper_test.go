package launch

import (
	"strings"
	"testing"
)

// TestWrappedLauncherIsNotJudgedBare: a command the reader does not know
// (nice, timeout, flatpak-spawn --host…) that starts docker, podman, bwrap
// or srt is still bare (loud when added), but the sandbox it starts is
// not read, so the entry names the whole command line and says it cannot
// be judged: a change inside it (docker gaining -v /:/h) is a row, never
// "no change". A bare command that starts no sandbox stays as it was.
func TestWrappedLauncherIsNotJudgedBare(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cmd, args string
		unjudged  bool
	}{
		{"nice", `["docker","run","--rm","img"]`, true},
		{"timeout", `["10","podman","run","img"]`, true},
		{"flatpak-spawn", `["--host","bwrap","--unshare-all","--","srv"]`, true},
		{"/usr/bin/ionice", `["-c3","npx","-y","@anthropic-ai/sandbox-runtime","srv"]`, true},
		{"node", `["server.js"]`, false},
		{"npx", `["-y","@modelcontextprotocol/server-filesystem","/w"]`, false},
	} {
		e := only(t, ".mcp.json", `{"mcpServers":{"s":{"command":"`+c.cmd+`","args":`+c.args+`}}}`)
		if e.Kind != Bare || !grantSet(e)["host no sandbox loud"] {
			t.Errorf("%s %s: kind %s, grants %v: want bare, loud", c.cmd, c.args, e.Kind, grantSet(e))
		}
		if got := len(e.Unjudged) > 0; got != c.unjudged {
			t.Errorf("%s %s: unjudged %v, want %v (%+v)", c.cmd, c.args, got, c.unjudged, e.Unjudged)
		}
		if c.unjudged && !strings.Contains(e.Runs, "run") && !strings.Contains(e.Runs, "--") {
			t.Errorf("%s %s: runs %q, want the whole command line", c.cmd, c.args, e.Runs)
		}
	}
}

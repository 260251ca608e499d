package launch

import (
	"strings"
	"testing"
)

// TestEngineGlobalOptionValues: a global option of the engine's CLI that
// takes a value takes the next argument even when it is spelt like a
// subcommand (`docker --config run run …`: the config directory is
// ./run), so the options after the real `run` are read, never taken for
// the image's arguments; a boolean one takes nothing. A global option the
// reader does not know, followed by a subcommand word, could be read
// either way: the entry cannot be judged.
func TestEngineGlobalOptionValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cmd, args string
		unjudged  bool
	}{
		{"docker", `["--config","run","run","-i","--privileged","img"]`, false},
		{"docker", `["--context","run","run","--privileged","img"]`, false},
		{"docker", `["-c","container","container","run","--privileged","img"]`, false},
		{"docker", `["--tlscacert","run","--tlsverify","run","--privileged","img"]`, false},
		{"docker", `["-D","run","--privileged","img"]`, false},
		{"podman", `["--root","run","run","--privileged","img"]`, false},
		{"podman", `["--remote","run","--privileged","img"]`, false},
		{"nerdctl", `["--namespace","run","run","--privileged","img"]`, false},
		{"docker", `["--frobnicate","run","run","--privileged","img"]`, true},
	} {
		e := only(t, ".mcp.json", `{"mcpServers":{"s":{"command":"`+c.cmd+`","args":`+c.args+`}}}`)
		if e.Kind != Docker && e.Kind != Podman {
			t.Errorf("%s %s: kind %s, want docker or podman", c.cmd, c.args, e.Kind)
			continue
		}
		if c.unjudged {
			if len(e.Unjudged) == 0 || !strings.Contains(e.Unjudged[0].Text, "--frobnicate") {
				t.Errorf("%s %s: unjudged %+v, want a note naming the option", c.cmd, c.args, e.Unjudged)
			}
			continue
		}
		if !grantSet(e)["cap --privileged loud"] || e.Runs != "img" || len(e.Unjudged) > 0 {
			t.Errorf("%s %s: grants %v, runs %q, unjudged %+v: want --privileged read, image img", c.cmd, c.args, grantSet(e), e.Runs, e.Unjudged)
		}
	}
}

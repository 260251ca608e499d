package action

import (
	"testing"

	"github.com/razukc/capgate-action/launch"
)

// TestPostAcceptsLaunchRows keeps the downloaded report's check in step
// with package launch: every client and kind it writes is accepted, and
// nothing else is.
func TestPostAcceptsLaunchRows(t *testing.T) {
	t.Parallel()
	for _, c := range []launch.Client{launch.ClaudeCode, launch.VSCode, launch.Cursor, launch.Gemini, launch.Codex} {
		if !launchRE.MatchString(string(c)) {
			t.Errorf("client %s refused", c)
		}
	}
	for _, k := range launch.Kinds() {
		if !launchTgt.MatchString(string(k)) {
			t.Errorf("kind %s refused", k)
		}
	}
	for _, bad := range []string{"", "docker,bwrap", "bare ", "<b>"} {
		if launchTgt.MatchString(bad) {
			t.Errorf("target %q accepted", bad)
		}
	}
}

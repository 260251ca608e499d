package enforce

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/sandbox"
)

// TestBwrapHelpOptionsKnown holds the one bwrap table to the installed
// bwrap: every option its --help lists is one the reader knows, with the
// number of values the help shows. An option missing from the table is
// raw, and the reader takes its values for the command, so what follows
// is never read: bwrap 0.8's --bind-fd FD DEST was, and a --bind of /
// after it was unseen.
func TestBwrapHelpOptionsKnown(t *testing.T) {
	t.Parallel()
	requireTool(t, "bwrap")
	out, err := exec.Command("bwrap", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("bwrap --help: %v\n%s", err, out)
	}
	known := sandbox.BwrapFlags()
	line := regexp.MustCompile(`^\s+(--[a-z0-9-]+)((?: [A-Z0-9_]+)*)\s{2,}`)
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil || m[1] == "--help" || m[1] == "--version" {
			continue
		}
		n++
		if !slices.Contains(known, m[1]) {
			t.Errorf("bwrap --help lists %s%s, which the reader does not know", m[1], m[2])
			continue
		}
		argv := append([]string{m[1]}, strings.Fields(m[2])...)
		if _, cmd, unknown := sandbox.ParseBwrap(append(argv, "cmd")); len(unknown) > 0 || len(cmd) != 1 || cmd[0] != "cmd" {
			t.Errorf("%s%s: read with the command %q and unknown %v, want the command cmd", m[1], m[2], cmd, unknown)
		}
	}
	if n < 40 {
		t.Fatalf("read %d options from bwrap --help, want the whole list:\n%s", n, out)
	}
}

package enforce

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/sandbox"
)

// TestPodmanRunHelpOptionsKnown holds the one docker table to the
// installed podman: every option podman run --help lists is one the
// reader knows, taking a value when the help shows one. An option the
// table lacks is raw, and whether it takes the next argument cannot be
// told: --timeout 10 -v /:/h img read 10 as the image, so the -v of / was
// never read and the entry passed fail-on loud.
func TestPodmanRunHelpOptionsKnown(t *testing.T) {
	t.Parallel()
	requireTool(t, "podman")
	out, err := exec.Command("podman", "run", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("podman run --help: %v\n%s", err, out)
	}
	// "  -v, --volume stringArray   Bind mount a volume…", "      --rmi   Remove…":
	// the type, one space after the name, then the description's column.
	line := regexp.MustCompile(`^\s+(?:-[a-zA-Z], )?(--[a-z0-9-]+)(?: ([a-zA-Z0-9]+))?\s{2,}\S`)
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil || m[1] == "--help" {
			continue
		}
		n++
		opts, image := sandbox.SplitDocker([]string{m[1], "VAL", "img"})
		switch {
		case len(opts) == 0 || opts[0].Flag == "":
			t.Errorf("podman run --help lists %s %s, which the reader does not know", m[1], m[2])
		case m[2] != "" && (opts[0].Bool || opts[0].Value != "VAL" || image != 2):
			t.Errorf("%s takes a %s value (podman run --help), read as %+v, image at %d", m[1], m[2], opts[0], image)
		case m[2] == "" && !opts[0].Bool:
			t.Errorf("%s takes no value (podman run --help), read as %+v", m[1], opts[0])
		}
	}
	if n < 100 {
		t.Fatalf("read %d options from podman run --help, want the whole list:\n%s", n, out)
	}
}

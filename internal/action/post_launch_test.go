package action

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/launch"
)

// TestPostAcceptsLaunchRows keeps the downloaded report's check in step
// with package launch: a launch config's row of every client and every
// launch kind it writes is accepted, and nothing else is.
func TestPostAcceptsLaunchRows(t *testing.T) {
	t.Parallel()
	row := func(client launch.Client, kind, exceeds launch.Kind) []diff.ManifestDiff {
		m := diff.ManifestDiff{Path: ".mcp.json", Status: diff.StatusModified, Launch: client,
			Changes: []diff.Change{{Severity: diff.Widened, Kind: "launch", Target: diff.Targets(kind), Side: diff.SideHead, Line: 1, Col: 1}}}
		if exceeds != "" {
			m.Exceeds = []diff.Exceeding{{Kind: exceeds, Line: 1}}
		}
		return []diff.ManifestDiff{m}
	}
	for _, c := range launch.Clients() {
		for _, k := range launch.Kinds() {
			if err := checkFields(row(c, k, k)); err != nil {
				t.Errorf("client %s, kind %s refused: %v", c, k, err)
			}
		}
	}
	for _, tc := range []struct {
		name          string
		client        launch.Client
		kind, exceeds launch.Kind
		want          string
	}{
		{"unknown client", "emacs", launch.Docker, "", "is not a client"},
		{"client in another case", "VSCode", launch.Docker, "", "is not a client"},
		{"two kinds", "vscode", "docker,bwrap", "", "is not a launch kind"},
		{"padded kind", "vscode", "bare ", "", "is not a launch kind"},
		{"markup", "vscode", "<b>", "", "is not a launch kind"},
		{"a manifest target", "vscode", "squid", "", "is not a launch kind"},
		{"unknown entry kind", "vscode", launch.Docker, "vm", "not a launch entry"},
	} {
		if err := checkFields(row(tc.client, tc.kind, tc.exceeds)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

package diff

import (
	"strings"
	"testing"
)

// TestBwrapDuplicateBind: bwrap applies its binds in argv order, so of two
// binds of one destination the later is on top and decides
// (docs/sandbox-model.md; enforce.TestBwrapSameDestination runs them):
// --bind /srv /srv --ro-bind /srv /srv read as "read-only made writable",
// a widened row for a /srv as read-only as before. A later -try bind does
// not hide the earlier (it is skipped when its source is missing).
func TestBwrapDuplicateBind(t *testing.T) {
	t.Parallel()
	srv := func(args string) string {
		return mcp(`"s": {"command": "bwrap", "args": [` + args + `, "--", "/bin/srv"]}`)
	}
	for _, tc := range []struct {
		name, base, head string
		widened          int
	}{
		{"writable then read-only: read-only", srv(`"--ro-bind", "/srv", "/srv"`), srv(`"--bind", "/srv", "/srv", "--ro-bind", "/srv", "/srv"`), 0},
		{"read-only then writable: writable", srv(`"--ro-bind", "/srv", "/srv"`), srv(`"--ro-bind", "/srv", "/srv", "--bind", "/srv", "/srv"`), 1},
		{"another source hidden", srv(`"--ro-bind", "/srv", "/srv"`), srv(`"--bind", "/etc", "/srv/", "--ro-bind", "/srv", "/srv"`), 0},
		{"a try bind hides nothing", srv(`"--ro-bind", "/srv", "/srv"`), srv(`"--bind", "/srv", "/srv", "--ro-bind-try", "/srv", "/srv"`), 1},
		{"another destination", srv(`"--ro-bind", "/srv", "/srv"`), srv(`"--bind", "/srv", "/w", "--ro-bind", "/srv", "/srv"`), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			md := launchDiff(t, tc.base, tc.head)
			counts, _ := Tally([]ManifestDiff{md})
			if counts.Widened != tc.widened {
				t.Errorf("widened %d, want %d:\n%s", counts.Widened, tc.widened, strings.Join(summary(md), "\n"))
			}
		})
	}
}

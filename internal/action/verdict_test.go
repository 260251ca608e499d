package action

import (
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestVerdict checks the pure decision table: fail-on, the label, the
// lock (Approved manifests) and the drift check.
func TestVerdict(t *testing.T) {
	t.Parallel()
	widened := func(approved bool) *diff.Result {
		return &diff.Result{Counts: diff.Counts{Widened: 1}, Manifests: []diff.ManifestDiff{{Path: "a", Status: diff.StatusModified, Approved: approved,
			Changes: []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", Side: "head"}}}}}
	}
	none := &diff.Result{}
	fo, _ := diff.ParseFailOn("widened,error")
	never, _ := diff.ParseFailOn("never")
	for _, tc := range []struct {
		name             string
		res              *diff.Result
		failOn           diff.FailOn
		byLabel, driftOK bool
		code             int
		approved, needs  bool
	}{
		{"unapproved widening fails and needs approval", widened(false), fo, false, true, ExitFailed, false, true},
		{"the label approves", widened(false), fo, true, true, ExitOK, true, false},
		{"the lock approves", widened(true), fo, false, true, ExitOK, true, false},
		{"fail-on never passes, unapproved", widened(false), never, false, true, ExitOK, false, false},
		{"drift fails even when approved", widened(true), fo, false, false, ExitFailed, true, false},
		{"nothing widened is not approved", none, fo, true, true, ExitOK, false, false},
		{"drift alone fails", none, fo, false, false, ExitFailed, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, approved, needs := verdict(tc.res, tc.failOn, tc.byLabel, tc.driftOK)
			if code != tc.code || approved != tc.approved || needs != tc.needs {
				t.Errorf("verdict = %d, approved %v, needs approval %v; want %d, %v, %v", code, approved, needs, tc.code, tc.approved, tc.needs)
			}
		})
	}
}

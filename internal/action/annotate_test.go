package action

import (
	"fmt"
	"testing"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/diag"
)

// TestAnnotations: errors first, then loud, widened and new unenforceable
// changes of the head side, at most maxAnnotations of each, counted in all.
func TestAnnotations(t *testing.T) {
	t.Parallel()
	change := func(sev diff.Severity, loud bool, side diff.Side, after string) diff.Change {
		return diff.Change{Severity: sev, Loud: loud, Side: side, Kind: "net", Target: "bwrap,docker", After: after, Why: "why", Line: 2, Col: 3}
	}
	broken := func(i int) diff.ManifestDiff {
		hint := ""
		if i == 0 {
			hint = "fix it"
		}
		return diff.ManifestDiff{Path: fmt.Sprintf("e%02d.json", i), Status: diff.StatusError,
			Error: &diag.Diagnostic{Line: 4, Col: 5, Code: "CAP_X", Message: "bad", Hint: hint}}
	}
	for _, tc := range []struct {
		name        string
		ms          []diff.ManifestDiff
		want        []string // level file:line:col msg
		errs, warns int
	}{
		{"nothing", nil, nil, 0, 0},
		{"in order of importance, the base side left out", []diff.ManifestDiff{
			{Path: "a.json", Changes: []diff.Change{change(diff.UnenforceableAdded, false, diff.SideHead, "u"), change(diff.Widened, false, diff.SideHead, "w"),
				change(diff.Widened, true, diff.SideHead, "loud"), change(diff.Widened, false, diff.SideBase, "base"), change(diff.Narrowed, false, diff.SideHead, "n")}},
			broken(0),
		}, []string{
			"error e00.json:4:5 bad [CAP_X]\nhint: fix it",
			"warning a.json:2:3 widened net [bwrap,docker]: (none) → loud: why",
			"warning a.json:2:3 widened net [bwrap,docker]: (none) → w: why",
			"warning a.json:2:3 unenforceable added net [bwrap,docker]: (none) → u: why",
		}, 1, 3},
	} {
		as, errs, warns := annotations(&diff.Result{Manifests: tc.ms})
		var got []string
		for _, a := range as {
			level := "warning"
			if a.error {
				level = "error"
			}
			got = append(got, fmt.Sprintf("%s %s:%d:%d %s", level, a.file, a.line, a.col, a.msg))
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || errs != tc.errs || warns != tc.warns {
			t.Errorf("%s: %q (%d errors, %d warnings), want %q (%d, %d)", tc.name, got, errs, warns, tc.want, tc.errs, tc.warns)
		}
	}
	// The bound: 12 of each, 10 listed.
	var ms []diff.ManifestDiff
	for i := range 12 {
		ms = append(ms, broken(i), diff.ManifestDiff{Path: fmt.Sprintf("w%02d.json", i), Changes: []diff.Change{change(diff.Widened, false, diff.SideHead, "w")}})
	}
	as, errs, warns := annotations(&diff.Result{Manifests: ms})
	if len(as) != 2*maxAnnotations || errs != 12 || warns != 12 || !as[maxAnnotations-1].error || as[maxAnnotations].error || as[len(as)-1].file != "w09.json" {
		t.Errorf("%d listed, %d errors, %d warnings: %+v", len(as), errs, warns, as)
	}
}

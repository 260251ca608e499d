package action

import (
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

// TestFailOnInput: the fail-on input goes through diff.ParseFailOn, so an
// input that names no outcome fails the action with a clear error instead
// of turning the gate off; an empty input means the default (fail closed).
func TestFailOnInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{",", `has an empty item`},
		{" , ", `has an empty item`},
		{"never,widened", `mixes never`},
		{"", ""},
		{"   ", ""},
	} {
		env := map[string]string{"INPUT_FAIL-ON": tc.in}
		getenv := func(k string) string { return env[k] }
		cfg, err := readConfig(githubactions.New(githubactions.WithGetenv(getenv)), getenv)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("fail-on %q: err %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !cfg.FailOn.Widened || !cfg.FailOn.Error {
			t.Errorf("fail-on %q: %+v, %v; want the default widened,error", tc.in, cfg.FailOn, err)
		}
	}
}

// TestFailOnLoudInput: fail-on loud fails on unapproved host control only,
// so a plain widening passes the check (and the comment still says it is
// not approved).
func TestFailOnLoudInput(t *testing.T) {
	t.Parallel()
	env := map[string]string{"INPUT_FAIL-ON": "loud"}
	getenv := func(k string) string { return env[k] }
	cfg, err := readConfig(githubactions.New(githubactions.WithGetenv(getenv)), getenv)
	if err != nil || cfg.FailOn != (diff.FailOn{Loud: true}) {
		t.Fatalf("fail-on loud: %+v, %v", cfg.FailOn, err)
	}
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_FAIL-ON"] = "loud"
	res := f.run()
	if res.code != ExitOK {
		t.Fatalf("fail-on loud with a widening that is not host control: exit %d\n%s", res.code, res.stdout)
	}
	if !strings.Contains(res.summary, "> **capgate passes.** 2 widened capabilities are not approved (fail-on loud fails on host control only)") {
		t.Errorf("summary:\n%.600s", res.summary)
	}
}

// TestVerdictAgreesWithTheComment: the exit status (verdict) and the
// comment's verdict (report.Judge) agree for every fail-on, with and
// without the label, for host control, widening and errors.
func TestVerdictAgreesWithTheComment(t *testing.T) {
	t.Parallel()
	loud := diff.ManifestDiff{Path: "l", Status: diff.StatusModified, Changes: []diff.Change{{Severity: diff.Widened, Loud: true}}}
	wide := diff.ManifestDiff{Path: "w", Status: diff.StatusModified, Changes: []diff.Change{{Severity: diff.Widened}}}
	broken := diff.ManifestDiff{Path: "b", Status: diff.StatusError, Changes: []diff.Change{}, Error: &diff.Problem{Code: "PARSE"}}
	approvedLoud := loud
	approvedLoud.Approved = true
	for _, fo := range []string{"loud", "widened", "error", "loud,error", "widened,error", "never"} {
		failOn, err := diff.ParseFailOn(fo)
		if err != nil {
			t.Fatal(err)
		}
		for _, ms := range [][]diff.ManifestDiff{{loud}, {wide}, {broken}, {approvedLoud, wide}, {loud, broken}} {
			for _, byLabel := range []bool{false, true} {
				for _, driftOK := range []bool{true, false} {
					r := &diff.Result{Manifests: ms}
					r.Counts, _ = diff.Tally(ms)
					code, _, _ := verdict(r, failOn, byLabel, driftOK)
					j := report.Judge(r, report.Gate{FailOn: failOn, ByLabel: byLabel, DriftFailed: !driftOK})
					if (code == ExitFailed) != j.Fails {
						t.Errorf("fail-on %s, label %v, drift ok %v, %d manifests: exit %d but the comment says fails=%v", fo, byLabel, driftOK, len(ms), code, j.Fails)
					}
				}
			}
		}
	}
}

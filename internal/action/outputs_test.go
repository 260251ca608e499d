package action

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// An output or summary file that cannot be written costs that channel only:
// a warning each, no panic, the reports and the comment still written, and
// the exit status still the verdict's. As root a mode bit does not stop a
// write, so the files are made unwritable by what they are: a path under a
// regular file, and a directory.
func TestUnwritableOutputFilesWarn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		output, summary func(f *fixture) string
		warn            []string
		wantOutputs     bool
	}{
		{
			name:    "both",
			output:  func(f *fixture) string { return filepath.Join(f.eventPath, "output") },
			summary: func(f *fixture) string { return filepath.Dir(f.summary) },
			warn:    []string{"::warning::capgate: cannot write GITHUB_OUTPUT", "::warning::capgate: cannot write GITHUB_STEP_SUMMARY"},
		},
		{
			name:        "summary only",
			output:      func(f *fixture) string { return f.outPath },
			summary:     func(f *fixture) string { return filepath.Dir(f.summary) },
			warn:        []string{"::warning::capgate: cannot write GITHUB_STEP_SUMMARY"},
			wantOutputs: true,
		},
		{
			name:    "unset",
			output:  func(f *fixture) string { return "" },
			summary: func(f *fixture) string { return "" },
			warn:    []string{"::warning::capgate: GITHUB_OUTPUT is not set", "::warning::capgate: GITHUB_STEP_SUMMARY is not set"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
			f.env["GITHUB_OUTPUT"], f.env["GITHUB_STEP_SUMMARY"] = tc.output(f), tc.summary(f)
			res := f.run()
			if res.code != ExitFailed {
				t.Fatalf("exit %d, want %d (widened, fail-on widened)\n%s", res.code, ExitFailed, res.stdout)
			}
			if strings.Contains(res.stdout, "panic") {
				t.Fatalf("panicked:\n%s", res.stdout)
			}
			for _, w := range tc.warn {
				if strings.Count(res.stdout, w) != 1 {
					t.Errorf("want one %q in:\n%s", w, res.stdout)
				}
			}
			if got := len(res.outputs) > 0; got != tc.wantOutputs {
				t.Errorf("outputs written: %v, want %v: %v", got, tc.wantOutputs, res.outputs)
			} else if tc.wantOutputs && (res.outputs["widened"] != "true" || res.outputs["comment-url"] == "") {
				t.Errorf("outputs: %v", res.outputs)
			}
			if b, err := os.ReadFile(filepath.Join(f.ws, "capgate-report.json")); err != nil || !strings.Contains(string(b), `"widened"`) {
				t.Errorf("report: %v\n%s", err, b)
			}
			if len(f.gh.byLogin("github-actions[bot]")) != 1 {
				t.Errorf("the comment was not written")
			}
		})
	}
}

func TestDelimiterNotInValue(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "x", "ghadelimiter_", "a\nghadelimiter_00\nb"} {
		d := delimiter(v)
		if !strings.HasPrefix(d, "ghadelimiter_") || len(d) != len("ghadelimiter_")+32 || strings.Contains(v, d) {
			t.Errorf("delimiter(%q) = %q", v, d)
		}
	}
}

// TestSummaryFitsTheRunnersBytes: the step summary is under the runner's
// 1 MiB with its line end, whatever the text is made of, and keeps its
// verdict. The limit counted UTF-16 units: 4,000 changed manifests under a
// CJK directory made a 2 MiB summary, which the runner drops whole.
func TestSummaryFitsTheRunnersBytes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, dir string }{
		{"CJK, three bytes a unit", strings.Repeat("界", 60)},
		{"emoji, two bytes a unit", strings.Repeat("🔒", 40)},
		{"ASCII", strings.Repeat("a", 120)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := &diff.Result{}
			for i := range 4000 {
				m := diff.ManifestDiff{Path: fmt.Sprintf("%s/%d/capgate.json", c.dir, i), Status: diff.StatusModified}
				for range 3 {
					m.Changes = append(m.Changes, diff.Change{Severity: diff.Widened, Kind: "fs", Target: "all",
						After: "fs:read:/" + c.dir, Why: "new grant", Line: 1, Col: 1})
				}
				res.Manifests = append(res.Manifests, m)
			}
			res.Counts, _ = diff.Tally(res.Manifests)
			r := &run{env: Env{Getenv: func(string) string { return "" }}}
			s := r.summary(res, "", "")
			if len(s)+1 > stepSummaryBytes {
				t.Errorf("summary of %d bytes with its line end, over the runner's %d", len(s)+1, stepSummaryBytes)
			}
			if !strings.Contains(s[:min(len(s), 2000)], "12000") || len(s) < stepSummaryBytes/2 {
				t.Errorf("summary of %d bytes lost its verdict or most of its rows: %.300q", len(s), s)
			}
		})
	}
}

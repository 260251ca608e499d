package action

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

// roundTrip writes the report analyze would write for base→head (two
// directories under dir) with every target, and reads it back as post
// does.
func roundTrip(t *testing.T, dir, base, head string) (*report.JSONReport, error) {
	t.Helper()
	res, err := diffDirs(dir, base, head, true, compiler.AllTargets())
	if err != nil {
		t.Fatalf("diff %s → %s: %v", base, head, err)
	}
	jr := report.NewJSON(res)
	jr.PullRequest = &report.PullRequestRef{Number: 7, HeadSHA: strings.Repeat("a", 40)}
	p := filepath.Join(t.TempDir(), "capgate-report.json")
	writeFile(t, p, string(jr.Encode()))
	return readReport(p)
}

// conformanceTree writes the manifests of the conformance vectors that pick
// selects as servers/vNNNN/capgate.json under dir/name.
func conformanceTree(t *testing.T, dir, name string, pick func(i int) bool) {
	t.Helper()
	root := "../../testdata/conformance/capgate-0.0.4"
	i := 0
	for _, file := range []string{"vectors.jsonl", "edge.jsonl"} {
		fh, err := os.Open(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var v struct {
				ID       string          `json:"id"`
				Manifest json.RawMessage `json:"manifest"`
			}
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if pick(i) {
				writeFile(t, filepath.Join(dir, name, "servers", fmt.Sprintf("v%04d", i/2), "capgate.json"), string(v.Manifest))
			}
			i++
		}
		fh.Close()
	}
}

// namedTree writes the conformance suite's named manifests as
// servers/NAME/capgate.json under dir/name.
func namedTree(t *testing.T, dir, name string) {
	t.Helper()
	ms, _ := filepath.Glob("../../testdata/conformance/capgate-0.0.4/manifests/*.json")
	if len(ms) == 0 {
		t.Fatal("no conformance manifests")
	}
	for _, m := range ms {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name, "servers", strings.TrimSuffix(filepath.Base(m), ".json"), "capgate.json"), string(b))
	}
}

// TestPostAcceptsEveryAnalyzeReport: mode post reads back whatever mode
// analyze writes, every change kind and every target included (issue 21,
// case 7: it refused the kind network and the targets srt, toolhive and
// mcp-gateway, so the two-step mode failed on the bundled examples).
func TestPostAcceptsEveryAnalyzeReport(t *testing.T) {
	t.Parallel()
	kinds, targets := map[diff.Kind]bool{}, map[string]bool{}
	check := func(t *testing.T, dir, base, head string) {
		jr, err := roundTrip(t, dir, base, head)
		if err != nil {
			t.Fatalf("post refused analyze's report of %s → %s: %v", base, head, err)
		}
		for _, m := range jr.Manifests {
			for _, c := range m.Changes {
				kinds[c.Kind] = true
				for _, tg := range strings.Split(string(c.Target), ",") {
					targets[tg] = true
				}
			}
		}
	}
	t.Run("examples", func(t *testing.T) {
		check(t, "../../examples", "base", "head")
		check(t, "../../examples", "head", "base")
	})
	t.Run("conformance", func(t *testing.T) {
		dir := t.TempDir()
		// Odd vectors on one side and even ones on the other, under the same
		// paths: every manifest is compared with another one.
		conformanceTree(t, dir, "a", func(i int) bool { return i%2 == 0 })
		conformanceTree(t, dir, "b", func(i int) bool { return i%2 == 1 })
		namedTree(t, dir, "named")
		if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
			t.Fatal(err)
		}
		// Both ways: every vector is once the base and once the head; the
		// named manifests are added.
		for _, p := range [][2]string{{"a", "b"}, {"b", "a"}, {"empty", "named"}} {
			check(t, dir, p[0], p[1])
		}
	})
	// The inputs must reach the kinds and targets post used to refuse, or
	// the test proves nothing about them.
	for _, k := range []diff.Kind{"network", "fs", "net", "env"} {
		if !kinds[k] {
			t.Errorf("no change of kind %s in the round-tripped reports; kinds seen: %v", k, kinds)
		}
	}
	for _, tg := range []string{"srt", "toolhive", "mcp-gateway"} {
		if !targets[tg] {
			t.Errorf("no change on target %s in the round-tripped reports; targets seen: %v", tg, targets)
		}
	}
}

// TestPostRefusesTamperedFields: the fields that are not free text must
// still be values capgate writes.
func TestPostRefusesTamperedFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "base/servers/gh/capgate.json"), baseManifest)
	writeFile(t, filepath.Join(dir, "head/servers/gh/capgate.json"), headManifest)
	res, err := diffDirs(dir, "base", "head", false, compiler.AllTargets())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(c *diff.Change)
		want   string
	}{
		{"unknown kind", func(c *diff.Change) { c.Kind = "<img src=x>" }, "is not a capability kind"},
		{"unknown target", func(c *diff.Change) { c.Target = "bwrap,evil" }, "is not a target list"},
		{"repeated target", func(c *diff.Change) { c.Target = "srt,srt" }, "is not a target list"},
		{"empty target", func(c *diff.Change) { c.Target = "" }, "is not a target list"},
		{"bad side", func(c *diff.Change) { c.Side = "both" }, "is not head or base"},
		{"negative line", func(c *diff.Change) { c.Line = -1 }, "negative position"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			jr := report.NewJSON(res)
			var cp report.JSONReport
			if err := json.Unmarshal(jr.Encode(), &cp); err != nil {
				t.Fatal(err)
			}
			tc.tamper(&cp.Manifests[0].Changes[0])
			p := filepath.Join(t.TempDir(), "r.json")
			writeFile(t, p, string(cp.Encode()))
			if _, err := readReport(p); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("readReport: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestTwoStepModeWithTheBundledExamples is issue 21, case 7, end to end:
// analyze writes the report of the bundled examples' change on every
// target, and post (a workflow_run job with another token) comments it.
func TestTwoStepModeWithTheBundledExamples(t *testing.T) {
	t.Parallel()
	tree := func(side string) map[string]string {
		out := map[string]string{}
		ms, _ := filepath.Glob("../../examples/" + side + "/servers/*/capgate.json")
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(m, "../../examples/"+side+"/")] = string(b)
		}
		return out
	}
	base, head := tree("base"), tree("head")
	f := setup(t, nil)
	// The base commit is examples/base (the fixture's own manifest goes).
	os.Remove(filepath.Join(f.origin, "servers/gh/capgate.json"))
	for p, s := range base {
		writeFile(t, filepath.Join(f.origin, p), s)
	}
	git(t, f.origin, "add", "-A")
	git(t, f.origin, "commit", "-q", "-m", "examples/base")
	f.base = git(t, f.origin, "rev-parse", "HEAD")
	for p := range base {
		if _, ok := head[p]; !ok {
			head[p] = "" // removed
		}
	}
	f.push(head)
	f.env["INPUT_MODE"] = "analyze"
	f.env["INPUT_GITHUB-TOKEN"] = "ghs_forktoken"
	f.env["INPUT_TARGETS"] = strings.Join(compiler.AllTargets(), ",")
	f.env["INPUT_FAIL-ON"] = "never"
	res := f.run()
	b, err := os.ReadFile(filepath.Join(f.ws, "capgate-report.json"))
	if err != nil || !strings.Contains(string(b), `"kind": "network"`) {
		t.Fatalf("analyze: exit %d, report without a network change (%v)\n%s", res.code, err, res.stdout)
	}
	reportPath := filepath.Join(t.TempDir(), "artifact.json")
	writeFile(t, reportPath, string(b))
	f.env["INPUT_MODE"] = "post"
	f.env["INPUT_GITHUB-TOKEN"] = "ghs_workflowtoken"
	f.env["INPUT_REPORT"] = reportPath
	f.setEvent("workflow_run", nil)
	res = f.run()
	if res.code != ExitOK || len(f.gh.byLogin("github-actions[bot]")) != 1 || res.outputs["widened"] != "true" {
		t.Fatalf("post refused analyze's report: exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
}

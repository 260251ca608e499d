package action

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/internal/cli"
	"github.com/razukc/capgate-action/internal/outdir"
)

// compiledPolicies returns the files capgate compile --out-dir policies
// writes for a tree holding servers/gh/capgate.json = manifest, by path.
func compiledPolicies(t *testing.T, manifest string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "servers/gh/capgate.json"), manifest)
	c := &cli.Command{Stdout: io.Discard, Stderr: io.Discard, Dir: dir}
	if rc := c.Main([]string{"compile", "--out-dir", "policies", "."}); rc != cli.ExitOK {
		t.Fatalf("compile --out-dir exits %d", rc)
	}
	out := map[string]string{}
	for _, target := range []string{"bwrap", "docker", "squid", "nftables"} {
		p := "policies/servers/gh/capgate." + target + ".json"
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		out[p] = string(b)
	}
	return out
}

// TestVerifyOutDir: with verify-out-dir set, committed policies that no
// longer match the head's manifests fail the check and are listed in the
// summary and the comment; policies that match pass.
func TestVerifyOutDir(t *testing.T) {
	t.Parallel()
	stale := compiledPolicies(t, baseManifest)
	head := map[string]string{"servers/gh/capgate.json": headManifest}
	for p, s := range stale {
		head[p] = s
	}
	head["policies/servers/old/capgate.bwrap.json"] = "{}\n"
	f := setup(t, head)
	f.env["INPUT_FAIL-ON"] = "never"
	f.env["INPUT_VERIFY-OUT-DIR"] = "policies"
	res := f.run()
	if res.code != ExitFailed {
		t.Fatalf("exit %d, want %d (stale policies)\n%s", res.code, ExitFailed, res.stdout)
	}
	for _, want := range []string{
		"#### Compiled policies out of date (5)",
		"| `policies/servers/gh/capgate.bwrap.json` | stale |",
		"| `policies/servers/gh/capgate.nftables.json` | stale |",
		"| `policies/servers/old/capgate.bwrap.json` | extra |",
		"Run `capgate compile --out-dir policies .` and commit the result.",
	} {
		if !strings.Contains(res.summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.summary)
		}
		ours := f.gh.byLogin("github-actions[bot]")
		if len(ours) != 1 || !strings.Contains(ours[0].Body, want) {
			t.Errorf("comment lacks %q: %+v", want, ours)
		}
	}
	if !strings.Contains(res.stdout, "::error::capgate: 5 file(s) in policies do not match the manifests") {
		t.Errorf("no error annotation:\n%s", res.stdout)
	}

	// Up to date: the check passes and says so.
	head = map[string]string{"servers/gh/capgate.json": headManifest}
	for p, s := range compiledPolicies(t, headManifest) {
		head[p] = s
	}
	f = setup(t, head)
	f.env["INPUT_FAIL-ON"] = "never"
	f.env["INPUT_VERIFY-OUT-DIR"] = "policies"
	res = f.run()
	if res.code != ExitOK {
		t.Fatalf("exit %d, want 0 (policies up to date)\n%s", res.code, res.stdout)
	}
	if !strings.Contains(res.summary, "✅ The compiled policies in `policies` match the manifests.") {
		t.Errorf("summary:\n%s", res.summary)
	}

	// Off by default: the same stale tree passes.
	f = setup(t, map[string]string{"servers/gh/capgate.json": headManifest, "policies/servers/gh/capgate.bwrap.json": "{}\n"})
	f.env["INPUT_FAIL-ON"] = "never"
	if res = f.run(); res.code != ExitOK || strings.Contains(res.summary, "Compiled policies") {
		t.Errorf("without verify-out-dir: exit %d, summary:\n%s", res.code, res.summary)
	}
}

// TestVerifyOutDirFailsClosed: when the check cannot judge (a head manifest
// does not compile, the directory is outside the tree) the check fails.
func TestVerifyOutDirFailsClosed(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": `{"name": "x", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:a.com:70000"]}]}`})
	f.env["INPUT_FAIL-ON"] = "never"
	f.env["INPUT_VERIFY-OUT-DIR"] = "policies"
	res := f.run()
	if res.code != ExitFailed || !strings.Contains(res.summary, "capgate could not check the compiled policies in `policies`") {
		t.Errorf("exit %d, summary:\n%s", res.code, res.summary)
	}
	f.env["INPUT_VERIFY-OUT-DIR"] = "../elsewhere"
	res = f.run()
	if res.code != ExitFailed || !strings.Contains(res.summary, "must be inside working-directory") {
		t.Errorf("exit %d, summary:\n%s", res.code, res.summary)
	}
}

// TestJudgeDrift: the drift check's decision from what it read.
func TestJudgeDrift(t *testing.T) {
	t.Parallel()
	many := make([]outdir.Drift, maxDriftRows+1)
	for i := range many {
		many[i] = outdir.Drift{Path: fmt.Sprintf("f%03d.json", i), State: outdir.DriftStale}
	}
	readErr := outdir.Failure{Manifest: outdir.Manifest{Name: "a/capgate.json", Err: errors.New("unreadable")}}
	compileErr := outdir.Failure{Manifest: outdir.Manifest{Name: "b/capgate.json", Err: errors.New("bad port")}, Compile: true}
	for _, tc := range []struct {
		name string
		read driftRead
		ok   bool
		md   []string // in the Markdown
		log  []string // in the logged error ("" for no log)
	}{
		{"up to date", driftRead{}, true, []string{"✅ The compiled policies in `policies` match the manifests."}, nil},
		{"outside working-directory", driftRead{outside: true}, false, []string{"must be inside working-directory"}, []string{"must be a relative path inside working-directory"}},
		{"the out dir cannot be read", driftRead{err: errors.New("permission denied")}, false,
			[]string{"could not check the compiled policies in `policies`: permission denied", "`capgate verify --out-dir policies`"}, []string{"cannot check verify-out-dir policies: permission denied"}},
		{"manifests that do not compile or cannot be read", driftRead{failed: []outdir.Failure{compileErr, readErr, compileErr}}, false,
			[]string{": a manifest does not compile a manifest cannot be read. Run"}, []string{"capgate: b/capgate.json: bad port\ncapgate: a/capgate.json: unreadable\ncapgate: b/capgate.json: bad port\n"}},
		{"two files out of date", driftRead{drift: []outdir.Drift{{Path: "x/a.bwrap.json", State: outdir.DriftStale}, {Path: "y.json", State: outdir.DriftExtra}}}, false,
			[]string{"#### Compiled policies out of date (2)", "| `policies/x/a.bwrap.json` | stale |\n| `policies/y.json` | extra |\n", "`capgate compile --out-dir policies .`"},
			[]string{"2 file(s) in policies do not match the manifests"}},
		{"more than the table shows", driftRead{drift: many}, false, []string{"(51)", "| `policies/f049.json` | stale |\n| … and 1 more | |\n"}, []string{"51 file(s)"}},
	} {
		md, ok, log := judgeDrift("policies", tc.read)
		if ok != tc.ok || (log == "") != (len(tc.log) == 0) {
			t.Errorf("%s: ok %v, log %q", tc.name, ok, log)
		}
		for _, w := range tc.md {
			if !strings.Contains(md, w) {
				t.Errorf("%s: no %q in the Markdown:\n%s", tc.name, w, md)
			}
		}
		for _, w := range tc.log {
			if !strings.Contains(log, w) {
				t.Errorf("%s: no %q in the log:\n%s", tc.name, w, log)
			}
		}
	}
}

package action

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/internal/cli"
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

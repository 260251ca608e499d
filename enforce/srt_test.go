package enforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/razukc/capgate-action/compiler"
)

// TestSrtEnforces runs the settings file the srt target emits with the real
// srt (npm @anthropic-ai/sandbox-runtime, .ci/run installs it) and checks
// the three boundaries the file is for, each next to a control that must
// pass in the same run: a read outside the declared paths fails (a file
// grant's sibling, and a file beside a narrow pattern's match that the
// pattern does not match, too), a write
// outside allowWrite fails, an undeclared destination is refused by srt's
// proxy (HTTP 403) while the declared loopback port answers. All traffic is
// loopback; every path is under a per-run temp dir.
//
// srt's proxy bridge sockets live in $TMPDIR, which denyRead "/" hides:
// the manifest declares a read path for them and srt runs with TMPDIR
// there, as the srt target's note tells a host to.
func TestSrtEnforces(t *testing.T) {
	requireTool(t, "srt", "bwrap", "socat", "rg", "curl")
	dir := srtTree(t)
	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "declared-ok") }))
	defer allowed.Close()
	var undeclaredHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		undeclaredHits.Add(1)
		fmt.Fprint(w, "undeclared-reached")
	}))
	defer other.Close()
	_, port, _ := net.SplitHostPort(allowed.Listener.Addr().String())
	_, port2, _ := net.SplitHostPort(other.Listener.Addr().String())

	ws := filepath.Join(dir, "ws")
	src := fmt.Sprintf(`{"name":"srt-test","version":"1","tools":[{"name":"t","capabilities":[
		"fs:read,write:%s/**","fs:read:%s/run/**","net:connect:127.0.0.1:%s",
		"fs:read:%[4]s/cfg/app.json","fs:read:%[4]s/src/**/*.go","fs:read:%[4]s/data/*/x.txt"]}]}`, ws, dir, port, dir)
	settings, _ := writeSrtSettings(t, dir, src)
	run := srtRunner(t, settings, dir)

	srtEnforcesReads(t, run, dir, ws)
	srtEnforcesWrites(t, run, dir, ws)
	srtEnforcesEgress(t, run, port, port2)
	if n := undeclaredHits.Load(); n != 0 {
		t.Errorf("the undeclared server was reached %d times", n)
	}
}

// srtTree makes TestSrtEnforces' per-run directory: a workspace, a
// secret, a file grant and its sibling, a narrow pattern's match and a
// file beside it that the pattern does not match.
func srtTree(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "capgate-srt-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"ws", "secret", "out", "run", "cfg", "src/a", "data/b"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range map[string]string{
		"ws/in.txt": "hello\n", "secret/key": "topsecret\n",
		"cfg/app.json": "app-ok\n", "cfg/secret.txt": "sibling-secret\n",
		"src/a/x.go": "go-ok\n", "src/a/x.txt": "txt-secret\n",
		"data/b/x.txt": "x-ok\n", "data/b/y.txt": "y-secret\n",
	} {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	return dir
}

// srtRunner returns a function that runs script under srt with settings,
// in dir, and gives its exit code and output.
func srtRunner(t *testing.T, settings, dir string) func(script string) (int, string) {
	srt, _ := exec.LookPath("srt")
	return func(script string) (int, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, srt, "--settings", settings, "-c", script)
		cmd.Dir = dir
		// Nothing of the runner's environment reaches the sandbox.
		cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + filepath.Join(dir, "run")}
		out, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("srt: %v", err)
			}
			code = ee.ExitCode()
		}
		return code, string(out)
	}
}

// srtEnforcesReads: declared reads pass, undeclared ones fail.
func srtEnforcesReads(t *testing.T, run func(string) (int, string), dir, ws string) {
	t.Helper()
	if code, out := run("cat " + ws + "/in.txt"); code != 0 || !strings.Contains(out, "hello") {
		t.Fatalf("control: declared read: exit %d, %q", code, out)
	}
	if code, out := run("cat " + dir + "/secret/key"); code == 0 || strings.Contains(out, "topsecret") {
		t.Errorf("undeclared read succeeded: exit %d, %q", code, out)
	}
	// What srt's allowRead holds beyond directories: the file itself,
	// not its directory; a pattern's matches, not its base directory.
	for _, p := range []struct{ path, text string }{{"cfg/app.json", "app-ok"}, {"src/a/x.go", "go-ok"}, {"data/b/x.txt", "x-ok"}} {
		if code, out := run("cat " + filepath.Join(dir, p.path)); code != 0 || !strings.Contains(out, p.text) {
			t.Errorf("control: declared read of %s: exit %d, %q", p.path, code, out)
		}
	}
	for _, p := range []struct{ path, text string }{{"cfg/secret.txt", "sibling-secret"}, {"src/a/x.txt", "txt-secret"}, {"data/b/y.txt", "y-secret"}} {
		if code, out := run("cat " + filepath.Join(dir, p.path)); code == 0 || strings.Contains(out, p.text) {
			t.Errorf("read of %s, which no grant names, succeeded: exit %d, %q", p.path, code, out)
		}
	}
}

// srtEnforcesWrites: a write in the workspace reaches the host, one
// outside allowWrite fails and does not.
func srtEnforcesWrites(t *testing.T, run func(string) (int, string), dir, ws string) {
	t.Helper()
	if code, out := run("echo x > " + ws + "/new"); code != 0 {
		t.Fatalf("control: declared write: exit %d, %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(ws, "new")); err != nil {
		t.Fatalf("control: declared write left no file on the host: %v", err)
	}
	if code, out := run("echo x > " + dir + "/out/new"); code == 0 {
		t.Errorf("write outside allowWrite succeeded: %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "new")); err == nil {
		t.Errorf("write outside allowWrite reached the host")
	}
}

// srtEnforcesEgress: the declared loopback port answers; srt's proxy
// refuses an undeclared port and an undeclared domain (HTTP 403).
func srtEnforcesEgress(t *testing.T, run func(string) (int, string), port, port2 string) {
	t.Helper()
	// -f is left out: the refusal is srt's 403, read from the status
	// code; --noproxy '' because srt's NO_PROXY lists 127.0.0.1, and a
	// direct dial would fail in the empty netns without proving anything.
	curl := "curl -sS -m 10 --noproxy '' -o /dev/null -w '%{http_code}' "
	if code, out := run(curl + "http://127.0.0.1:" + port + "/"); code != 0 || !strings.HasSuffix(out, "200") {
		t.Fatalf("control: declared destination: exit %d, %q", code, out)
	}
	if code, out := run(curl + "http://127.0.0.1:" + port2 + "/"); !strings.HasSuffix(out, "403") {
		t.Errorf("undeclared port not refused by srt's proxy: exit %d, %q", code, out)
	}
	if code, out := run(curl + "http://refused.invalid/"); !strings.HasSuffix(out, "403") {
		t.Errorf("undeclared domain not refused by srt's proxy: exit %d, %q", code, out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSrtLoadsProbe: srt loads the settings file of a manifest holding
// everything the host formats hold differently — a file grant, narrow
// patterns (one writable, one srt skips), several hosts on different
// ports, a wildcard, IPv6, loopback, "*" (left out), blockPrivate
// (deniedResolvedAddresses) and credential paths — and runs a command
// under it (exit 0): srt refuses a whole file for one entry it does not
// take, so a file it refuses would deny everything.
func TestSrtLoadsProbe(t *testing.T) {
	requireTool(t, "srt", "bwrap", "socat", "rg")
	srt, _ := exec.LookPath("srt")
	dir, err := os.MkdirTemp("", "capgate-srt-probe-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Mkdir(filepath.Join(dir, "run"), 0o755))
	caps := []string{
		"fs:read:/srv/cfg/app.json", "fs:read:/data/src/**/*.go", "fs:read:/data/*/x.txt", "fs:write:/tmp/w/a*/b",
		"fs:read:/d*/y", "fs:read:/home/u/.ssh/config", "fs:read:" + dir + "/run/**",
		"net:connect:a.example.com:443", "net:connect:b.example.com:8443", "net:connect:*.cdn.example.com:443",
		`net:connect:"2001:db8::1":443`, "net:connect:localhost:8080", "net:connect:127.0.0.1:9000", "net:connect:*",
		"net:connect:10.0.0.5:5432", "env:inject:TOKEN", "exec:spawn:git", "ipc:connect:x11",
	}
	b, _ := json.Marshal(caps)
	settings, config := writeSrtSettings(t, dir, `{"name":"probe","version":"1","tools":[{"name":"t","capabilities":`+string(b)+`}]}`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, srt, "--settings", settings, "-c", "echo loaded")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + filepath.Join(dir, "run")}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "loaded") {
		t.Fatalf("srt refused the probe's settings: %v\n%s\n%s", err, out, config)
	}
}

// writeSrtSettings compiles the manifest src to srt settings, writes them
// into dir under the file name the target gives, and returns their path
// and text.
func writeSrtSettings(t *testing.T, dir, src string) (settings, config string) {
	t.Helper()
	r, err := compiler.Prepare([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := compiler.Lower(r, compiler.TargetSrt, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	settings = filepath.Join(dir, a.Filename)
	must(t, os.WriteFile(settings, []byte(a.Config), 0o644))
	return settings, a.Config
}

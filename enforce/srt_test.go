package enforce

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/razukc/capgate-action/compiler"
)

// TestSrtEnforces runs the settings file the srt target emits with the real
// srt (npm @anthropic-ai/sandbox-runtime, .ci/run installs it) and checks
// the filesystem boundaries the file is for, each next to a control that
// must pass in the same run: a read outside the declared paths fails, a
// write outside allowWrite fails. Every path is under a per-run temp dir.
func TestSrtEnforces(t *testing.T) {
	requireTool(t, "srt", "bwrap", "socat", "rg")
	srt, _ := exec.LookPath("srt")
	dir, err := os.MkdirTemp("", "capgate-srt-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"ws", "secret", "out"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, "ws", "in.txt"), []byte("hello\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "secret", "key"), []byte("topsecret\n"), 0o644))

	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "declared-ok") }))
	defer allowed.Close()
	_, port, _ := net.SplitHostPort(allowed.Listener.Addr().String())

	ws := filepath.Join(dir, "ws")
	src := fmt.Sprintf(`{"name":"srt-test","version":"1","tools":[{"name":"t","capabilities":[
		"fs:read,write:%s/**","net:connect:127.0.0.1:%s"]}]}`, ws, port)
	r, err := compiler.Prepare([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := compiler.Lower(r, compiler.TargetSrt, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(dir, a.Filename)
	must(t, os.WriteFile(settings, []byte(a.Config), 0o644))

	run := func(script string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, srt, "--settings", settings, "-c", script)
		cmd.Dir = dir
		// Nothing of the runner's environment reaches the sandbox.
		cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir}
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

	if code, out := run("cat " + ws + "/in.txt"); code != 0 || !strings.Contains(out, "hello") {
		t.Fatalf("control: declared read: exit %d, %q", code, out)
	}
	if code, out := run("cat " + dir + "/secret/key"); code == 0 || strings.Contains(out, "topsecret") {
		t.Errorf("undeclared read succeeded: exit %d, %q", code, out)
	}
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
	// The network half (declared loopback port answers, undeclared port
	// and domain get srt's 403) is not asserted yet: with srt 0.0.83 on
	// this runner the declared destination itself gets an empty reply
	// through srt's proxy, so a refusal would prove nothing. See the
	// report of issue 14.
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

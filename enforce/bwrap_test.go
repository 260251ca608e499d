package enforce

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// runBwrap runs cmd inside the sandbox the bwrap artifact describes, the way
// a host launcher would: the emitted argv, then --setenv for each declared
// environment injection taken from env, then the command.
func runBwrap(t *testing.T, r *compiler.Result, env map[string]string, cmd ...string) (string, error) {
	t.Helper()
	a := r.Artifacts.Get(compiler.TargetBwrap)
	argv := slices.Clone(a.Argv)
	for _, name := range a.EnvInjections {
		if v, ok := env[name]; ok {
			argv = append(argv, "--setenv", name, v)
		}
	}
	argv = append(argv, "--")
	argv = append(argv, cmd...)
	c := exec.Command("bwrap", argv...)
	c.Env = []string{"PATH=/usr/bin:/bin", "CAPGATE_TEST_SECRET=must-not-leak"}
	for k, v := range env {
		c.Env = append(c.Env, k+"="+v)
	}
	out, err := c.CombinedOutput()
	return string(out), err
}

// makeTree creates files (path -> content) and removes the top directories
// when the test ends.
func makeTree(t *testing.T, files map[string]string) {
	t.Helper()
	for p, content := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compileRelocated compiles a bundled conformance manifest with the fixed
// path from moved to the same path under a fresh directory of this test, so
// that no run depends on, or leaves, a fixed host path. It returns the
// result and the new path.
func compileRelocated(t *testing.T, name, from string) (*compiler.Result, string) {
	t.Helper()
	b, err := os.ReadFile(conformanceManifest(name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `:`+from+`/`) {
		t.Fatalf("%s does not name %s", name, from)
	}
	to := filepath.Join(t.TempDir(), from)
	return compileText(t, strings.ReplaceAll(string(b), `:`+from+`/`, `:`+to+`/`)), to
}

// DVMCP challenge 3: the server may read public/ and reads private/ next to
// it. Under the compiled sandbox the attack fails: private/ does not exist.
func TestBwrapChallenge3(t *testing.T) {
	requireTool(t, "bwrap")
	r, dir := compileRelocated(t, "dvmcp-challenge3-excessive-permission", "/tmp/dvmcp_challenge3")
	makeTree(t, map[string]string{
		dir + "/public/welcome.txt":            "public notes\n",
		dir + "/private/employee_salaries.txt": "CEO: 1,000,000\n",
	})

	out, err := runBwrap(t, r, nil, "cat", dir+"/public/welcome.txt")
	if err != nil || out != "public notes\n" {
		t.Fatalf("reading the declared public file: %v\n%s", err, out)
	}
	out, err = runBwrap(t, r, nil, "cat", dir+"/private/employee_salaries.txt")
	if err == nil || strings.Contains(out, "CEO") || !strings.Contains(out, "No such file") {
		t.Fatalf("the private file is readable inside the sandbox (err=%v):\n%s", err, out)
	}
	out, _ = runBwrap(t, r, nil, "ls", dir)
	if strings.TrimSpace(out) != "public" {
		t.Fatalf("the sandbox sees %q in %s, want only public", out, dir)
	}
	// The mount is read-only: fs:read grants no writes.
	out, err = runBwrap(t, r, nil, "sh", "-c", "echo x > "+dir+"/public/new.txt")
	if err == nil || !strings.Contains(out, "Read-only file system") {
		t.Fatalf("write to a read-only mount: err=%v out=%s", err, out)
	}
}

// Read-only and read-write mounts, environment and network.
func TestBwrapModesEnvNetwork(t *testing.T) {
	requireTool(t, "bwrap")
	dir := t.TempDir()
	makeTree(t, map[string]string{
		dir + "/ro/file.txt": "ro\n",
		dir + "/rw/file.txt": "rw\n",
		dir + "/other/x.txt": "not granted\n",
	})
	r := compileText(t, `{"name": "modes", "version": "1", "tools": [{"name": "t", "capabilities": [
		"fs:read:`+dir+`/ro/", "fs:read,write:`+dir+`/rw/", "env:inject:API_TOKEN", "env:read:LANG_HINT"]}]}`)
	env := map[string]string{"API_TOKEN": "tok-123", "LANG_HINT": "en", "UNDECLARED": "nope"}

	if out, err := runBwrap(t, r, env, "sh", "-c", "echo x > "+dir+"/ro/new.txt"); err == nil || !strings.Contains(out, "Read-only file system") {
		t.Errorf("write to the read-only mount succeeded or failed oddly: err=%v out=%s", err, out)
	}
	if _, err := os.Stat(dir + "/ro/new.txt"); err == nil {
		t.Errorf("a file appeared in the read-only directory on the host")
	}
	if out, err := runBwrap(t, r, env, "sh", "-c", "echo written > "+dir+"/rw/new.txt"); err != nil {
		t.Errorf("write to the read-write mount failed: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(dir + "/rw/new.txt"); err != nil || string(b) != "written\n" {
		t.Errorf("the read-write mount did not reach the host: %q %v", b, err)
	}
	if out, err := runBwrap(t, r, env, "cat", dir+"/other/x.txt"); err == nil {
		t.Errorf("an undeclared sibling directory is readable: %s", out)
	}

	out, err := runBwrap(t, r, env, "env")
	if err != nil {
		t.Fatalf("env: %v\n%s", err, out)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		names = append(names, strings.SplitN(l, "=", 2)[0])
	}
	sort.Strings(names)
	// PWD is set by bwrap itself to the working directory it enters.
	want := []string{"API_TOKEN", "HOME", "LANG_HINT", "PATH", "PWD"}
	if !slices.Equal(names, want) {
		t.Errorf("environment inside the sandbox has %v, want exactly %v\n%s", names, want, out)
	}
	if strings.Contains(out, "must-not-leak") || strings.Contains(out, "UNDECLARED") {
		t.Errorf("the host environment leaked into the sandbox:\n%s", out)
	}

	out, err = runBwrap(t, r, env, "cat", "/proc/net/dev")
	if err != nil {
		t.Fatalf("/proc/net/dev: %v\n%s", err, out)
	}
	var ifaces []string
	for _, l := range strings.Split(out, "\n")[2:] {
		if name, _, ok := strings.Cut(strings.TrimSpace(l), ":"); ok {
			ifaces = append(ifaces, name)
		}
	}
	if !slices.Equal(ifaces, []string{"lo"}) {
		t.Errorf("network interfaces inside the sandbox: %v, want only lo", ifaces)
	}
}

// DVMCP challenge 8: the log reader reads its logs and nothing else.
func TestBwrapChallenge8(t *testing.T) {
	requireTool(t, "bwrap")
	r, dir := compileRelocated(t, "dvmcp-challenge8-code-execution", "/tmp/dvmcp_challenge8")
	makeTree(t, map[string]string{
		dir + "/logs/app.log":    "INFO started\n",
		dir + "/secrets/key.txt": "sk-live\n",
	})
	if out, err := runBwrap(t, r, nil, "cat", dir+"/logs/app.log"); err != nil || out != "INFO started\n" {
		t.Fatalf("reading the declared log: %v %q", err, out)
	}
	for _, p := range []string{dir + "/secrets/key.txt", "/etc/passwd", "/etc/shadow", "/root"} {
		if out, err := runBwrap(t, r, nil, "ls", p); err == nil {
			t.Errorf("%s is visible inside the sandbox: %s", p, out)
		}
	}
}

// The github server: read-write /workspace, its token, nothing else.
func TestBwrapGithub(t *testing.T) {
	requireTool(t, "bwrap")
	r, ws := compileRelocated(t, "github", "/workspace")
	makeTree(t, map[string]string{ws + "/README.md": "hello\n"})
	env := map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_test"}
	out, err := runBwrap(t, r, env, "sh", "-c", "cat "+ws+"/README.md && echo patched > "+ws+"/patch.txt && printenv GITHUB_PERSONAL_ACCESS_TOKEN")
	if err != nil || out != "hello\nghp_test\n" {
		t.Fatalf("workspace read/write and token: %v %q", err, out)
	}
	if b, _ := os.ReadFile(ws + "/patch.txt"); string(b) != "patched\n" {
		t.Errorf("the write did not reach the host workspace")
	}
	if out, err := runBwrap(t, r, env, "ls", "/root"); err == nil {
		t.Errorf("/root is visible: %s", out)
	}
	if out, err := runBwrap(t, r, env, "cat", "/proc/net/dev"); err != nil || strings.Count(out, ":") != 1 {
		t.Errorf("the github sandbox has a network beyond lo:\n%s", out)
	}
}

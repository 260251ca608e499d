package enforce

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/launch"
)

// fs:read,write:<d>/home/x.txt is lowered to a writable <d>/home, whose
// declared path sorts after fs:read:<d>/home/u/.ssh/**: capgate emits its
// bind last, which hides the read-only .ssh. The emitted sandbox keeps .ssh
// read-only and /home writable. As a control, the same argv with the two
// binds in capgate's order lets the write into .ssh through, so the probe
// can tell the two apart.
func TestBwrapParentBeforeChild(t *testing.T) {
	requireTool(t, "bwrap")
	d := t.TempDir()
	home, ssh := filepath.Join(d, "home"), filepath.Join(d, "home", "u", ".ssh")
	makeTree(t, map[string]string{filepath.Join(ssh, "id"): "key\n", filepath.Join(home, "x.txt"): "x\n"})
	r := compileText(t, fmt.Sprintf(`{"name": "o", "version": "1", "tools": [{"name": "t", "capabilities": ["fs:read:%s/**", "fs:read,write:%s/x.txt"]}]}`, ssh, home))
	argv := r.Artifacts.Get(compiler.TargetBwrap).Argv
	hi := slices.Index(argv, home)
	si := slices.Index(argv, ssh)
	if hi < 0 || si < 0 || argv[hi-1] != "--bind" || argv[si-1] != "--ro-bind" || hi > si {
		t.Fatalf("want --bind %s before --ro-bind %s in %q", home, ssh, argv)
	}
	probe := fmt.Sprintf("echo new > %s/new && echo ok-home; echo x > %s/id && echo ok-ssh; exit 0", home, ssh)
	out, err := runBwrap(t, r, nil, "/bin/sh", "-c", probe)
	if err != nil {
		t.Fatalf("bwrap: %v\n%s", err, out)
	}
	if !strings.Contains(out, "ok-home") || strings.Contains(out, "ok-ssh") {
		t.Errorf("emitted order: want /home writable and .ssh read-only, got:\n%s", out)
	}
	if b, _ := os.ReadFile(filepath.Join(ssh, "id")); string(b) != "key\n" {
		t.Errorf("the host's %s/id was changed: %q", ssh, b)
	}

	// Control: capgate's order, the ro .ssh bind first, then /home.
	capgate := slices.Clone(argv)
	copy(capgate[si-1:si+2], []string{"--bind", home, home})
	copy(capgate[hi-1:hi+2], []string{"--ro-bind", ssh, ssh})
	b, err := exec.Command("bwrap", append(capgate, "--", "/bin/sh", "-c", probe)...).CombinedOutput()
	if out = string(b); err != nil {
		t.Fatalf("bwrap (control): %v\n%s", err, out)
	}
	if !strings.Contains(out, "ok-ssh") {
		t.Errorf("control, capgate's order: want .ssh writable (hidden by /home), got:\n%s", out)
	}
}

// The bwrap argv sets PATH and HOME itself after --clearenv, so what an
// env:inject of either does depends on the launcher, as capgate diff's note
// on such a change says: a --setenv after the argv (runBwrap's order)
// replaces the sandbox's value, one before the argv is cleared.
func TestBwrapInjectedHomeOrder(t *testing.T) {
	requireTool(t, "bwrap")
	r := compileText(t, `{"name": "e", "version": "1", "tools": [{"name": "t", "capabilities": ["env:inject:HOME"]}]}`)
	after, err := runBwrap(t, r, map[string]string{"HOME": "/injected"}, "/bin/sh", "-c", `echo "$HOME"`)
	if err != nil || strings.TrimSpace(after) != "/injected" {
		t.Errorf("--setenv HOME after the argv: HOME=%q (%v), want /injected", after, err)
	}
	argv := append([]string{"--setenv", "HOME", "/injected"}, r.Artifacts.Get(compiler.TargetBwrap).Argv...)
	b, err := exec.Command("bwrap", append(argv, "--", "/bin/sh", "-c", `echo "$HOME"`)...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(b)) != "/tmp" {
		t.Errorf("--setenv HOME before the argv: HOME=%q (%v), want the sandbox's /tmp", b, err)
	}
}

// TestBwrapSameDestination: of two binds of one destination bwrap mounts
// the later on top, so --bind X X --ro-bind X X is read-only and the
// reverse writable; a later -try bind whose source is missing is skipped,
// leaving the earlier. The launch reader's grants say the same: the
// hidden bind is no grant (it read as "read-only made writable").
func TestBwrapSameDestination(t *testing.T) {
	requireTool(t, "bwrap")
	d := t.TempDir()
	x := filepath.Join(d, "x")
	makeTree(t, map[string]string{filepath.Join(x, "f"): "f\n"})
	missing := filepath.Join(d, "missing")
	for _, tc := range []struct {
		name     string
		binds    []string
		writable bool
	}{
		{"writable then read-only", []string{"--bind", x, x, "--ro-bind", x, x}, false},
		{"read-only then writable", []string{"--ro-bind", x, x, "--bind", x, x}, true},
		{"a later try bind skipped", []string{"--bind", x, x, "--ro-bind-try", missing, x}, true},
		{"another source on top", []string{"--bind", x, x, "--ro-bind", d, x}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			argv := append([]string{"--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"}, tc.binds...)
			probe := fmt.Sprintf("echo new > %s/f && echo writable; exit 0", x)
			b, err := exec.Command("bwrap", append(argv, "--", "/bin/sh", "-c", probe)...).CombinedOutput()
			if err != nil {
				t.Fatalf("bwrap: %v\n%s", err, b)
			}
			if got := strings.Contains(string(b), "writable"); got != tc.writable {
				t.Fatalf("bwrap: writable %t, want %t:\n%s", got, tc.writable, b)
			}
			q := make([]string, len(argv))
			for i, a := range argv {
				q[i] = strconv.Quote(a)
			}
			cfg, err := launch.Parse(".mcp.json", []byte(`{"mcpServers": {"s": {"command": "bwrap", "args": [`+strings.Join(q, ", ")+`, "--", "/bin/true"]}}}`))
			if err != nil {
				t.Fatal(err)
			}
			reads := false
			for _, g := range cfg.Entries[0].Grants {
				reads = reads || (g.Kind == launch.GFS && g.Dest == x && g.Write)
			}
			if reads != tc.writable {
				t.Errorf("launch grants: %s writable %t, bwrap %t: %+v", x, reads, tc.writable, cfg.Entries[0].Grants)
			}
		})
	}
}

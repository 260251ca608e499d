package enforce

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/podmantest"
	"github.com/razukc/capgate-action/sandbox"
)

// The families of issue 19: pull requests whose mounts look the same as a
// set but that the kernel applies differently. Each runs the emitted argv
// of base and head under bwrap (and the docker target under podman) with a
// probe that writes a file, and checks (1) that the effective view
// (package sandbox) says what the probe saw, on both sides, and (2) that
// the diff reports the path widened exactly when the probe could write it
// in the head and not in the base.

// viewFamily is one pull request: base and head tools (capability lists,
// "@" standing for the test's own root directory) and the file the probe
// appends to, below the root.
type viewFamily struct {
	name       string
	base, head [][]string
	probe      string
}

var viewFamilies = []viewFamily{
	{"read-only child dropped",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app"}}, "/srv/app/secret/f"},
	{"read-only child replaced by another path",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/other"}}, "/srv/app/secret/f"},
	{"read-only child moved to another tool",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app"}, {"fs:read:@/srv/app/secret"}}, "/srv/app/secret/f"},
	{"read-only child given as a file",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/key.pem"}},
		[][]string{{"fs:read,write:@/srv/app"}}, "/srv/app/secret/f"},
	{"parent rewritten to merge the child",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app/", "fs:read:@/srv/app/secret"}}, "/srv/app/secret/f"},
	{"parent declared as a file that sorts after the child",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app/zz.conf", "fs:read:@/srv/app/secret"}}, "/srv/app/secret/f"},
	{"parent declared as a file-like glob that sorts after the child",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app/zz.d/**", "fs:read:@/srv/app/secret"}}, "/srv/app/secret/f"},
	{"two binds of one path, rw then ro, become one rw",
		[][]string{{"fs:read,write:@/srv/app/a.txt", "fs:read:@/srv/app/zz.conf"}},
		[][]string{{"fs:read,write:@/srv/app/a.txt"}}, "/srv/app/f"},
	{"ipc unix bind over a read-only child",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", `ipc:connect:"unix:@/srv/app"`}}, "/srv/app/secret/f"},
	{"writable file bind inside a read-only child",
		[][]string{{"fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read:@/srv/app/secret", `ipc:connect:"unix:@/srv/app/secret/sock"`}}, "/srv/app/secret/sock"},
	{"writable child hidden by a later read-only parent becomes visible",
		[][]string{{"fs:read:@/srv/app/zz.conf", "fs:read,write:@/srv/app/cache"}},
		[][]string{{"fs:read,write:@/srv/app/cache"}}, "/srv/app/cache/f"},
	{"unchanged: the read-only child stays",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read:@/srv/app/secret", "fs:read,write:@/srv/app"}}, "/srv/app/secret/f"},
}

// viewManifest is a manifest of tools, "@" replaced by root.
func viewManifest(root string, tools [][]string) string {
	var ts []string
	for i, caps := range tools {
		q := make([]string, len(caps))
		for j, c := range caps {
			q[j] = fmt.Sprintf("%q", strings.ReplaceAll(c, "@", root))
		}
		ts = append(ts, fmt.Sprintf(`{"name": "t%d", "capabilities": [%s]}`, i, strings.Join(q, ", ")))
	}
	return `{"name": "n", "version": "1", "tools": [` + strings.Join(ts, ", ") + `]}`
}

// viewTree creates the files the families probe under root.
func viewTree(t *testing.T, root string) {
	t.Helper()
	files := map[string]string{}
	for _, f := range []string{"/srv/app/f", "/srv/app/a.txt", "/srv/app/zz.conf", "/srv/app/secret/f", "/srv/app/secret/key.pem",
		"/srv/app/secret/sock", "/srv/app/cache/f", "/srv/app/zz.d/f", "/srv/other/f",
		"/srv/app/cache/keep/f", "/srv/app/secret/sub/f", "/srv/app/secret/a/b/c/d/f"} {
		files[root+f] = "x\n"
	}
	makeTree(t, files)
}

// bwrapWrites reports whether a process in the sandbox argv describes
// can append to the host file path (a write to a tmpfs over it does not
// count).
func bwrapWrites(t *testing.T, argv []string, path string) bool {
	t.Helper()
	mark := randHex(8)
	args := append(append([]string{}, argv...), "--", "/bin/sh", "-c", `echo "$2" >> "$1"`, "sh", path, mark)
	c := exec.Command("bwrap", args...)
	c.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := c.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("bwrap: %v", err)
	}
	if err != nil && !strings.Contains(string(out), "sh:") {
		t.Fatalf("bwrap did not run the probe: %v\n%s", err, out)
	}
	return hostHas(t, path, mark)
}

// hostHas reports whether the host file path holds mark.
func hostHas(t *testing.T, path, mark string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), mark)
}

// viewWrites is what the effective view says of writing path.
func viewWrites(s *sandbox.Sandbox, path string) bool {
	a, _ := s.View().Host(path)
	return a >= sandbox.Write
}

// widenedAt reports whether cs holds a widened fs row of target whose
// After names path or a directory above it.
func widenedAt(cs []diff.Change, target, path string) bool {
	for _, c := range cs {
		if c.Severity != diff.Widened || c.Kind != "fs" {
			continue
		}
		if !c.Target.Has(target) {
			continue
		}
		f := strings.Fields(c.After)
		if len(f) >= 2 && sandbox.Under(path, f[1]) {
			return true
		}
	}
	return false
}

// refusedIn reports whether the model of a docker argv holds a refused
// duplicate destination.
func refusedIn(s *sandbox.Sandbox) bool {
	for _, u := range s.Unknown {
		if strings.HasPrefix(u.Text, "duplicate mount destination ") {
			return true
		}
	}
	return false
}

// widenedKind reports whether cs holds a widened row of kind for target.
func widenedKind(cs []diff.Change, target, kind string) bool {
	for _, c := range cs {
		if c.Severity == diff.Widened && string(c.Kind) == kind && c.Target.Has(target) {
			return true
		}
	}
	return false
}

func TestBwrapViewFamilies(t *testing.T) {
	requireTool(t, "bwrap")
	for _, fam := range viewFamilies {
		t.Run(fam.name, func(t *testing.T) {
			t.Parallel()
			bwrapFamily(t, fam)
		})
	}
}

// bwrapFamily runs the bwrap target of one family's base and head with a
// write probe and checks the view and the diff against what bwrap did.
func bwrapFamily(t *testing.T, fam viewFamily) {
	t.Helper()
	root := t.TempDir()
	viewTree(t, root)
	base := compileText(t, viewManifest(root, fam.base))
	head := compileText(t, viewManifest(root, fam.head))
	p := root + fam.probe
	bArgv, hArgv := base.Artifacts.Get(compiler.TargetBwrap).Argv, head.Artifacts.Get(compiler.TargetBwrap).Argv
	bw, hw := bwrapWrites(t, bArgv, p), bwrapWrites(t, hArgv, p)
	t.Logf("%s: bwrap write: base %v, head %v", fam.name, bw, hw)
	if v := viewWrites(sandbox.ReadBwrap(bArgv), p); v != bw {
		t.Errorf("base: the view says write=%v, bwrap %v\n%q", v, bw, bArgv)
	}
	if v := viewWrites(sandbox.ReadBwrap(hArgv), p); v != hw {
		t.Errorf("head: the view says write=%v, bwrap %v\n%q", v, hw, hArgv)
	}
	cs := diff.Compare(base, head)
	if got, want := widenedAt(cs, compiler.TargetBwrap, p), hw && !bw; got != want {
		t.Errorf("diff says widened=%v at %s, bwrap: base write=%v, head write=%v\nbase %q\nhead %q\n%+v", got, fam.probe, bw, hw, bArgv, hArgv, cs)
	}
}

// TestBwrapViewHandWritten runs hand-written argv, so that the families
// hold whatever order the compiler emits: each pair is base and head
// mounts (after the fixed system binds), and the path the probe appends
// to.
func TestBwrapViewHandWritten(t *testing.T) {
	requireTool(t, "bwrap")
	sys := []string{"--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--ro-bind-try", "/lib", "/lib",
		"--ro-bind-try", "/lib64", "/lib64", "--ro-bind", "/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"}
	for _, tc := range []struct {
		name       string
		base, head []string
		probe      string
	}{
		{"child before parent hides it",
			[]string{"--bind", "@/srv/app", "@/srv/app", "--ro-bind", "@/srv/app/secret", "@/srv/app/secret"},
			[]string{"--ro-bind", "@/srv/app/secret", "@/srv/app/secret", "--bind", "@/srv/app", "@/srv/app"}, "/srv/app/secret/f"},
		{"ro then rw of one path is rw",
			[]string{"--bind", "@/srv/app", "@/srv/app", "--ro-bind", "@/srv/app", "@/srv/app"},
			[]string{"--ro-bind", "@/srv/app", "@/srv/app", "--bind", "@/srv/app", "@/srv/app"}, "/srv/app/f"},
		{"tmpfs over a writable child hides it",
			[]string{"--bind", "@/srv/app", "@/srv/app", "--tmpfs", "@/srv/app/cache"},
			[]string{"--bind", "@/srv/app", "@/srv/app"}, "/srv/app/cache/f"},
		{"file bind inside a read-only directory",
			[]string{"--ro-bind", "@/srv/app", "@/srv/app"},
			[]string{"--ro-bind", "@/srv/app", "@/srv/app", "--bind", "@/srv/app/f", "@/srv/app/f"}, "/srv/app/f"},
		{"remount read-only dropped",
			[]string{"--bind", "@/srv/app", "@/srv/app", "--remount-ro", "@/srv/app"},
			[]string{"--bind", "@/srv/app", "@/srv/app"}, "/srv/app/f"},
		{"remount read-only leaves a later bind writable",
			[]string{"--bind", "@/srv/app", "@/srv/app", "--remount-ro", "@/srv/app", "--bind", "@/srv/app/cache", "@/srv/app/cache"},
			[]string{"--bind", "@/srv/app", "@/srv/app", "--bind", "@/srv/app/cache", "@/srv/app/cache", "--remount-ro", "@/srv/app"}, "/srv/app/cache/f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			viewTree(t, root)
			sub := func(a []string) []string {
				out := append([]string{}, sys...)
				for _, x := range a {
					out = append(out, strings.ReplaceAll(x, "@", root))
				}
				return out
			}
			b, h, p := sub(tc.base), sub(tc.head), root+tc.probe
			bw, hw := bwrapWrites(t, b, p), bwrapWrites(t, h, p)
			bs, hs := sandbox.ReadBwrap(b), sandbox.ReadBwrap(h)
			if v := viewWrites(bs, p); v != bw {
				t.Errorf("base: the view says write=%v, bwrap %v", v, bw)
			}
			if v := viewWrites(hs, p); v != hw {
				t.Errorf("head: the view says write=%v, bwrap %v", v, hw)
			}
			widened := false
			for _, d := range sandbox.Compare(bs, hs) {
				widened = widened || d.Severity == sandbox.Widened
			}
			if hw && !bw && !widened {
				t.Errorf("bwrap: base write=%v, head write=%v, and Compare finds no widening", bw, hw)
			}
		})
	}
}

// podmanWrites reports whether a process in the container the docker argv
// describes can append to the file at path (in the container), seen on
// the host; refused is set when podman refuses to start the container. Host sides outside root are moved under
// root/host (the container side stays), so no run touches a fixed host
// path; every host side is created as a directory unless it exists.
func podmanWrites(t *testing.T, image, root string, argv []string, path string) (wrote, refused bool) {
	t.Helper()
	var args []string
	for i := 0; i < len(argv); i++ {
		if argv[i] != "--volume" || i+1 == len(argv) {
			args = append(args, argv[i])
			continue
		}
		i++
		src, rest, _ := strings.Cut(argv[i], ":")
		if !strings.HasPrefix(src, root+"/") {
			src = filepath.Join(root, "host", src)
		}
		if _, err := os.Stat(src); err != nil {
			if err := os.MkdirAll(src, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		args = append(args, "--volume", src+":"+rest)
	}
	mark := randHex(8)
	args = append(args, image, "/bin/sh", "-c", `echo "$2" >> "$1"; echo ran`, "sh", path, mark)
	c := podmantest.Command(append([]string{"run", "--rm", "--name", podmantest.UniqueName("capgate-view")}, args...)...)
	b, _ := c.CombinedOutput()
	out := string(b)
	if strings.Contains(out, "duplicate mount destination") {
		return false, true
	}
	if !strings.Contains(out, "ran") {
		t.Fatalf("podman did not run the probe:\n%s", out)
	}
	host := path
	if !strings.HasPrefix(host, root+"/") {
		host = filepath.Join(root, "host", path)
	}
	return hostHas(t, host, mark), false
}

// TestPodmanViewFamilies runs the docker target of every family, and
// docker's own (fs:read,write:/tmp losing ipc:connect:x11), under podman.
func TestPodmanViewFamilies(t *testing.T) {
	image := probeImage(t)
	fams := append([]viewFamily{{"docker: /tmp loses the read-only x11 socket directory",
		[][]string{{"fs:read,write:/tmp", "ipc:connect:x11"}},
		[][]string{{"fs:read,write:/tmp"}}, "/tmp/.X11-unix/f"}}, viewFamilies...)
	for _, fam := range fams {
		t.Run(fam.name, func(t *testing.T) { podmanFamily(t, image, fam) })
	}
}

// podmanFamily runs the docker target of one family's base and head under
// podman with a write probe and checks the view and the diff against what
// podman did (or that the diff fails closed when podman refuses the head).
func podmanFamily(t *testing.T, image string, fam viewFamily) {
	t.Helper()
	root := t.TempDir()
	viewTree(t, root)
	makeTree(t, map[string]string{root + "/host/tmp/.X11-unix/f": "x\n"})
	base := compileText(t, viewManifest(root, fam.base))
	head := compileText(t, viewManifest(root, fam.head))
	p := fam.probe
	if !strings.HasPrefix(p, "/tmp/") {
		p = root + p
	}
	bArgv, hArgv := base.Artifacts.Get(compiler.TargetDocker).Argv, head.Artifacts.Get(compiler.TargetDocker).Argv
	bw, bRefused := podmanWrites(t, image, root, bArgv, p)
	hw, hRefused := podmanWrites(t, image, root, hArgv, p)
	t.Logf("%s: podman write: base %v (refused %v), head %v (refused %v)", fam.name, bw, bRefused, hw, hRefused)
	for _, side := range []struct {
		name          string
		argv          []string
		wrote, refuse bool
	}{{"base", bArgv, bw, bRefused}, {"head", hArgv, hw, hRefused}} {
		s := sandbox.ReadDocker(side.argv)
		if side.refuse != refusedIn(s) {
			t.Errorf("%s: podman refused=%v, the model says refused=%v\n%q", side.name, side.refuse, refusedIn(s), side.argv)
		}
		if v := viewWrites(s, p); !side.refuse && v != side.wrote {
			t.Errorf("%s: the view says write=%v, podman %v\n%q", side.name, v, side.wrote, side.argv)
		}
	}
	cs := diff.Compare(base, head)
	if hRefused && !bRefused {
		// The head cannot be judged by what it runs: the diff
		// must fail closed.
		if !widenedKind(cs, compiler.TargetDocker, "argv") {
			t.Errorf("podman refuses the head, and the diff does not say so: %+v", cs)
		}
		return
	}
	if bRefused || hRefused {
		return
	}
	if got, want := widenedAt(cs, compiler.TargetDocker, p), hw && !bw; got != want {
		t.Errorf("diff says widened=%v at %s, podman: base write=%v, head write=%v\nbase %q\nhead %q\n%+v", got, p, bw, hw, bArgv, hArgv, cs)
	}
}

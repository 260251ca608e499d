package enforce

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/podmantest"
)

// mergeManifest declares grants that lower to one destination each:
// fs:read,write:<d>/d/a.txt and fs:read:<d>/d/zz.conf (both <d>/d),
// fs:read:<d>/e/ and the ipc bind of unix:<d>/e, and
// and, with x11, fs:read,write:/tmp/.X11-unix/ with ipc:connect:x11
// (read-only in docker; bwrap would bind the host's fixed /tmp/.X11-unix).
func mergeManifest(d string, x11 bool) string {
	more := ""
	if x11 {
		more = `, "fs:read,write:/tmp/.X11-unix/", "ipc:connect:x11"`
	}
	return fmt.Sprintf(`{"name": "m", "version": "1", "tools": [{"name": "t", "capabilities": [
		"fs:read,write:%[1]s/d/a.txt", "fs:read:%[1]s/d/zz.conf", "fs:read:%[1]s/e/", "ipc:connect:\"unix:%[1]s/e\""%[2]s]}]}`, d, more)
}

// The docker target of mergeManifest mounts one volume per destination,
// each writable (the widest mode declared there), podman starts it, and
// the probe reads zz.conf, appends to a.txt and writes in every volume
// (newDockerRun's checks). As a control, the argv with capgate's second
// volume at <d>/d put back is refused by podman: two mounts at one
// destination.
func TestPodmanOneVolumePerDestination(t *testing.T) {
	img := probeImage(t)
	dir := t.TempDir()
	r := compileText(t, mergeManifest(dir, true))
	d := newDockerRun(t, r, img)
	var dsts []string
	for _, v := range d.volumes {
		dsts = append(dsts, v.ctr)
		if !v.rw {
			t.Errorf("volume %s is read-only; a declared grant there writes", v.ctr)
		}
	}
	slices.Sort(dsts)
	want := []string{dir + "/d", dir + "/e", "/tmp/.X11-unix"}
	slices.Sort(want)
	if !slices.Equal(dsts, want) {
		t.Fatalf("volumes at %q, want one at each of %q: %q", dsts, want, r.Artifacts.Get(compiler.TargetDocker).Argv)
	}
	host := d.hostRoot + dir + "/d"
	makeTree(t, map[string]string{host + "/a.txt": "a\n", host + "/zz.conf": "zz\n"})
	f := d.probe(t, `echo "@zz $(cat `+dir+`/d/zz.conf)"`, `echo more >> `+dir+`/d/a.txt && echo @a-appended`)
	d.mustHold(t, f)
	if !strings.Contains(f.out, "@zz zz\n") || !strings.Contains(f.out, "@a-appended\n") {
		t.Errorf("want zz.conf read and a.txt appended:\n%s", f.out)
	}
	if b, _ := os.ReadFile(host + "/a.txt"); string(b) != "a\nmore\n" {
		t.Errorf("host a.txt is %q, want the append", b)
	}
	for _, n := range []string{"fs:read:" + dir + "/d/zz.conf", "fs:read:" + dir + "/e/"} {
		if !slices.ContainsFunc(r.Artifacts.Get(compiler.TargetDocker).Notes, func(s string) bool { return strings.HasPrefix(s, "fs: "+n+" is writable in the sandbox") }) {
			t.Errorf("no note that %s is writable: %q", n, r.Artifacts.Get(compiler.TargetDocker).Notes)
		}
	}

	// Control: capgate's argv adds a read-only volume at <d>/d.
	args := append([]string{"run", "--rm", "--name", podmantest.UniqueName("capgate-merge")}, d.argv...)
	args = append(args, "--volume", host+":"+dir+"/d:ro", img, "/bin/true")
	out, err := podmantest.Command(args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 125 || !strings.Contains(string(out), "duplicate mount destination") {
		t.Errorf("control: podman with two volumes at %s/d: %v\n%s", dir, err, out)
	}
}

// In bwrap the later of two binds of one path wins: capgate emits
// --bind <d>/d then --ro-bind <d>/d (a.txt sorts before zz.conf), which
// refuses the declared write to a.txt. The emitted argv binds <d>/d once,
// writable: a.txt is written, zz.conf read. The control (capgate's two
// binds) refuses the write, so the probe tells them apart.
func TestBwrapOneBindPerPath(t *testing.T) {
	requireTool(t, "bwrap")
	dir := t.TempDir()
	d := filepath.Join(dir, "d")
	makeTree(t, map[string]string{d + "/a.txt": "a\n", d + "/zz.conf": "zz\n", dir + "/e/sock": ""})
	r := compileText(t, mergeManifest(dir, false))
	argv := r.Artifacts.Get(compiler.TargetBwrap).Argv
	n := 0
	for i, w := range argv {
		if w == d && i > 0 && strings.Contains(argv[i-1], "bind") {
			n++
			if argv[i-1] != "--bind" {
				t.Errorf("%s is bound %s, want --bind", d, argv[i-1])
			}
		}
	}
	if n != 1 {
		t.Fatalf("%s bound %d times, want once: %q", d, n, argv)
	}
	probe := fmt.Sprintf("cat %[1]s/zz.conf && echo more >> %[1]s/a.txt && echo ok-a; exit 0", d)
	out, err := runBwrap(t, r, nil, "/bin/sh", "-c", probe)
	if err != nil {
		t.Fatalf("bwrap: %v\n%s", err, out)
	}
	if !strings.Contains(out, "zz\n") || !strings.Contains(out, "ok-a") {
		t.Errorf("want zz.conf read and a.txt written, got:\n%s", out)
	}

	// Control: capgate's binds, writable then read-only.
	i := slices.Index(argv, d)
	capgate := slices.Concat(argv[:i+2], []string{"--ro-bind", d, d}, argv[i+2:])
	b, err := exec.Command("bwrap", append(capgate, "--", "/bin/sh", "-c", probe)...).CombinedOutput()
	if out = string(b); err != nil {
		t.Fatalf("bwrap (control): %v\n%s", err, out)
	}
	if strings.Contains(out, "ok-a") {
		t.Errorf("control, capgate's two binds: want the write to a.txt refused, got:\n%s", out)
	}
}

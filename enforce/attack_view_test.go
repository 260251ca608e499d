package enforce

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/launch"
	"github.com/razukc/capgate-action/sandbox"
)

// attackFamilies are pull requests written to break the verdict, beyond
// the families of issue 19: deeper and three-level nesting, respelled
// paths, a writable file inside a read-only child, ipc binds over fs
// grants, grants split across tools, and write-like actions. Each is run
// like viewFamilies: the probe's outcome under bwrap (and podman) must
// agree with the view and with the diff's verdict.
var attackFamilies = []viewFamily{
	{"three levels ro/rw/ro: the innermost read-only dropped",
		[][]string{{"fs:read:@/srv/app", "fs:read,write:@/srv/app/cache", "fs:read:@/srv/app/cache/keep"}},
		[][]string{{"fs:read:@/srv/app", "fs:read,write:@/srv/app/cache"}}, "/srv/app/cache/keep/f"},
	{"three levels rw/ro/rw: the middle read-only dropped",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/sub"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read,write:@/srv/app/secret/sub"}}, "/srv/app/secret/f"},
	{"three levels rw/ro/rw: the inner writable still writes",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/sub"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/sub"}}, "/srv/app/secret/sub/f"},
	{"a read-only child five levels down dropped",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/a/b/c/d"}},
		[][]string{{"fs:read,write:@/srv/app"}}, "/srv/app/secret/a/b/c/d/f"},
	{"unchanged: the child respelled with a trailing slash",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/"}}, "/srv/app/secret/f"},
	{"unchanged: the child respelled with doubled slashes",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:/@/srv/app//secret"}}, "/srv/app/secret/f"},
	{"unchanged: the child declared as a file pattern inside it",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/*.pem"}}, "/srv/app/secret/f"},
	{"a writable file declared inside the read-only child",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/x.txt"}}, "/srv/app/secret/f"},
	{"an ipc socket path that is the read-only child directory",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", `ipc:connect:"unix:@/srv/app/secret"`}}, "/srv/app/secret/f"},
	{"an ipc path with a trailing slash over a read-only parent",
		[][]string{{"fs:read:@/srv/app"}},
		[][]string{{"fs:read:@/srv/app", `ipc:connect:"unix:@/srv/app/"`}}, "/srv/app/f"},
	{"read-only in one tool, write-only of the same directory in another",
		[][]string{{"fs:read:@/srv/app"}},
		[][]string{{"fs:read:@/srv/app"}, {"fs:write:@/srv/app/"}}, "/srv/app/f"},
	{"delete alone mounts writable",
		[][]string{{"fs:read:@/srv/app"}},
		[][]string{{"fs:delete:@/srv/app"}}, "/srv/app/f"},
}

func TestBwrapAttackFamilies(t *testing.T) {
	requireTool(t, "bwrap")
	for _, fam := range attackFamilies {
		t.Run(fam.name, func(t *testing.T) {
			t.Parallel()
			bwrapFamily(t, fam)
		})
	}
}

func TestPodmanAttackFamilies(t *testing.T) {
	image := probeImage(t)
	for _, fam := range attackFamilies {
		t.Run(fam.name, func(t *testing.T) { podmanFamily(t, image, fam) })
	}
}

// TestBwrapSymlinkInsideWritable: a new writable bind of a path inside a
// writable bind looks like no change to the view, but the path is a
// symlink on the host (a checked-out repository can hold one) to the
// read-only child, and bwrap follows it: the head's argv writes the child,
// the base's does not, and the diff must say widened.
func TestBwrapSymlinkInsideWritable(t *testing.T) {
	requireTool(t, "bwrap")
	root := t.TempDir()
	viewTree(t, root)
	if err := os.Symlink("secret", root+"/srv/app/zcache"); err != nil {
		t.Fatal(err)
	}
	base := compileText(t, viewManifest(root, [][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}}))
	head := compileText(t, viewManifest(root, [][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/zcache"}}))
	p := root + "/srv/app/secret/f"
	bArgv, hArgv := base.Artifacts.Get(compiler.TargetBwrap).Argv, head.Artifacts.Get(compiler.TargetBwrap).Argv
	bw, hw := bwrapWrites(t, bArgv, p), bwrapWrites(t, hArgv, p)
	if bw || !hw {
		t.Fatalf("bwrap: base write=%v, head write=%v; the probe's premise fails\nbase %q\nhead %q", bw, hw, bArgv, hArgv)
	}
	if !widenedKind(diff.Compare(base, head), compiler.TargetBwrap, "fs") {
		t.Errorf("bwrap writes the read-only child through the new bind of a symlink, and the diff finds no fs widening")
	}
}

// TestBwrapProcWithoutPidNamespace: a launch config's `bwrap --proc /proc`
// without --unshare-pid shows the host's processes (the probe counts more
// than the sandbox's own), and the launch reader calls it the host's
// /proc, loud; with --unshare-pid it shows only the sandbox's.
func TestBwrapProcWithoutPidNamespace(t *testing.T) {
	requireTool(t, "bwrap")
	sys := []string{"--unshare-net", "--ro-bind", "/usr", "/usr", "--ro-bind", "/bin", "/bin", "--ro-bind", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64"}
	for _, tc := range []struct {
		extra    []string
		hostProc bool
	}{
		{[]string{"--proc", "/proc"}, true},
		{[]string{"--unshare-pid", "--proc", "/proc"}, false},
	} {
		argv := append(append(append([]string{}, sys...), tc.extra...), "--", "/bin/sh", "-c", `ls /proc | grep -c '^[0-9]'`)
		out, err := exec.Command("bwrap", argv...).Output()
		if err != nil {
			t.Fatalf("bwrap %q: %v", argv, err)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		// The sandbox's own: sh, ls, grep (and bwrap's init with --unshare-pid).
		if sees := n > 4; sees != tc.hostProc {
			t.Fatalf("%q: %d processes visible; premise hostProc=%v fails", tc.extra, n, tc.hostProc)
		}
		loud := false
		for _, g := range launch.BwrapGrants(argv) {
			loud = loud || (g.Kind == launch.GFS && g.Key == "/proc" && g.Loud)
		}
		if loud != tc.hostProc {
			t.Errorf("%q: bwrap shows host processes=%v, the launch reader's loud /proc=%v", tc.extra, tc.hostProc, loud)
		}
	}
}

// TestBwrapDestAsBwrapResolvesIt: bubblewrap mounts a destination below
// the new root with its leading slashes dropped ("tmp/h" is /tmp/h, ""
// the root itself) and lets the kernel resolve a ".." in it through the
// links inside the sandbox (/tmp/l/../h with /tmp/l a link to x/y is
// /tmp/x/h). The view read "tmp/h" and "" as paths of their own and
// "/tmp/l/../h" as /tmp/h, so a writable bind the head really shows was
// hidden in its view (or one the base hid was visible in the base's):
// each case writes through the head only, and the diff must say widened.
func TestBwrapDestAsBwrapResolvesIt(t *testing.T) {
	requireTool(t, "bwrap")
	sys := []string{"--ro-bind", "/usr", "/usr", "--ro-bind", "/bin", "/bin", "--ro-bind", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64", "--tmpfs", "/tmp"}
	link := []string{"--dir", "/tmp/x/y", "--symlink", "x/y", "/tmp/l"}
	for _, tc := range []struct {
		name       string
		base, head func(h string) []string
		inside     string // the probe's path inside the sandbox
		onHost     string // where it lands, below the bound directory
	}{
		{"a relative tmpfs hid the bind in the base",
			func(h string) []string { return cat(sys, []string{"--bind", h, "/tmp/h", "--tmpfs", "tmp/h"}) },
			func(h string) []string { return cat(sys, []string{"--bind", h, "/tmp/h"}) }, "/tmp/h/f", "f"},
		{"a tmpfs through a link and .. lands beside the bind",
			func(h string) []string { return cat(sys, link, []string{"--bind", h, "/tmp/h", "--tmpfs", "/tmp/h"}) },
			func(h string) []string {
				return cat(sys, link, []string{"--bind", h, "/tmp/h", "--tmpfs", "/tmp/l/../h"})
			}, "/tmp/h/f", "f"},
		{"a bind at the empty destination is the root",
			func(string) []string { return sys },
			func(h string) []string { return cat([]string{"--bind", h, ""}, sys) }, "/f", "f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := t.TempDir()
			if err := os.WriteFile(h+"/"+tc.onHost, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			writes := func(argv []string) bool {
				mark := randHex(8)
				args := cat(argv, []string{"--", "/bin/sh", "-c", `echo "$2" >> "$1"`, "sh", tc.inside, mark})
				c := exec.Command("bwrap", args...)
				c.Env = []string{"PATH=/usr/bin:/bin"}
				if out, err := c.CombinedOutput(); err != nil {
					t.Fatalf("bwrap %q: %v\n%s", args, err, out)
				}
				return hostHas(t, h+"/"+tc.onHost, mark)
			}
			base, head := tc.base(h), tc.head(h)
			if bw, hw := writes(base), writes(head); bw || !hw {
				t.Fatalf("base write=%v, head write=%v: the premise fails\nbase %q\nhead %q", bw, hw, base, head)
			}
			widened := false
			for _, d := range sandbox.Compare(sandbox.ReadBwrap(base), sandbox.ReadBwrap(head)) {
				widened = widened || d.Severity == sandbox.Widened && d.Aspect == sandbox.AspectFS
			}
			if !widened {
				t.Errorf("the head writes %s through %s and the diff has no widened fs row", tc.inside, h)
			}
		})
	}
}

// cat joins argv parts into a new slice.
func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

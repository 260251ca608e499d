package enforce

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/podmantest"
	"github.com/razukc/capgate-action/sandbox"
)

// propertyPaths are the paths the generator declares, "@" the case's root:
// nested directories, file-like names that lower to their directory, a
// trailing slash, a glob, and unix endpoints (read-write binds).
var propertyPaths = []string{"@/a", "@/a/", "@/a/b", "@/a/b/c", "@/a/x.conf", "@/a/b/zz.conf", "@/a/b/zz.d/**",
	"@/a/b/c/k.pem", "@/d", "@/d/e/**"}

var propertyIPC = []string{"@/a", "@/a/b", "@/a/b/c/sock", "@/d/e"}

// propertyFiles are the files probed, below the root.
var propertyFiles = []string{"/a/f", "/a/x.conf", "/a/b/f", "/a/b/zz.conf", "/a/b/zz.d/f", "/a/b/c/f", "/a/b/c/k.pem",
	"/a/b/c/sock", "/d/f", "/d/e/f"}

// propertyCap draws one capability.
func propertyCap(r *rand.Rand) string {
	if r.IntN(6) == 0 {
		return `ipc:connect:"unix:` + propertyIPC[r.IntN(len(propertyIPC))] + `"`
	}
	mode := []string{"fs:read:", "fs:read,write:"}[r.IntN(2)]
	return mode + propertyPaths[r.IntN(len(propertyPaths))]
}

// propertyTools draws one to three tools of one to four capabilities.
func propertyTools(r *rand.Rand) [][]string {
	tools := make([][]string, 1+r.IntN(2))
	for i := range tools {
		for range 1 + r.IntN(4) {
			tools[i] = append(tools[i], propertyCap(r))
		}
	}
	return tools
}

// mutate returns a head near base: a capability dropped, added, moved to
// another tool or changed in mode, or a fresh draw.
func mutate(r *rand.Rand, base [][]string) [][]string {
	head := make([][]string, len(base))
	for i := range base {
		head[i] = append([]string{}, base[i]...)
	}
	t := r.IntN(len(head))
	switch r.IntN(5) {
	case 0:
		if len(head[t]) > 1 {
			head[t] = append(head[t][:0:0], head[t][1:]...)
		}
	case 1:
		head[t] = append(head[t], propertyCap(r))
	case 2:
		if n := len(head[t]); n > 1 {
			c := head[t][n-1]
			head[t] = head[t][:n-1]
			head = append(head, []string{c})
		}
	case 3:
		i := r.IntN(len(head[t]))
		if strings.HasPrefix(head[t][i], "fs:read:") {
			head[t][i] = "fs:read,write:" + strings.TrimPrefix(head[t][i], "fs:read:")
		} else {
			head[t][i] = strings.Replace(head[t][i], "fs:read,write:", "fs:read:", 1)
		}
	default:
		return propertyTools(r)
	}
	return head
}

// access is what a process could do with each probed file.
type access struct{ read, write bool }

// bwrapAccess probes every file of the tree in one run of the sandbox:
// can it read the file, and does its appended mark reach the host file.
func bwrapAccess(t *testing.T, argv []string, root string) map[string]access {
	t.Helper()
	mark := randHex(8)
	var script strings.Builder
	for _, f := range propertyFiles {
		// No /dev/null in the sandbox: the shell's own read, and the
		// error of a refused write goes to the output.
		fmt.Fprintf(&script, "if read -r x < '%s%s'; then echo 'R %s'; fi; echo %s >> '%s%s'\n", root, f, f, mark, root, f)
	}
	script.WriteString("exit 0\n")
	args := append(append([]string{}, argv...), "--", "/bin/sh", "-c", script.String())
	c := exec.Command("bwrap", args...)
	c.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("bwrap: %v\n%s\n%q", err, out, argv)
	}
	got := map[string]access{}
	for _, f := range propertyFiles {
		got[f] = access{read: strings.Contains(string(out), "R "+f+"\n"), write: hostHas(t, root+f, mark)}
	}
	return got
}

// propertyCase makes the tree of propertyFiles under a new root and
// compiles the base and head manifests of one random pull request over it.
func propertyCase(t *testing.T, baseTools, headTools [][]string) (root string, base, head *compiler.Result) {
	t.Helper()
	root = t.TempDir()
	files := map[string]string{}
	for _, f := range propertyFiles {
		files[root+f] = "x\n"
	}
	makeTree(t, files)
	return root, compileText(t, viewManifest(root, baseTools)), compileText(t, viewManifest(root, headTools))
}

// TestBwrapViewProperty: for random pull requests over a small tree, when
// the diff says bwrap's mounts are not widened, no file is readable or
// writable in the head's bwrap sandbox that was not in the base's; and on
// both sides the effective view says what bwrap does, file by file.
func TestBwrapViewProperty(t *testing.T) {
	requireTool(t, "bwrap")
	const cases = 40
	r := rand.New(rand.NewPCG(19, 2026))
	for i := range cases {
		baseTools := propertyTools(r)
		headTools := mutate(r, baseTools)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			root, base, head := propertyCase(t, baseTools, headTools)
			bArgv, hArgv := base.Artifacts.Get(compiler.TargetBwrap).Argv, head.Artifacts.Get(compiler.TargetBwrap).Argv
			ba, ha := bwrapAccess(t, bArgv, root), bwrapAccess(t, hArgv, root)
			for _, side := range []struct {
				name string
				argv []string
				got  map[string]access
			}{{"base", bArgv, ba}, {"head", hArgv, ha}} {
				v := sandbox.ReadBwrap(side.argv).View()
				for _, f := range propertyFiles {
					a, _ := v.Host(root + f)
					if want := side.got[f]; (a >= sandbox.Read) != want.read || (a >= sandbox.Write) != want.write {
						t.Errorf("%s %s: the view says %s, bwrap read=%v write=%v\n%q", side.name, f, a, want.read, want.write, side.argv)
					}
				}
			}
			widened := false
			for _, c := range diff.Compare(base, head) {
				if c.Severity == diff.Widened && c.Kind == "fs" && c.Target.Has("bwrap") {
					widened = true
				}
			}
			if widened {
				return
			}
			for _, f := range propertyFiles {
				if (ha[f].read && !ba[f].read) || (ha[f].write && !ba[f].write) {
					t.Errorf("not widened, yet %s went from %+v to %+v\nbase %v\nhead %v\n%q\n%q", f, ba[f], ha[f], baseTools, headTools, bArgv, hArgv)
				}
			}
		})
	}
}

// podmanAccess is bwrapAccess for the docker target, run with podman;
// refused is set when podman refuses the container (two mounts at one
// destination).
func podmanAccess(t *testing.T, image string, argv []string, root string) (got map[string]access, refused bool) {
	t.Helper()
	mark := randHex(8)
	var script strings.Builder
	for _, f := range propertyFiles {
		fmt.Fprintf(&script, "if read -r x < '%s%s' 2>/dev/null; then echo 'R %s'; fi; echo %s >> '%s%s' 2>/dev/null\n", root, f, f, mark, root, f)
	}
	script.WriteString("echo ran\n")
	args := append([]string{"run", "--rm", "--name", podmantest.UniqueName("capgate-prop")}, argv...)
	args = append(args, image, "/bin/sh", "-c", script.String())
	b, _ := podmantest.Command(args...).CombinedOutput()
	out := string(b)
	if strings.Contains(out, "duplicate mount destination") {
		return nil, true
	}
	if !strings.Contains(out, "ran\n") {
		t.Fatalf("podman did not run the probe:\n%s\n%q", out, argv)
	}
	got = map[string]access{}
	for _, f := range propertyFiles {
		got[f] = access{read: strings.Contains(out, "R "+f+"\n"), write: hostHas(t, root+f, mark)}
	}
	return got, false
}

// TestPodmanViewProperty is TestBwrapViewProperty for the docker target
// under podman, on fewer cases (a container start costs seconds).
func TestPodmanViewProperty(t *testing.T) {
	image := probeImage(t)
	const cases = 12
	r := rand.New(rand.NewPCG(20, 2026))
	for i := range cases {
		baseTools := propertyTools(r)
		headTools := mutate(r, baseTools)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			root, base, head := propertyCase(t, baseTools, headTools)
			bArgv, hArgv := base.Artifacts.Get(compiler.TargetDocker).Argv, head.Artifacts.Get(compiler.TargetDocker).Argv
			ba, bRefused := podmanAccess(t, image, bArgv, root)
			ha, hRefused := podmanAccess(t, image, hArgv, root)
			for _, side := range []struct {
				name    string
				argv    []string
				got     map[string]access
				refused bool
			}{{"base", bArgv, ba, bRefused}, {"head", hArgv, ha, hRefused}} {
				s := sandbox.ReadDocker(side.argv)
				if refusedIn(s) != side.refused {
					t.Errorf("%s: podman refused=%v, the model says %v\n%q", side.name, side.refused, refusedIn(s), side.argv)
				}
				if side.refused {
					continue
				}
				v := s.View()
				for _, f := range propertyFiles {
					a, _ := v.Host(root + f)
					if want := side.got[f]; (a >= sandbox.Read) != want.read || (a >= sandbox.Write) != want.write {
						t.Errorf("%s %s: the view says %s, podman read=%v write=%v\n%q", side.name, f, a, want.read, want.write, side.argv)
					}
				}
			}
			cs := diff.Compare(base, head)
			if hRefused && !bRefused && !widenedKind(cs, compiler.TargetDocker, "argv") {
				t.Errorf("podman refuses the head, and the diff does not say so: %+v", cs)
			}
			if bRefused || hRefused || widenedKind(cs, compiler.TargetDocker, "fs") {
				return
			}
			for _, f := range propertyFiles {
				if (ha[f].read && !ba[f].read) || (ha[f].write && !ba[f].write) {
					t.Errorf("not widened, yet %s went from %+v to %+v\nbase %v\nhead %v\n%q\n%q", f, ba[f], ha[f], baseTools, headTools, bArgv, hArgv)
				}
			}
		})
	}
}

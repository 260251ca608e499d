// Package podmantest runs containers in tests with podman: it builds small
// root filesystems (busybox-static plus the binaries a test copies in, with
// their shared libraries), imports them as images with unique names, and
// removes them when the test ends. No image registry is needed.
//
// podman runs as root with runc and cgroupfs, the way .ci/run sets it up:
// /etc/containers/containers.conf holds `default_ulimits = []`.
package podmantest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Require skips t when podman cannot run here (not installed, not root),
// unless CAPGATE_REQUIRE_ENFORCERS is set, when it fails t instead.
func Require(t *testing.T) {
	t.Helper()
	why := ""
	for _, n := range []string{"podman", "runc", "tar"} {
		if _, err := exec.LookPath(n); err != nil {
			why = n + " not installed"
		}
	}
	if _, err := os.Stat("/bin/busybox"); err != nil && why == "" {
		why = "/bin/busybox not installed (Debian package busybox-static)"
	}
	if os.Geteuid() != 0 && why == "" {
		why = "podman tests run as root"
	}
	if why == "" {
		return
	}
	if os.Getenv("CAPGATE_REQUIRE_ENFORCERS") != "" {
		t.Fatalf("%s, and CAPGATE_REQUIRE_ENFORCERS is set", why)
	}
	t.Skip(why)
}

// Command returns a podman command with the global flags these machines
// need (runc, cgroupfs).
func Command(args ...string) *exec.Cmd {
	return exec.Command("podman", append([]string{"--runtime", "runc", "--cgroup-manager", "cgroupfs"}, args...)...)
}

// UniqueName returns prefix followed by a random suffix, for container and
// image names that no concurrent run shares.
func UniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", prefix, os.Getpid(), hex.EncodeToString(b[:]))
}

// Rootfs is a root filesystem under construction in a test's temporary
// directory.
type Rootfs struct {
	t   *testing.T
	Dir string
}

// NewRootfs starts a root filesystem holding busybox (every applet linked in
// /bin), a world-writable /tmp, and /etc/passwd and /etc/group naming root.
func NewRootfs(t *testing.T) *Rootfs {
	t.Helper()
	r := &Rootfs{t: t, Dir: filepath.Join(t.TempDir(), "rootfs")}
	for _, d := range []string{"bin", "etc", "tmp", "proc", "sys", "dev", "usr/local/bin"} {
		if err := os.MkdirAll(filepath.Join(r.Dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(r.Dir, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	r.AddFile("/bin/busybox", "/bin/busybox")
	out, err := exec.Command("/bin/busybox", "--list").Output()
	if err != nil {
		t.Fatalf("busybox --list: %v", err)
	}
	for _, applet := range strings.Fields(string(out)) {
		if applet == "busybox" {
			continue
		}
		if err := os.Symlink("busybox", filepath.Join(r.Dir, "bin", applet)); err != nil {
			t.Fatal(err)
		}
	}
	r.WriteFile("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0o644)
	r.WriteFile("/etc/group", "root:x:0:\n", 0o644)
	return r
}

// WriteFile writes content at path inside the root filesystem.
func (r *Rootfs) WriteFile(path, content string, mode os.FileMode) {
	r.t.Helper()
	p := filepath.Join(r.Dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		r.t.Fatal(err)
	}
}

// AddFile copies the host file src to dst inside the root filesystem,
// following symlinks and keeping the mode.
func (r *Rootfs) AddFile(src, dst string) {
	r.t.Helper()
	in, err := os.Open(src)
	if err != nil {
		r.t.Fatal(err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		r.t.Fatal(err)
	}
	p := filepath.Join(r.Dir, dst)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	out, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		r.t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		r.t.Fatal(err)
	}
}

// AddDynamic copies a dynamically linked host binary to the same path
// inside the root filesystem, with every shared library ldd lists for it
// (at their host paths, so the loader finds them as on the host).
func (r *Rootfs) AddDynamic(bin string) {
	r.t.Helper()
	r.AddFile(bin, bin)
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		r.t.Fatalf("ldd %s: %v", bin, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		// "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)" or
		// "/lib64/ld-linux-x86-64.so.2 (0x…)"; the vdso has no file.
		f := strings.Fields(line)
		for _, w := range f {
			if strings.HasPrefix(w, "/") {
				if _, err := os.Stat(filepath.Join(r.Dir, w)); err != nil {
					r.AddFile(w, w)
				}
				break
			}
		}
	}
}

// Import turns the root filesystem into an image with a unique name, with
// the Dockerfile-style changes given (e.g. `ENTRYPOINT ["/x"]`), and
// removes the image when the test ends. It returns the image reference.
func (r *Rootfs) Import(changes ...string) string {
	r.t.Helper()
	name := "localhost/" + UniqueName("capgate-test") + ":latest"
	args := []string{"import", "--quiet"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	args = append(args, "-", name)
	tar := exec.Command("tar", "-C", r.Dir, "--numeric-owner", "-c", ".")
	imp := Command(args...)
	pipe, err := tar.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	imp.Stdin = pipe
	var out bytes.Buffer
	imp.Stdout, imp.Stderr = &out, &out
	if err := tar.Start(); err != nil {
		r.t.Fatal(err)
	}
	if err := imp.Run(); err != nil {
		r.t.Fatalf("podman import: %v\n%s", err, out.String())
	}
	if err := tar.Wait(); err != nil {
		r.t.Fatalf("tar: %v", err)
	}
	r.t.Cleanup(func() { _ = Command("rmi", "--force", name).Run() })
	return name
}

// Run runs podman run with args (flags, image, command) and returns its
// combined output and exit code. A podman that cannot start at all (exit
// 125, its own error) fails the test.
func Run(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	c := Command(append([]string{"run"}, args...)...)
	c.Env = env
	out, err := c.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("podman run: %v", err)
	}
	if code == 125 {
		t.Fatalf("podman run %v could not start the container:\n%s", args, out)
	}
	return string(out), code
}

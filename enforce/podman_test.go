package enforce

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/podmantest"
)

// The docker target, run live with podman (see docs/enforcement.md for what
// that proves of docker). The emitted argv is passed to `podman run`
// unchanged except that each volume's host side is moved under the test's
// own directory (the container side, the mode and every other flag stay as
// emitted), so no run touches a fixed host path.

// probeImage imports a busybox image for one test.
func probeImage(t *testing.T) string {
	t.Helper()
	podmantest.Require(t)
	r := podmantest.NewRootfs(t)
	// A directory anyone may write: only --read-only keeps the probe out.
	// (The image's / itself is 0555, which already stops a root without
	// CAP_DAC_OVERRIDE.)
	if err := os.Mkdir(filepath.Join(r.Dir, "probe"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(r.Dir, "probe"), 0o1777); err != nil {
		t.Fatal(err)
	}
	return r.Import()
}

// dockerRun is a compiled docker policy made ready for one test: the argv
// with volume host paths moved under hostRoot, and what it declares.
type dockerRun struct {
	art      *compiler.Artifact
	image    string
	argv     []string
	hostRoot string
	volumes  []volume
}

type volume struct {
	host, ctr string
	rw        bool
	file      bool
}

func newDockerRun(t *testing.T, r *compiler.Result, image string) *dockerRun {
	t.Helper()
	a := r.Artifacts.Get(compiler.TargetDocker)
	d := &dockerRun{art: a, image: image, hostRoot: filepath.Join(t.TempDir(), "host")}
	for i := 0; i < len(a.Argv); i++ {
		arg := a.Argv[i]
		if arg == "--rm" {
			continue
		}
		if arg != "--volume" || i+1 == len(a.Argv) {
			d.argv = append(d.argv, arg)
			continue
		}
		i++
		parts := strings.Split(a.Argv[i], ":")
		v := volume{host: filepath.Join(d.hostRoot, parts[0]), ctr: parts[1], rw: len(parts) < 3 || parts[2] == "rw"}
		v.file = strings.HasSuffix(v.ctr, ".sock")
		if v.file {
			makeTree(t, map[string]string{v.host: ""})
		} else if err := os.MkdirAll(v.host, 0o755); err != nil {
			t.Fatal(err)
		}
		if v.ctr == "/etc" {
			// The runtime bind-mounts these into /etc; a host /etc has them,
			// and a read-only /etc without them cannot start a container.
			makeTree(t, map[string]string{v.host + "/hosts": "127.0.0.1 localhost\n", v.host + "/hostname": "host\n", v.host + "/resolv.conf": ""})
		}
		d.volumes = append(d.volumes, v)
		d.argv = append(d.argv, "--volume", v.host+":"+strings.Join(parts[1:], ":"))
	}
	return d
}

// without returns a copy of the argv with the flag (and its value, when
// value is not empty) removed: the mutation that must turn a check red.
func (d *dockerRun) without(flag, value string) *dockerRun {
	c := *d
	c.argv = nil
	for i := 0; i < len(d.argv); i++ {
		if d.argv[i] == flag && (value == "" || (i+1 < len(d.argv) && d.argv[i+1] == value)) {
			if value != "" {
				i++
			}
			continue
		}
		c.argv = append(c.argv, d.argv[i])
	}
	return &c
}

// facts is what a probe saw inside the container.
type facts struct {
	status  map[string]string // CapEff, NoNewPrivs from /proc/self/status
	ifaces  []string
	env     map[string]string
	rootfs  string // "ro" or "rw"
	volumes map[string]string
	out     string
}

// podmanDefaultEnv are the names podman sets in every container (docker
// sets PATH and HOSTNAME, and HOME for the user; not TERM or container).
var podmanDefaultEnv = []string{"HOME", "HOSTNAME", "PATH", "TERM", "container"}

// declaredEnv are the values the launcher holds; an undeclared name sits
// beside them and must not enter.
func declaredEnv(a *compiler.Artifact) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "CAPGATE_TEST_SECRET=must-not-leak"}
	for _, n := range a.EnvInjections {
		env = append(env, n+"=value-of-"+n)
	}
	return env
}

// probe runs a shell script in the container that reports what the
// sandbox allows, and parses its report.
func (d *dockerRun) probe(t *testing.T, extra ...string) facts {
	t.Helper()
	var s strings.Builder
	s.WriteString(`tr '\0' '\n' < /proc/1/environ | sed 's/^/@env /'
grep -E '^(CapEff|NoNewPrivs):' /proc/self/status | sed 's/^/@status /'
sed -n '3,$p' /proc/net/dev | cut -d: -f1 | sed 's/^ */@iface /'
if touch /probe/capgate-probe 2>/dev/null; then echo '@rootfs rw'; else echo '@rootfs ro'; fi
`)
	for i, v := range d.volumes {
		target := fmt.Sprintf("%s/capgate-probe-%d", v.ctr, i)
		if v.file {
			target = v.ctr
		}
		os.Remove(filepath.Join(v.host, fmt.Sprintf("capgate-probe-%d", i)))
		if v.file {
			os.WriteFile(v.host, nil, 0o644)
		}
		fmt.Fprintf(&s, "if { echo probe > '%s'; } 2>/dev/null; then echo '@vol %s rw'; else echo '@vol %s ro'; fi\n", target, v.ctr, v.ctr)
	}
	for _, e := range extra {
		s.WriteString(e + "\n")
	}
	args := append([]string{"--rm", "--name", podmantest.UniqueName("capgate-enforce")}, d.argv...)
	args = append(args, d.image, "/bin/sh", "-c", s.String())
	out, code := podmantest.Run(t, declaredEnv(d.art), args...)
	if code != 0 {
		t.Fatalf("probe exited %d:\n%s", code, out)
	}
	f := facts{status: map[string]string{}, env: map[string]string{}, volumes: map[string]string{}, out: out}
	for _, line := range strings.Split(out, "\n") {
		key, rest, _ := strings.Cut(line, " ")
		switch key {
		case "@env":
			k, v, _ := strings.Cut(rest, "=")
			f.env[k] = v
		case "@status":
			k, v, _ := strings.Cut(rest, ":")
			f.status[k] = strings.TrimSpace(v)
		case "@iface":
			f.ifaces = append(f.ifaces, rest)
		case "@rootfs":
			f.rootfs = rest
		case "@vol":
			k, v, _ := strings.Cut(rest, " ")
			f.volumes[k] = v
		}
	}
	return f
}

// violations lists where what the probe saw differs from what the
// original artifact promises. Each line starts with the flag that holds it.
func (d *dockerRun) violations(f facts) []string {
	v := d.isolationViolations(f)
	v = append(v, d.envViolations(f)...)
	return append(v, d.volumeViolations(f)...)
}

// has reports whether the artifact's argv holds flag, followed by value
// when value is not "".
func (d *dockerRun) has(flag, value string) bool {
	i := slices.Index(d.art.Argv, flag)
	return i >= 0 && (value == "" || (i+1 < len(d.art.Argv) && d.art.Argv[i+1] == value))
}

// isolationViolations: capabilities, no-new-privileges, the read-only
// root and the network.
func (d *dockerRun) isolationViolations(f facts) []string {
	var v []string
	if d.has("--cap-drop", "ALL") && f.status["CapEff"] != "0000000000000000" {
		v = append(v, "--cap-drop ALL: CapEff is "+f.status["CapEff"])
	}
	if d.has("--security-opt", "no-new-privileges") && f.status["NoNewPrivs"] != "1" {
		v = append(v, "no-new-privileges: NoNewPrivs is "+f.status["NoNewPrivs"])
	}
	if d.has("--read-only", "") && f.rootfs != "ro" {
		v = append(v, "--read-only: the root filesystem accepts writes")
	}
	if d.has("--network", "none") && !slices.Equal(f.ifaces, []string{"lo"}) {
		v = append(v, fmt.Sprintf("--network none: interfaces %v", f.ifaces))
	}
	return v
}

// envViolations: the environment is podman's defaults and the injected
// variables, each with its value.
func (d *dockerRun) envViolations(f facts) []string {
	var v []string
	want := append(slices.Clone(podmanDefaultEnv), d.art.EnvInjections...)
	sort.Strings(want)
	var got []string
	for k := range f.env {
		got = append(got, k)
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		v = append(v, fmt.Sprintf("--env: the environment has %v, want %v", got, want))
	}
	for _, n := range d.art.EnvInjections {
		if f.env[n] != "value-of-"+n {
			v = append(v, fmt.Sprintf("--env %s: value %q", n, f.env[n]))
		}
	}
	return v
}

// volumeViolations: a writable volume's write reaches the host, a
// read-only one's is refused.
func (d *dockerRun) volumeViolations(f facts) []string {
	var v []string
	for i, vol := range d.volumes {
		onHost := fmt.Sprintf("%s/capgate-probe-%d", vol.host, i)
		if vol.file {
			onHost = vol.host
		}
		b, _ := os.ReadFile(onHost)
		switch {
		case vol.rw && (f.volumes[vol.ctr] != "rw" || string(b) != "probe\n"):
			v = append(v, fmt.Sprintf("--volume %s (rw): write %s, host sees %q", vol.ctr, f.volumes[vol.ctr], b))
		case !vol.rw && (f.volumes[vol.ctr] != "ro" || len(b) != 0):
			v = append(v, fmt.Sprintf("--volume %s:ro: write %s, host sees %q", vol.ctr, f.volumes[vol.ctr], b))
		}
	}
	return v
}

func (d *dockerRun) mustHold(t *testing.T, f facts) {
	t.Helper()
	if v := d.violations(f); len(v) > 0 {
		t.Errorf("the container breaks its policy:\n  %s\nprobe output:\n%s", strings.Join(v, "\n  "), f.out)
	}
}

// DVMCP challenge 3 under docker: the public file is readable, the private
// one next to it is not there, and nothing is writable.
func TestPodmanChallenge3(t *testing.T) {
	d := newDockerRun(t, compileFile(t, conformanceManifest("dvmcp-challenge3-excessive-permission")), probeImage(t))
	makeTree(t, map[string]string{
		d.hostRoot + "/tmp/dvmcp_challenge3/public/welcome.txt":            "public notes\n",
		d.hostRoot + "/tmp/dvmcp_challenge3/private/employee_salaries.txt": "CEO: 1,000,000\n",
	})
	f := d.probe(t,
		`echo "@public $(cat /tmp/dvmcp_challenge3/public/welcome.txt)"`,
		`cat /tmp/dvmcp_challenge3/private/employee_salaries.txt 2>&1 | sed 's/^/@private /'`,
		`echo "@ls $(ls /tmp/dvmcp_challenge3)"`)
	d.mustHold(t, f)
	for _, want := range []string{"@public public notes\n", "@ls public\n", "@private cat: can't open '/tmp/dvmcp_challenge3/private/employee_salaries.txt': No such file or directory\n"} {
		if !strings.Contains(f.out, want) {
			t.Errorf("want %q in:\n%s", want, f.out)
		}
	}
	if strings.Contains(f.out, "CEO") {
		t.Errorf("the private file is readable:\n%s", f.out)
	}
}

// DVMCP challenge 8: the logs and nothing else.
func TestPodmanChallenge8(t *testing.T) {
	d := newDockerRun(t, compileFile(t, conformanceManifest("dvmcp-challenge8-code-execution")), probeImage(t))
	makeTree(t, map[string]string{
		d.hostRoot + "/tmp/dvmcp_challenge8/logs/app.log":    "INFO started\n",
		d.hostRoot + "/tmp/dvmcp_challenge8/secrets/key.txt": "sk-live\n",
	})
	f := d.probe(t,
		`echo "@log $(cat /tmp/dvmcp_challenge8/logs/app.log)"`,
		`cat /tmp/dvmcp_challenge8/secrets/key.txt 2>&1 | sed 's/^/@secret /'`)
	d.mustHold(t, f)
	if !strings.Contains(f.out, "@log INFO started\n") || !strings.Contains(f.out, "@secret cat: can't open") || strings.Contains(f.out, "sk-live") {
		t.Errorf("challenge 8:\n%s", f.out)
	}
}

// Every bundled manifest, base and head, and the conformance ones: the
// emitted flags hold. A manifest that declares egress gets no --network
// flag (attaching a network whose egress follows egress[] is the host's
// job); the test adds --network none as that host, so nothing leaves.
func TestPodmanBundled(t *testing.T) {
	var paths []string
	for _, glob := range []string{"../examples/*/servers/*/*.json", "../testdata/conformance/capgate-0.0.4/manifests/*.json"} {
		m, _ := filepath.Glob(glob)
		paths = append(paths, m...)
	}
	if len(paths) < 25 {
		t.Fatalf("found %d manifests", len(paths))
	}
	img := probeImage(t)
	// Many of these emit the same argv; each distinct one runs once.
	seen := map[string]bool{}
	for _, p := range paths {
		a := compileFile(t, p).Artifacts.Get(compiler.TargetDocker)
		key := strings.Join(a.Argv, "\x00")
		if seen[key] {
			continue
		}
		seen[key] = true
		t.Run(strings.TrimPrefix(p, "../"), func(t *testing.T) {
			t.Parallel()
			d := newDockerRun(t, compileFile(t, p), img)
			if !slices.Contains(d.argv, "--network") {
				d.argv = append(d.argv, "--network", "none")
			}
			d.mustHold(t, d.probe(t))
		})
	}
}

// A read-only and a read-write directory, two environment names and no
// network; then each flag removed in turn turns exactly its check red.
func TestPodmanFlagsHold(t *testing.T) {
	dir := t.TempDir()
	r := compileText(t, `{"name": "modes", "version": "1", "tools": [{"name": "t", "capabilities": [
		"fs:read:`+dir+`/ro/", "fs:read,write:`+dir+`/rw/", "env:inject:API_TOKEN", "env:read:LANG_HINT"]}]}`)
	d := newDockerRun(t, r, probeImage(t))
	makeTree(t, map[string]string{d.hostRoot + dir + "/ro/file.txt": "ro\n", d.hostRoot + dir + "/other/x.txt": "not granted\n"})
	f := d.probe(t, `echo "@ro $(cat `+dir+`/ro/file.txt)"`, `cat `+dir+`/other/x.txt 2>&1 | sed 's/^/@other /'`)
	d.mustHold(t, f)
	if !strings.Contains(f.out, "@ro ro\n") || !strings.Contains(f.out, "@other cat: can't open") || strings.Contains(f.out, "not granted") {
		t.Errorf("reads:\n%s", f.out)
	}
	if strings.Contains(f.out, "must-not-leak") {
		t.Errorf("the launcher's environment leaked:\n%s", f.out)
	}

	for _, m := range []struct {
		flag, value, red string
	}{
		{"--cap-drop", "ALL", "--cap-drop ALL:"},
		{"--security-opt", "no-new-privileges", "no-new-privileges:"},
		{"--read-only", "", "--read-only:"},
		{"--network", "none", "--network none:"},
		{"--env", "API_TOKEN", "--env"},
	} {
		t.Run("without "+strings.TrimSpace(m.flag+" "+m.value), func(t *testing.T) {
			mut := d.without(m.flag, m.value)
			if len(mut.argv) == len(d.argv) {
				t.Fatalf("%s %s is not in the argv %v", m.flag, m.value, d.argv)
			}
			if m.flag == "--network" {
				// No network flag means podman's default bridge; the test
				// gives the container one it made instead, so nothing
				// leaves the machine: a private network namespace with
				// loopback and a veth pair.
				mut.argv = append(mut.argv, "--network", "ns:"+dummyNetns(t))
			}
			got := mut.violations(mut.probe(t))
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, m.red) }) {
				t.Errorf("with %s %s removed no check went red: %v", m.flag, m.value, got)
			}
		})
	}
	t.Run("with an undeclared --env", func(t *testing.T) {
		mut := *d
		mut.argv = append(slices.Clone(d.argv), "--env", "CAPGATE_TEST_SECRET")
		got := mut.violations(mut.probe(t))
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "--env: the environment has") }) {
			t.Errorf("an undeclared name entered and no check went red: %v", got)
		}
	})
	t.Run("without :ro", func(t *testing.T) {
		mut := *d
		mut.argv = slices.Clone(d.argv)
		for i, a := range mut.argv {
			mut.argv[i] = strings.TrimSuffix(a, ":ro")
		}
		got := mut.violations(mut.probe(t))
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, ":ro: write rw") }) {
			t.Errorf("with :ro removed no check went red: %v", got)
		}
	})
}

// dummyNetns creates a network namespace with loopback and a veth pair,
// removed when the test ends, and returns its path.
func dummyNetns(t *testing.T) string {
	t.Helper()
	requireTool(t, "ip")
	name := podmantest.UniqueName("capgate-enforce")
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	if out, err := exec.Command("ip", "-n", name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1").CombinedOutput(); err != nil {
		t.Fatalf("ip link add: %v\n%s", err, out)
	}
	return "/run/netns/" + name
}

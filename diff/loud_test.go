package diff

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
)

func compile(t testing.TB, caps ...string) *compiler.Result {
	t.Helper()
	q := make([]string, len(caps))
	for i, c := range caps {
		q[i] = fmt.Sprintf("%q", c)
	}
	src := `{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(q, ", ") + `]}]}`
	r, err := compiler.Compile([]byte(src))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return r
}

// TestLoudClasses: each class of host control, granted through the
// capabilities that reach it, is a loud widened change; ordinary grants
// next to them are not.
func TestLoudClasses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		class string
		cap   string
		loud  bool
	}{
		{"docker socket, ro mount of /var/run", "fs:read:/var/run/docker.sock", true},
		{"docker socket via ipc", `ipc:connect:"unix:/var/run/docker.sock"`, true},
		{"docker socket directory via ipc", `ipc:connect:"unix:/var/run"`, true},
		{"/run holds every engine socket", "fs:read:/run/**", true},
		{"containerd", `ipc:connect:"unix:/run/containerd/containerd.sock"`, true},
		{"Docker Desktop's raw engine socket", `ipc:connect:"unix:/var/run/docker.sock.raw"`, true},
		{"containerd directory", "fs:read:/run/containerd/", true},
		{"podman (rootful)", `ipc:connect:"unix:/run/podman/podman.sock"`, true},
		{"podman (rootless)", "fs:read:/run/user/1000/podman/", true},
		{"rootless runtime dir", "fs:read:/run/user/1000/", true},
		{"CRI-O", `ipc:connect:"unix:/var/run/crio/crio.sock"`, true},
		{"BuildKit", "fs:read:/run/buildkit/buildkitd.sock", true},
		{"engine socket anywhere by name", `ipc:connect:"unix:/srv/sockets/docker.sock"`, true},
		{"its directory, named by the socket", "fs:read:/srv/sockets/podman.sock", true},
		{"host root", "fs:read:/", true},
		{"host root via ipc", `ipc:connect:"unix:/"`, true},
		{"/etc", "fs:read:/etc/**", true},
		{"/etc file mounts /etc", "fs:read:/etc/passwd", true},
		{"/etc subdirectory", "fs:read:/etc/sudoers.d/", true},
		{"/root", "fs:read:/root/", true},
		{"/home", "fs:read:/home/", true},
		{"a home directory", "fs:read,write:/home/alice/", true},
		{"dotfiles in a home", "fs:read:/home/alice/.ssh/", true},
		{"/proc", "fs:read:/proc/**", true},
		{"/proc/1/root", "fs:read:/proc/1/root/", true},
		{"/sys", "fs:read:/sys/", true},
		{"/dev", "fs:read,write:/dev/", true},
		{"writable /etc/ssl", "fs:read,write:/etc/ssl/**", true},
		{"writable /etc/ca-certificates", "fs:read,write:/etc/ca-certificates/**", true},
		{"writable /etc/hosts", "fs:read,write:/etc/hosts", true},
		{"writable /usr", "fs:read,write:/usr/**", true},
		{"writable /usr/local/bin", "fs:read,write:/usr/local/bin/**", true},
		{"writable /bin", "fs:read,write:/bin/**", true},
		{"writable /sbin", "fs:read,write:/sbin/", true},
		{"writable /lib", "fs:read,write:/lib/**", true},
		{"writable /lib64", "fs:read,write:/lib64/", true},
		{"writable /boot", "fs:read,write:/boot/**", true},
		{"writable cron spool", "fs:read,write:/var/spool/cron/**", true},
		{"writable /etc/cron.d", "fs:read,write:/etc/cron.d/", true},
		{"writable /var holds cron and engine storage", "fs:read,write:/var/", true},
		{"writable docker storage", "fs:read,write:/var/lib/docker/**", true},
		{"writable containerd storage", "fs:read,write:/var/lib/containerd/**", true},
		{"writable podman storage", "fs:read,write:/var/lib/containers/**", true},
		{"system D-Bus", `ipc:connect:"dbus:system"`, true},
		{"system D-Bus directory", "fs:read:/run/dbus/**", true},
		{"system D-Bus under /var/run", "fs:read:/var/run/dbus/**", true},
		{"systemd private socket", `ipc:connect:"unix:/run/systemd/private"`, true},
		{"systemd runtime directory", "fs:read:/run/systemd/**", true},
		{"libvirt sockets", "fs:read:/var/run/libvirt/**", true},
		{"rootless docker through /var/run", "fs:read:/var/run/user/1000/**", true},
		{"rootless podman through /var/run", "fs:read:/var/run/user/1000/podman/**", true},
		{"LXD socket", "fs:read:/var/lib/lxd/unix.socket", true},
		{"snap LXD", "fs:read:/var/snap/lxd/common/lxd/**", true},
		{"Incus", `ipc:connect:"unix:/run/incus/unix.socket"`, true},
		{"an ostree home", "fs:read:/var/home/alice/**", true},
		{"a project in an ostree home", "fs:read:/var/home/alice/project/**", false},
		{"writable dpkg database", "fs:read,write:/var/lib/dpkg/**", true},
		{"writable /opt", "fs:read,write:/opt/**", true},
		{"read-only /opt", "fs:read:/opt/**", false},
		{"libvirt socket directory", `ipc:connect:"unix:/run/libvirt"`, true},
		{"docker's containerd directory", "fs:read:/var/run/docker/**", true},
		{"read-only /etc/ssl/certs stays quiet (/etc/ssl holds private keys)", "fs:read:/etc/ssl/certs/**", false},
		{"read-only /etc/ca-certificates stays quiet", "fs:read:/etc/ca-certificates/**", false},
		{"read-only /usr stays quiet", "fs:read:/usr/**", false},
		{"read-only /lib stays quiet", "fs:read:/lib/**", false},
		{"read-only docker storage stays quiet", "fs:read:/var/lib/docker/**", false},
		{"writable /usr-like name stays quiet", "fs:read,write:/usrdata/**", false},
		{"a project in a home", "fs:read:/home/alice/project/", false},
		{"a data directory", "fs:read,write:/srv/data/**", false},
		{"/var/run itself not, /var/lib/app yes", "fs:read:/var/lib/app/", false},
		{"time zone file", "clock:tzdata", false},
		{"x11: the display takes synthetic keystrokes into the user's terminals", "ipc:connect:x11", true},
		{"host /tmp holds the X11 sockets and ssh-agent sockets", "fs:read:/tmp/**", true},
		{"the X11 socket directory", "fs:read:/tmp/.X11-unix/", true},
		{"an OpenSSH agent socket directory", "fs:read:/tmp/ssh-XXXXabcd/", true},
		{"a Kerberos ticket cache", "fs:read:/tmp/krb5cc_1000", true},
		{"a /tmp subdirectory of the server's own", "fs:read,write:/tmp/myserver/**", false},
		{"gnome-keyring (secrets and ssh agent)", "fs:read:/run/user/1000/keyring/**", true},
		{"gpg-agent sockets", `ipc:connect:"unix:/run/user/1000/gnupg/S.gpg-agent.ssh"`, true},
		{"gcr ssh agent", "fs:read:/run/user/1000/gcr/", true},
		{"etcd data: every cluster secret", "fs:read:/var/lib/etcd/**", true},
		{"MicroK8s credentials", "fs:read:/var/snap/microk8s/current/credentials/**", true},
		{"k3s agent client keys", "fs:read:/var/lib/rancher/k3s/agent/**", true},
		{"Azure agent provisioning secrets", "fs:read:/var/lib/waagent/", true},
		{"snapd's API socket: it installs and runs snaps as root", `ipc:connect:"unix:/run/snapd.socket"`, true},
		{"snapd's socket for snaps", "fs:read:/run/snapd-snap.socket", true},
		{"tailscaled's LocalAPI socket: the host's tailnet, routes and SSH", `ipc:connect:"unix:/var/run/tailscale/tailscaled.sock"`, true},
		{"tailscaled's socket directory", "fs:read:/run/tailscale/", true},
		{"balenaEngine's socket", `ipc:connect:"unix:/var/run/balena-engine.sock"`, true},
		{"Docker Desktop's forwarded ssh agent", `ipc:connect:"unix:/run/host-services/ssh-auth.sock"`, true},
		{"cloud-init's run-time instance data (user data, secrets)", "fs:read:/run/cloud-init/**", true},
		{"minikube certificates", "fs:read:/var/lib/minikube/**", true},
		{"writable Nix store", "fs:read,write:/nix/**", true},
		{"read-only Nix store stays quiet", "fs:read:/nix/store/**", false},
		{"writable Guix store", "fs:read,write:/gnu/store/", true},
		{"writable snaps", "fs:read,write:/snap/**", true},
		{"writable snapd state", "fs:read,write:/var/lib/snapd/**", true},
		{"writable flatpak installation", "fs:read,write:/var/lib/flatpak/**", true},
		{"writable at spool", "fs:read,write:/var/spool/at/**", true},
		{"a Windows profile under WSL", "fs:read:/mnt/c/Users/me/", true},
		{"Windows profiles under WSL", "fs:read:/mnt/c/Users/", true},
		{"a project in a Windows profile under WSL", "fs:read:/mnt/c/Users/me/project/", false},
		{"a WSL mount of another drive", "fs:read:/mnt/d/data/", false},
		{"cloud metadata service (AWS, Azure, GCP, OpenStack)", "net:connect:169.254.169.254:80", true},
		{"cloud metadata service, any port", "net:connect:169.254.169.254", true},
		{"AWS metadata over IPv6", `net:connect:"fd00:ec2::254":80`, true},
		{"ECS task credentials", "net:connect:169.254.170.2:80", true},
		{"Alibaba Cloud metadata", "net:connect:100.100.100.200:80", true},
		{"GCP metadata by name", "net:connect:metadata.google.internal:80", true},
		{"GCP metadata by name, any case, trailing dot", "net:connect:Metadata.Google.Internal.:80", true},
		{"the link-local range holds the metadata service", "net:connect:169.254.0.0/16:80", true},
		{"another link-local address", "net:connect:169.254.1.1:80", false},
		{"network", "net:connect:api.example.com:443", false},
		{"a variable", "env:inject:TOKEN", false},
	} {
		t.Run(tc.class, func(t *testing.T) {
			t.Parallel()
			cs := Compare(compile(t), compile(t, tc.cap))
			loud := 0
			for _, c := range cs {
				if c.Loud {
					loud++
					if c.Severity != Widened {
						t.Errorf("loud but %s: %+v", c.Severity, c)
					}
					if !strings.HasPrefix(c.Why, "HOST CONTROL: ") {
						t.Errorf("loud change's why does not say so: %q", c.Why)
					}
				}
			}
			if (loud > 0) != tc.loud {
				t.Errorf("%s: %d loud changes, want loud=%v: %+v", tc.cap, loud, tc.loud, cs)
			}
			if tc.loud && !cs[0].Loud {
				t.Errorf("the loud change is not first: %+v", cs)
			}
		})
	}
}

// TestLoudDockerFlags: docker flags the compiler does not emit today are
// judged when an artifact carries them (a compiler change): --privileged,
// --cap-add and --device are loud; losing --cap-drop ALL is widened.
func TestLoudDockerFlags(t *testing.T) {
	t.Parallel()
	base := &compiler.Artifact{Target: compiler.TargetDocker, Argv: []string{"--rm", "--cap-drop", "ALL", "--network", "none"}}
	for _, tc := range []struct {
		argv []string
		kind Kind
		loud bool
	}{
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--privileged"}, kCap, true},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--cap-add", "SYS_ADMIN"}, kCap, true},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--cap-add=cap_net_admin"}, kCap, true},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--device", "/dev/sda:/dev/sda"}, kDevice, true},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--volume", "/var/run:/var/run:ro"}, kFS, true},
		{[]string{"--rm", "--network", "none"}, kIso, false},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "host"}, "network", false},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--security-opt", "seccomp=unconfined"}, kSec, false},
		{[]string{"--rm", "--cap-drop", "ALL", "--network", "none", "--frobnicate"}, kRaw, false},
	} {
		head := &compiler.Artifact{Target: compiler.TargetDocker, Argv: tc.argv}
		var cs []Change
		for _, d := range sandbox.Compare(sandbox.FromArtifact(base), sandbox.FromArtifact(head)) {
			cs = append(cs, change(d, sourcesOf(&compiler.Policy{}, &compiler.Exposures{}), sourcesOf(&compiler.Policy{}, &compiler.Exposures{})))
		}
		found := false
		for _, c := range cs {
			if c.Kind == tc.kind && c.Severity == Widened {
				found = true
				if c.Loud != tc.loud {
					t.Errorf("%v: %s change loud=%v, want %v", tc.argv, c.Kind, c.Loud, tc.loud)
				}
			}
		}
		if !found {
			t.Errorf("%v: no widened %s change in %+v", tc.argv, tc.kind, cs)
		}
	}
}

// TestSegsMatchAsSplit holds holds and underPattern, which walk both paths
// segment by segment, to their split form (both cut into slices of
// segments, then compared), on generated paths and patterns: wildcards,
// trailing slashes, the root, empty segments, paths shorter and longer
// than the pattern.
func TestSegsMatchAsSplit(t *testing.T) {
	t.Parallel()
	firstSegs := func(p string, n int) (segs []string, more bool) {
		rest := strings.TrimPrefix(p, "/")
		for len(segs) < n {
			seg, r, ok := strings.Cut(rest, "/")
			segs = append(segs, seg)
			if !ok {
				return segs, false
			}
			rest = r
		}
		return segs, true
	}
	splitHolds := func(d, sock string) bool {
		if d == "/" {
			return true
		}
		ss := strings.Split(strings.TrimPrefix(sock, "/"), "/")
		ds, more := firstSegs(d, len(ss))
		if more {
			return false
		}
		for i, seg := range ds {
			if !segMatch(ss[i], seg) {
				return false
			}
		}
		return true
	}
	splitUnder := func(p, pat string) bool {
		ss := strings.Split(strings.TrimPrefix(pat, "/"), "/")
		ps, _ := firstSegs(p, len(ss))
		if len(ps) < len(ss) {
			return false
		}
		for i, seg := range ss {
			if !segMatch(seg, ps[i]) {
				return false
			}
		}
		return true
	}
	segs := []string{"run", "user", "1000", "*", "gnupg", "ssh-*", "ssh-x", "", "tmp", "[", "krb5cc_*", "krb5cc_1"}
	rnd := rand.New(rand.NewPCG(13, 14))
	gen := func() string {
		parts := make([]string, rnd.IntN(6))
		for i := range parts {
			parts[i] = segs[rnd.IntN(len(segs))]
		}
		return "/" + strings.Join(parts, "/")
	}
	pats := slices.Concat(credentialDirs, []string{"/", "/run/user/*", "/tmp/ssh-*/"})
	for range 20000 {
		p, pat := gen(), gen()
		if rnd.IntN(2) == 0 {
			pat = pats[rnd.IntN(len(pats))]
		}
		if got, want := holds(p, pat), splitHolds(p, pat); got != want {
			t.Fatalf("holds(%q, %q) = %v, split form %v", p, pat, got, want)
		}
		if got, want := underPattern(p, pat), splitUnder(p, pat); got != want {
			t.Fatalf("underPattern(%q, %q) = %v, split form %v", p, pat, got, want)
		}
	}
}

// TestLoudPathTops: loudPath, which scans the lists only for a path whose
// first segment starts one of their patterns, judges every path as the
// scan of every list does: paths made of the patterns' own segments,
// their parents and children, other first segments, relative and empty
// paths, read-only and writable; and no pattern starts with a wildcard
// (the filter would miss what it matches).
func TestLoudPathTops(t *testing.T) {
	t.Parallel()
	var paths []string
	segs := map[string]bool{"srv": true, "home": true, "x": true, "": true, "..": true, "mnt": true, "c": true, "Users": true, ".ssh": true}
	for _, list := range [][]string{engineSockets, sessionSockets, hostSocketDirs, systemWritable, credentialDirs, quietEtc} {
		for _, d := range list {
			if top, _, _ := strings.Cut(strings.TrimPrefix(d, "/"), "/"); strings.Contains(top, "*") {
				t.Fatalf("pattern %s starts with a wildcard", d)
			}
			paths = append(paths, d, d+"/x", path.Dir(d), strings.ReplaceAll(d, "*", "1000"), strings.TrimPrefix(d, "/"))
			for _, s := range strings.Split(d, "/") {
				segs[s] = true
			}
		}
	}
	for name := range engineSocketNames {
		paths = append(paths, "/srv/"+name)
	}
	for a := range segs {
		for b := range segs {
			paths = append(paths, "/"+a, "/"+a+"/"+b, a+"/"+b, "/"+a+"/"+b+"/docker.sock", "/var/"+a+"/"+b)
		}
	}
	for _, p := range paths {
		for _, w := range []bool{false, true} {
			if p == "/" {
				continue
			}
			if got, want := loudPath(p, w), loudScan(p, w); got != want {
				t.Fatalf("loudPath(%q, %v) = %q, the scan says %q", p, w, got, want)
			}
		}
	}
}

// TestMayBeAddr: what mayBeAddr turns away, netip parses as neither an
// address nor a range, on generated hosts of digits, dots, slashes,
// colons, hex letters, zones and names.
func TestMayBeAddr(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(31, 32))
	parts := []string{"1", "169", "254", ".", "/", "32", ":", "::", "fd00", "ec2", "a", "f", "%eth0", "x", "-", "0"}
	for range 50000 {
		var sb strings.Builder
		for range 1 + r.IntN(8) {
			sb.WriteString(parts[r.IntN(len(parts))])
		}
		h := sb.String()
		_, aerr := netip.ParseAddr(h)
		_, perr := netip.ParsePrefix(h)
		if (aerr == nil || perr == nil) && !mayBeAddr(h) {
			t.Fatalf("%q parses, but mayBeAddr turns it away", h)
		}
	}
}

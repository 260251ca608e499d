package diff

import (
	"net/netip"
	"path"
	"strings"

	"github.com/razukc/capgate-action/sandbox"
)

// engineSockets are where container engines listen. A mount of one, or of
// any directory above one, hands the sandbox the engine, which is root on
// the host. "*" stands for one path segment (a user id).
var engineSockets = []string{
	"/var/run/docker.sock", "/run/docker.sock", "/run/user/*/docker.sock",
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
	"/run/podman/podman.sock", "/var/run/podman/podman.sock", "/run/user/*/podman/podman.sock",
	"/run/crio/crio.sock", "/var/run/crio/crio.sock",
	"/run/buildkit/buildkitd.sock", "/var/run/buildkit/buildkitd.sock", "/run/user/*/buildkit/buildkitd.sock",
	// /var/run is a link to /run on current systems: rootless engines too.
	"/var/run/user/*/docker.sock", "/var/run/user/*/podman/podman.sock", "/var/run/user/*/buildkit/buildkitd.sock",
	// k3s and MicroK8s run a containerd of their own.
	"/run/k3s/containerd/containerd.sock", "/var/run/k3s/containerd/containerd.sock",
	"/var/snap/microk8s/common/run/containerd.sock",
}

// sessionSockets are the user's session bus and systemd user manager, and
// the X11 display sockets: with any of them the sandbox starts commands
// outside itself as the user (systemd-run --user, org.freedesktop.systemd1;
// XTEST keystrokes into the user's terminals). A mount at, under or above
// one is loud whatever its mode; "*" is the user id.
var sessionSockets = []string{
	"/run/user/*/bus", "/run/user/*/systemd", "/var/run/user/*/bus", "/var/run/user/*/systemd",
	"/tmp/.X11-unix",
}

// credentialDirs hold the host's credentials: the Kubernetes service-account
// token (/run/secrets/kubernetes.io; all of /run/secrets, which also holds
// EKS and projected tokens and Docker's secrets), the host's TLS private
// keys, the kubelet's certificates and every pod's secrets, k3s's server
// token and cluster CA keys, cloud-init's user data and instance secrets
// (/var/lib/cloud, and its run-time copy in /run/cloud-init),
// and systemd's service credentials. With them the sandbox acts as the
// host, its cluster or its cloud identity, so a mount at, under or above
// one is loud whatever its mode, /etc/ssl included (its CA allowance below
// covers the certificates, not /etc/ssl/private).
//
// The user's agents count too: ssh-agent (/tmp/ssh-*, and Docker
// Desktop's forward of it in /run/host-services), gpg-agent, GNOME
// Keyring and gcr sign and decrypt with the user's keys for whoever
// connects, and a Kerberos ticket cache is the user's identity. So do the
// stores of a cluster's secrets: etcd's data, MicroK8s's credentials,
// k3s's agent keys, minikube's certificates, the Azure agent's
// provisioning secrets. A "*" matches one path segment as path.Match does.
var credentialDirs = []string{
	"/var/run/secrets", "/run/secrets", "/etc/ssl/private",
	"/var/lib/kubelet", "/var/lib/rancher/k3s/server", "/var/lib/cloud", "/run/credentials", "/var/run/credentials",
	"/tmp/ssh-*", "/tmp/krb5cc_*", "/run/user/*/gnupg", "/run/user/*/keyring", "/run/user/*/gcr",
	"/var/run/user/*/gnupg", "/var/run/user/*/keyring", "/var/run/user/*/gcr",
	"/var/lib/etcd", "/var/snap/microk8s/*/credentials", "/var/lib/rancher/k3s/agent", "/var/lib/minikube",
	"/var/lib/waagent",
	// cloud-init's run-time copy of its instance data (user data and
	// secrets in instance-data-sensitive.json), and Docker Desktop's
	// forward of the user's ssh agent (/run/host-services/ssh-auth.sock).
	"/run/cloud-init", "/var/run/cloud-init", "/run/host-services", "/var/run/host-services",
}

// engineSocketNames are the file names of those sockets, wherever they are.
var engineSocketNames = map[string]string{
	"docker.sock": "Docker", "containerd.sock": "containerd", "podman.sock": "podman",
	"crio.sock": "CRI-O", "buildkitd.sock": "BuildKit", "dockershim.sock": "dockershim",
	"cri-dockerd.sock": "cri-dockerd",
	// Docker Desktop's engine socket inside its VM, which setups bind to
	// /var/run/docker.sock in a container (-v /var/run/docker.sock.raw:…).
	"docker.sock.raw":    "Docker Desktop",
	"balena-engine.sock": "balenaEngine",
}

// hostSocketDirs hold sockets of services that are root on the host: the
// system D-Bus, systemd's private socket, libvirt, snapd, tailscaled, and
// Docker's own containerd. A socket connects through a read-only mount too, so a mount
// of any path at, under or above one is loud whatever its mode.
var hostSocketDirs = []string{
	"/run/dbus", "/var/run/dbus", "/run/systemd", "/var/run/systemd",
	"/run/libvirt", "/var/run/libvirt", "/run/docker", "/var/run/docker",
	// LXD and Incus: access to their socket is root on the host.
	"/var/lib/lxd/unix.socket", "/var/snap/lxd/common/lxd", "/run/incus", "/var/lib/incus",
	// snapd: a root caller of its API installs and runs any snap.
	"/run/snapd.socket", "/run/snapd-snap.socket", "/var/run/snapd.socket", "/var/run/snapd-snap.socket",
	// tailscaled's LocalAPI: a root caller (a container's root) sets the
	// host's tailnet preferences, its exit node, routes and Tailscale SSH.
	"/run/tailscale", "/var/run/tailscale",
}

// systemWritable are host directories whose files the host executes or
// trusts: binaries and libraries (the Nix and Guix stores, snaps, flatpak
// and snapd state included), the boot loader, cron and at tables, container
// engine storage, trust anchors and name resolution. Reading them hands
// over nothing; a writable mount at, under or above one is host control.
var systemWritable = []string{
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot",
	"/var/spool/cron", "/var/lib/docker", "/var/lib/containerd", "/var/lib/containers",
	"/var/lib/dpkg", "/opt", "/etc",
	"/nix", "/gnu", "/snap", "/var/lib/snapd", "/var/lib/flatpak", "/var/spool/at",
}

// quietEtc are the files under /etc a sandbox may read without being
// handed anything of the host's: time zone and CA certificates, which the
// compiler itself binds. Only a read-only mount of them is quiet.
var quietEtc = []string{"/etc/localtime", "/etc/timezone", "/etc/ssl", "/etc/ca-certificates", "/etc/pki/ca-trust", "/etc/resolv.conf", "/etc/hosts"}

// loudPath says why a mount of host path p (cleaned), writable or not,
// hands the sandbox control of the host, or "" when it does not.
//
// A path whose first segment starts none of the lists of sockets, system
// trees and credential directories (see loudTops) can be at, under or
// above none of them, so it is judged on the engine socket names and its
// top-level directory only: the scan of some ninety patterns, twice or
// three times for each widened mount of each target, was an eighth of a
// changed manifest that adds a mount (BenchmarkChangedManifest/fs-only).
// TestLoudPathTops holds it to the scan of every list.
func loudPath(p string, write bool) string {
	if p == "/" {
		return "the host root: every file, every socket of the host"
	}
	if top, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/"); !loudTops[top] {
		if why := engineSocket(p); why != "" {
			return why
		}
		return topLevel(p)
	}
	return loudScan(p, write)
}

// loudTops are the first segments of every pattern loudScan holds a path
// to but the engine socket names: a path that is at, under or above one
// of them starts with the same segment (literal in all of them, as
// TestLoudPathTops checks).
var loudTops = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range [][]string{engineSockets, sessionSockets, hostSocketDirs, systemWritable, credentialDirs} {
		for _, d := range list {
			top, _, _ := strings.Cut(strings.TrimPrefix(d, "/"), "/")
			m[top] = true
		}
	}
	return m
}()

// loudScan is loudPath for any path but the root, through every list.
func loudScan(p string, write bool) string {
	if why := sockets(p); why != "" {
		return why
	}
	if write {
		for _, d := range systemWritable {
			if under(p, d) || holds(p, d) {
				return "writable " + d + ": files the host executes or trusts (binaries, libraries, boot, cron, container storage, certificates, hosts)"
			}
		}
	}
	if why := topLevel(p); why != "" {
		return why
	}
	return credentials(p)
}

// sockets says why a mount of p, in any mode, reaches a socket of a service
// that is root on the host or runs commands for the user, or "".
func sockets(p string) string {
	if why := engineSocket(p); why != "" {
		return why
	}
	for _, s := range engineSockets {
		if holds(p, s) {
			return "contains a container-engine socket (" + s + "): control of the host's container engine, which is root on the host"
		}
	}
	for _, d := range sessionSockets {
		if underPattern(p, d) || holds(p, d) {
			return "holds the user's session bus, systemd user manager or X11 display (" + d + "): it runs commands outside the sandbox as the user (systemd-run --user, keystrokes into a terminal)"
		}
	}
	for _, d := range hostSocketDirs {
		if under(p, d) || holds(p, d) {
			return "holds a host service socket (" + d + ": system D-Bus, systemd, libvirt, LXD/Incus, snapd or Docker's containerd), which is root on the host"
		}
	}
	return ""
}

// engineSocket says why p, by its name, is a container engine's socket,
// or "".
func engineSocket(p string) string {
	if name, ok := engineSocketNames[path.Base(p)]; ok {
		return "CONTAINER ENGINE SOCKET (" + name + "): control of the host's container engine, which is root on the host"
	}
	return ""
}

// topLevel says why a mount of p, in any mode, hands over a host directory
// that is private by its place: /etc (but the quiet files), /root, home
// directories and their dotfiles, /proc, /sys, /dev; or "".
func topLevel(p string) string {
	top, rest, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	// On ostree systems /home is a link to /var/home; under WSL the
	// Windows profiles are /mnt/<drive>/Users.
	if top == "var" && (rest == "home" || strings.HasPrefix(rest, "home/")) {
		top, rest, _ = strings.Cut(rest, "/")
	}
	if drive, r, _ := strings.Cut(rest, "/"); top == "mnt" && len(drive) == 1 && (r == "Users" || strings.HasPrefix(r, "Users/")) {
		top, rest, _ = strings.Cut(r, "/")
	}
	switch top {
	case "etc":
		for _, q := range quietEtc {
			if under(p, q) {
				return ""
			}
		}
		return "host /etc: users, passwords, sudoers, service configuration"
	case "root":
		return "root's home directory"
	case "home", "Users":
		user, sub, _ := strings.Cut(rest, "/")
		if user == "" || sub == "" || strings.HasPrefix(sub, ".") {
			return "a home directory or its dotfiles: keys, tokens, shell start-up files"
		}
	case "proc":
		return "host /proc: every process of the host, and through /proc/*/root their files"
	case "sys":
		return "host /sys: kernel and device settings"
	case "dev":
		return "host /dev: raw devices and disks"
	}
	return ""
}

// credentials says why a mount of p hands over the host's credentials (see
// credentialDirs), or "".
func credentials(p string) string {
	for _, d := range credentialDirs {
		if underPattern(p, d) || holds(p, d) {
			return "holds host credentials (" + d + ": service-account tokens and secrets, TLS private keys, kubelet, pod or cluster secrets, cloud-init data, systemd credentials, or the user's ssh/gpg agent, keyring or Kerberos tickets): with them the sandbox acts as the host, its user, its cluster or its cloud account"
		}
	}
	return ""
}

// holds reports whether directory d is sock or lies above it, "*" in sock
// matching any one segment. It looks at no more of d than sock has
// segments, so a long path costs no more than a short one.
func holds(d, sock string) bool {
	if d == "/" {
		return true
	}
	ok, _, dMore := segsMatch(sock, d)
	return ok && !dMore
}

// segsMatch compares pattern pat and path p (both absolute) segment by
// segment from the start, as long as both have one, "*" in pat matching
// any one segment: whether every pair matched, and whether pat and p have
// segments left after the last pair. It allocates nothing: holds and
// underPattern run for every credential directory at every changed mount,
// and splitting both into slices was three quarters of the allocations of
// a changed manifest that adds a mount (BenchmarkChangedManifest/fs-only);
// TestSegsMatchAsSplit holds both to the split form.
func segsMatch(pat, p string) (ok, patMore, pMore bool) {
	pat, p = strings.TrimPrefix(pat, "/"), strings.TrimPrefix(p, "/")
	for {
		ps, pr, pok := strings.Cut(pat, "/")
		seg, r, sok := strings.Cut(p, "/")
		if !segMatch(ps, seg) {
			return false, pok, sok
		}
		if !pok || !sok {
			return true, pok, sok
		}
		pat, p = pr, r
	}
}

// segMatch reports whether path segment seg matches pattern segment pat
// ("*" any segment, "ssh-*" one that starts with "ssh-").
func segMatch(pat, seg string) bool {
	if strings.IndexByte(pat, '*') < 0 {
		return pat == seg
	}
	ok, err := path.Match(pat, seg)
	return ok && err == nil
}

// underPattern reports whether path p lies at or below pattern pat, "*" in
// pat matching any one segment.
func underPattern(p, pat string) bool {
	ok, patMore, _ := segsMatch(pat, p)
	return ok && !patMore
}

// loudIPC says why an ipc endpoint that no target mounts hands over host
// control, or "": the host is asked to bind the user's session bus for
// dbus:session.
func loudIPC(ep string) string {
	if ep == "dbus:session" {
		return "the user's session bus: through it the user's systemd manager runs commands outside the sandbox as the user (systemd-run --user)"
	}
	return ""
}

// under reports whether path p lies at or below directory d.
func under(p, d string) bool {
	return p == d || d == "/" || strings.HasPrefix(p, d+"/")
}

// loudItem says why a widened grant it hands over the host, or "".
func loudItem(it item) string {
	switch it.kind {
	case kFS:
		return loudPath(it.key, it.write)
	case kCap:
		if strings.HasPrefix(it.key, "--privileged") {
			return "--privileged: every capability and every host device, no seccomp or AppArmor"
		}
		return "added capability " + it.key + ": the sandbox keeps a root power over the host kernel"
	case kDevice:
		return "host device " + it.key + " passed in"
	case kNet:
		return loudHost(it.key)
	}
	return ""
}

// metadataAddrs are the cloud instance-metadata services: AWS, Azure, GCP,
// OpenStack and Oracle (169.254.169.254, AWS's fd00:ec2::254 over IPv6),
// the ECS and EKS task credential endpoints, Alibaba Cloud's. They answer
// any process on the instance with its cloud identity's credentials.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("169.254.170.2"), netip.MustParseAddr("169.254.170.23"), netip.MustParseAddr("fd00:ec2::23"),
	netip.MustParseAddr("100.100.100.200"),
}

// metadataNames are the metadata services' DNS names (GCP's).
var metadataNames = []string{"metadata.google.internal", "metadata.goog"}

// loudHost says why an egress destination hands over the host's cloud
// credentials, or "": host h (an address, a range or a name) is or holds a
// cloud metadata service.
func loudHost(h string) string {
	const why = "cloud instance metadata service: it hands any caller the host's cloud credentials (instance role, managed identity, service account)"
	if !mayBeAddr(h) {
		// A name: ParseAddr and ParsePrefix would each make an error
		// to say so, a tenth of the allocations of a changed manifest
		// that adds a host (BenchmarkChangedManifest).
		return loudName(h, why)
	}
	if a, err := netip.ParseAddr(h); err == nil {
		for _, m := range metadataAddrs {
			if a.Unmap() == m {
				return why
			}
		}
		return ""
	}
	if pr, err := netip.ParsePrefix(h); err == nil {
		for _, m := range metadataAddrs {
			if pr.Contains(m) {
				return why
			}
		}
		return ""
	}
	return loudName(h, why)
}

// loudName is loudHost of a name: why, when it names a metadata service.
func loudName(h, why string) string {
	name := strings.TrimSuffix(sandbox.LowerASCII(h), ".")
	for _, m := range metadataNames {
		if name == m {
			return why
		}
	}
	return ""
}

// mayBeAddr reports whether h can parse as an address or a range:
// netip reads IPv6 only with a colon, and IPv4 (and its range) only from
// digits, dots and a slash. TestMayBeAddr holds it to netip.
func mayBeAddr(h string) bool {
	return strings.IndexByte(h, ':') >= 0 || strings.Trim(h, "0123456789./") == ""
}

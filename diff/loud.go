package diff

import (
	"path"
	"strings"
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
}

// engineSocketNames are the file names of those sockets, wherever they are.
var engineSocketNames = map[string]string{
	"docker.sock": "Docker", "containerd.sock": "containerd", "podman.sock": "podman",
	"crio.sock": "CRI-O", "buildkitd.sock": "BuildKit", "dockershim.sock": "dockershim",
	"cri-dockerd.sock": "cri-dockerd",
}

// quietEtc are the files under /etc a sandbox may read without being
// handed anything of the host's: time zone and CA certificates, which the
// compiler itself binds.
var quietEtc = []string{"/etc/localtime", "/etc/timezone", "/etc/ssl", "/etc/ca-certificates", "/etc/pki/ca-trust", "/etc/resolv.conf", "/etc/hosts"}

// loudPath says why a mount of host path p (cleaned) hands the sandbox
// control of the host, or "" when it does not.
func loudPath(p string) string {
	if p == "/" {
		return "the host root: every file, every socket of the host"
	}
	if name, ok := engineSocketNames[path.Base(p)]; ok {
		return "CONTAINER ENGINE SOCKET (" + name + "): control of the host's container engine, which is root on the host"
	}
	for _, s := range engineSockets {
		if holds(p, s) {
			return "contains a container-engine socket (" + s + "): control of the host's container engine, which is root on the host"
		}
	}
	top, rest, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
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

// holds reports whether directory d is sock or lies above it, "*" in sock
// matching any one segment.
func holds(d, sock string) bool {
	if d == "/" {
		return true
	}
	ds := strings.Split(strings.TrimPrefix(d, "/"), "/")
	ss := strings.Split(strings.TrimPrefix(sock, "/"), "/")
	if len(ds) > len(ss) {
		return false
	}
	for i, seg := range ds {
		if ss[i] != "*" && ss[i] != seg {
			return false
		}
	}
	return true
}

// under reports whether path p lies at or below directory d.
func under(p, d string) bool {
	return p == d || d == "/" || strings.HasPrefix(p, d+"/")
}

// loudItem says why a widened grant it hands over the host, or "".
func loudItem(it item) string {
	switch it.kind {
	case kFS:
		return loudPath(it.key)
	case kCap:
		if strings.HasPrefix(it.key, "--privileged") {
			return "--privileged: every capability and every host device, no seccomp or AppArmor"
		}
		return "added capability " + it.key + ": the sandbox keeps a root power over the host kernel"
	case kDevice:
		return "host device " + it.key + " passed in"
	}
	return ""
}

package compiler

import (
	"fmt"
	"strconv"
	"strings"
)

// bwrapSystemDirs are bound read-only (if present) into every sandbox.
var bwrapSystemDirs = []string{"/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/ssl", "/etc/ca-certificates"}

const sandboxPATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func lowerBwrap(p *Policy, prov Provenance) *Artifact {
	a := sandboxBase(TargetBwrap, p, prov)
	ms := Mounts(p)
	argv := make([]string, 0, 64)
	argv = append(argv, "--unshare-uts", "--unshare-cgroup-try", "--unshare-net")
	if !p.NestedSandbox {
		argv = append(argv, "--unshare-user-try", "--unshare-pid", "--unshare-ipc")
	}
	argv = append(argv, "--die-with-parent", "--new-session")
	for _, d := range bwrapSystemDirs {
		argv = append(argv, "--ro-bind-try", d, d)
	}
	argv = append(argv, "--proc", "/proc")
	if !tmpCovered(ms) {
		argv = append(argv, "--tmpfs", "/tmp")
	}
	if p.NestedSandbox {
		argv = append(argv, "--dev", "/dev")
		a.Notes = append(a.Notes, "nestedSandbox: keeping user/pid/ipc namespaces for inner sandbox compatibility")
	}
	if p.Clock == "tzdata" {
		argv = append(argv, "--ro-bind-try", "/usr/share/zoneinfo", "/usr/share/zoneinfo",
			"--ro-bind-try", "/etc/localtime", "/etc/localtime")
	}
	for _, m := range ms {
		flag := "--ro-bind"
		if m.Writable {
			flag = "--bind"
		}
		argv = append(argv, flag, m.Path, m.Path)
		if m.Glob {
			a.Notes = append(a.Notes, "fs: "+jsQuote(m.Declared)+" lowered to directory bind "+jsQuote(m.Path)+" — bwrap binds directories, not globs. Fine-grained glob enforcement is the server's job.")
		}
		if m.Path == "/tmp" {
			a.Notes = append(a.Notes, "fs: binding host /tmp exposes all user tmpfiles to the sandbox; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	for _, e := range p.Exec {
		a.Notes = append(a.Notes, "exec: "+e.Name+" (resolved from PATH inside sandbox)")
	}
	for _, g := range p.IPC {
		src, note := ipcSocket(g.Name)
		switch {
		case src != "":
			argv = append(argv, "--bind-try", src, src)
		case note != "":
			a.Notes = append(a.Notes, "ipc: "+note+" declared — host must bind DBUS_SESSION_BUS_ADDRESS socket")
		default:
			a.Notes = append(a.Notes, fmt.Sprintf("ipc: unrecognized endpoint %s — no mount emitted", jsQuote(g.Name)))
		}
	}
	if len(p.Net) > 0 {
		a.Notes = append(a.Notes, "net: "+strconv.Itoa(len(p.Net))+" endpoint(s) declared but NOT enforced by bwrap alone — bwrap always unshares the net namespace (no host network). To grant egress, a privileged broker MUST launch bwrap inside a pre-created network namespace whose egress honors egress[]. Absent that broker the sandbox has no network. Sharing the host netns is refused by design.")
	}
	argv = append(argv, "--clearenv", "--setenv", "PATH", sandboxPATH, "--setenv", "HOME", "/tmp")
	a.Argv = argv
	return a
}

// ipcSocket maps an ipc endpoint to the host socket path mounted for it.
// For dbus:session, which has no fixed path, it returns the note subject.
func ipcSocket(ep string) (src, session string) {
	switch {
	case ep == "x11":
		return "/tmp/.X11-unix", ""
	case ep == "dbus:system":
		return "/run/dbus/system_bus_socket", ""
	case ep == "dbus:session":
		return "", "dbus:session"
	case strings.HasPrefix(ep, "unix:/"):
		return ep[len("unix:"):], ""
	}
	return "", ""
}

package compiler

import (
	"strconv"
	"strings"
)

// TargetBwrap is the bubblewrap target: a bwrap argv.
const TargetBwrap = "bwrap"

var _ = register(target{name: TargetBwrap, shape: ShapeSandbox, core: true, order: 10,
	lower: func(l *lowering, a *Artifact) { l.bwrap(a, l.exposures()) }})

// bwrapSystemDirs are bound read-only (if present) into every sandbox.
var bwrapSystemDirs = []string{"/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/ssl", "/etc/ca-certificates"}

const sandboxPATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// The fixed runs of every bwrap argv: the namespaces (user, pid and ipc
// kept for a nested sandbox) and the system directories, then the
// environment. The conformance vectors check the argv.
var (
	bwrapHead       = bwrapFixedHead(false)
	bwrapHeadNested = bwrapFixedHead(true)
	bwrapTail       = []string{"--clearenv", "--setenv", "PATH", sandboxPATH, "--setenv", "HOME", "/tmp"}
)

func bwrapFixedHead(nested bool) []string {
	h := []string{"--unshare-uts", "--unshare-cgroup-try", "--unshare-net"}
	if !nested {
		h = append(h, "--unshare-user-try", "--unshare-pid", "--unshare-ipc")
	}
	h = append(h, "--die-with-parent", "--new-session")
	for _, d := range bwrapSystemDirs {
		h = append(h, "--ro-bind-try", d, d)
	}
	return append(h, "--proc", "/proc")
}

func (l *lowering) bwrap(a *Artifact, ex *Exposures) {
	p, ar, ms := l.p, l.a, ex.FS
	l.sandbox(a, TargetBwrap)
	var noteBuf [8]string
	notes := noteBuf[:0]
	if p.NestedSandbox {
		ar.add(bwrapHeadNested...)
	} else {
		ar.add(bwrapHead...)
	}
	if !tmpCovered(ms) {
		ar.add("--tmpfs", "/tmp")
	}
	if p.NestedSandbox {
		ar.add("--dev", "/dev")
		notes = append(notes, "nestedSandbox: keeping user/pid/ipc namespaces for inner sandbox compatibility")
	}
	// The binds of declared grants, in capgate's order, emitted parents
	// first once all are known (see parentFirst).
	bs := l.binds[:0]
	for _, f := range ex.Clock {
		bs = append(bs, bwrapBind(f, bindMode{try: true}))
	}
	for i, m := range ms {
		bs = append(bs, grantBind(bwrapBind(m.Path, bindMode{rw: m.Writable}), grantRef{m: &ms[i]}))
		if m.Glob {
			notes = append(notes, l.globNote(m, " lowered to directory bind ",
				" — bwrap binds directories, not globs. Fine-grained glob enforcement is the server's job."))
		}
		if m.Path == "/tmp" {
			notes = append(notes, "fs: binding host /tmp exposes all user tmpfiles to the sandbox; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	for _, e := range p.Exec {
		notes = append(notes, ar.str("exec: ", e.Name, " (resolved from PATH inside sandbox)"))
	}
	for _, s := range ex.IPC {
		switch {
		case s.Path != "" && !s.Writable:
			// x11, read-only in every target (IPCExposure.Writable).
			bs = append(bs, grantBind(bwrapBind(s.Path, bindMode{try: true}), grantRef{ipc: s.Grant}))
		case s.Path != "":
			bs = append(bs, grantBind(bwrapBind(s.Path, bindMode{rw: true, try: true}), grantRef{ipc: s.Grant}))
		case s.Session:
			notes = append(notes, "ipc: dbus:session declared — host must bind DBUS_SESSION_BUS_ADDRESS socket")
		default:
			notes = append(notes, l.unknownIPC(s.Grant.Name))
		}
	}
	l.keepBinds(bs)
	// One bind per path: of two, the later wins (see mergeBinds).
	bs = mergeBinds(bs, l.dupDest(bs), false, bwrapBind, func(ro, dst, rw string) { notes = append(notes, l.widerNote(ro, dst, rw)) })
	emitBinds(ar, bs)
	if len(p.Net) > 0 {
		notes = append(notes, netNote(bwrapNetNotes[:], len(p.Net), ar, bwrapNetNote))
	}
	ar.add(bwrapTail...)
	a.Argv = ar.list()
	ar.add(notes...)
	a.Notes = ar.list()
}

const (
	bwrapNetNote  = " endpoint(s) declared but NOT enforced by bwrap alone — bwrap always unshares the net namespace (no host network). To grant egress, a privileged broker MUST launch bwrap inside a pre-created network namespace whose egress honors egress[]. Absent that broker the sandbox has no network. Sharing the host netns is refused by design."
	dockerNetNote = " endpoint(s) declared — host MUST attach the container to a network whose egress honors egress[]; do NOT use --network host"
)

// bwrapNetNotes and dockerNetNotes hold the long net notes for small
// endpoint counts, written once instead of once per manifest: measured
// with BenchmarkCompileAll (issue 14), ~5.1 kB a manifest with them and
// ~5.7 kB without, and ~4% less time. The conformance tests check the text.
var bwrapNetNotes, dockerNetNotes = netNotes(bwrapNetNote), netNotes(dockerNetNote)

func netNotes(tail string) (t [17]string) {
	for n := 1; n < len(t); n++ {
		t[n] = "net: " + strconv.Itoa(n) + tail
	}
	return t
}

// globNote is the note for a glob fs grant that m mounts as a whole
// directory: "fs: <declared><lowered><path><why>".
func (l *lowering) globNote(m Mount, lowered, why string) string {
	// capgate interpolates the paths between quotes, unescaped: a path
	// holds no '"' (the grammar drops them) and no control character
	// (refused as unsafe), so only '\' would differ from JSON quoting.
	l.a.text("fs: \"")
	l.a.text(m.Declared)
	l.a.text("\"")
	l.a.text(lowered)
	l.a.text("\"")
	l.a.text(m.Path)
	l.a.text("\"")
	l.a.text(why)
	return l.a.done()
}

// ruleNote is a note on the egress rule at index i: "net[<i>]: <parts>".
func (l *lowering) ruleNote(i int, parts ...string) string {
	l.a.text("net[")
	l.a.int(i)
	l.a.text("]: ")
	return l.a.str(parts...)
}

// netNote returns "net: <n><tail>", from table when n is small.
func netNote(table []string, n int, ar *arena, tail string) string {
	if n < len(table) {
		return table[n]
	}
	ar.text("net: ")
	ar.int(n)
	ar.text(tail)
	return ar.done()
}

// unknownIPC is the note for an ipc endpoint no target knows how to mount.
func (l *lowering) unknownIPC(ep string) string {
	l.a.text("ipc: unrecognized endpoint ")
	l.a.quoted(ep)
	l.a.text(" — no mount emitted")
	return l.a.done()
}

// x11Socket is the host directory of the X11 sockets.
const x11Socket = "/tmp/.X11-unix"

// ipcSocket maps an ipc endpoint to the host socket path mounted for it.
// session is true for dbus:session, which has no fixed path.
func ipcSocket(ep string) (src string, session bool) {
	switch {
	case ep == "x11":
		return x11Socket, false
	case ep == "dbus:system":
		return "/run/dbus/system_bus_socket", false
	case ep == "dbus:session":
		return "", true
	case strings.HasPrefix(ep, "unix:/"):
		return ep[len("unix:"):], false
	}
	return "", false
}

// bwrapBind is the bind of host path p at p in mode m: m's flag, p, p.
func bwrapBind(p string, m bindMode) bind { return bind{dst: p, mode: m} }

// widerNote is the note for a read-only grant ro whose bind at dst is
// merged into the writable one that grant rw needs: "<kind>: <ro> is
// writable in the sandbox, wider than declared: …".
func (l *lowering) widerNote(ro, dst, rw string) string {
	kind, _, _ := strings.Cut(ro, ":")
	return l.a.str(kind, ": ", ro, " is writable in the sandbox, wider than declared: one mount serves \"", dst, "\", which ", rw, " needs writable")
}

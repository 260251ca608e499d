package compiler

import (
	"path"
	"strings"
)

// Exposures is what a policy's grants expose of the host, worked out once
// per policy: every target formats it (a bind, a volume, a list entry)
// and diff reads mounts back with it, so no one derives a host path
// again.
type Exposures struct {
	// FS are the fs grants, in policy order.
	FS []Mount
	// IPC are the ipc endpoints, in policy order, each with the host
	// socket the targets mount for it ("" for none).
	IPC []IPCExposure
	// Clock are the host files clock:tzdata exposes, read-only (none
	// without it).
	Clock []string
}

// IPCExposure is the host socket an ipc endpoint exposes.
type IPCExposure struct {
	Grant *NamedGrant
	// Path is the host socket the targets mount, "" when none does
	// (dbus:session, which has no fixed path, and unknown endpoints).
	Path string
	// Writable is false for x11, whose /tmp/.X11-unix every target mounts
	// read-only (a client connects through a read-only mount; creating or
	// removing a socket needs write access), true for the other sockets.
	Writable bool
	// Session is true for dbus:session, which the host must provide.
	Session bool
}

// tzdataFiles are the host files clock:tzdata exposes.
var tzdataFiles = [...]string{"/usr/share/zoneinfo", "/etc/localtime"}

// ExposuresOf works out what policy p exposes of the host.
func ExposuresOf(p *Policy) Exposures {
	var e Exposures
	e.FS = Mounts(p)
	e.IPC = appendIPC(nil, p)
	e.Clock = clockFiles(p)
	return e
}

func clockFiles(p *Policy) []string {
	if p.Clock == "tzdata" {
		return tzdataFiles[:]
	}
	return nil
}

func appendIPC(out []IPCExposure, p *Policy) []IPCExposure {
	for i := range p.IPC {
		g := &p.IPC[i]
		src, session := ipcSocket(g.Name)
		out = append(out, IPCExposure{Grant: g, Path: src, Writable: src != "" && g.Name != "x11", Session: session})
	}
	return out
}

// exposures returns the policy's exposures, worked out when first needed.
func (l *lowering) exposures() *Exposures {
	if !l.exSet {
		l.ex, l.exSet = ExposuresOf(l.p), true
	}
	return &l.ex
}

// patternBase returns the directory a host that mounts only paths needs
// for cleaned pattern p: the leading segments that hold no glob character
// ("/data/src/**/*.go" needs "/data/src"), and whether that directory is
// exactly what p matches: p is the directory followed by "/**" alone.
func patternBase(p string) (dir string, exact bool) {
	rest := strings.TrimPrefix(p, "/")
	end := 0 // rest[:end] are the segments without a glob character
	for i := 0; ; {
		seg, tail, more := strings.Cut(rest[i:], "/")
		if strings.ContainsAny(seg, globChars) {
			return rootedPrefix(p, rest, end), seg == "**" && !more
		}
		if !more {
			return rootedPrefix(p, rest, len(rest)), false
		}
		end = i + len(seg)
		i = len(rest) - len(tail)
	}
}

// rootedPrefix is "/" + rest[:n], taken from p when p is rest rooted.
func rootedPrefix(p, rest string, n int) string {
	if len(p) == len(rest)+1 {
		return p[:n+1]
	}
	return "/" + rest[:n]
}

// cleanDeclared is declared path d cleaned as the hosts clean it
// (path.Clean: no trailing slash, no "//", no ".."). Most paths are clean
// already, which cleanPath tells at a fraction of path.Clean's cost (~1.5%
// of BenchmarkCompileAll's instructions, issue 24); TestCleanPath guards
// that the two agree.
func cleanDeclared(d string) string {
	if cleanPath(d) {
		return d
	}
	return path.Clean(d)
}

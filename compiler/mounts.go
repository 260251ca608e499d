package compiler

import (
	"strings"
)

// Mount is a filesystem grant lowered to what a bind mount can express.
type Mount struct {
	// Declared is the normalised declared path; Path is the directory or
	// file actually mounted.
	Declared, Path string
	Writable       bool
	// Glob is true when Declared holds glob characters: the mount is
	// wider than the declaration and the server must enforce the rest.
	Glob bool
	// Clean is Declared cleaned as the hosts clean it (path.Clean: no
	// trailing slash, no "//", no "..").
	Clean string
	// Host is the path a host that mounts paths, not patterns, mounts:
	// Clean (a file stays a file) or, for a pattern, the directory it
	// needs, its leading segments without a glob character
	// ("/data/src/**/*.go" needs "/data/src"); HostExact is true when
	// Host holds exactly what the pattern matches ("DIR/**").
	Host      string
	HostExact bool
	Srcs      []CapString
}

// LowerPath turns a declared fs path into the path capgate mounts: a
// trailing slash is dropped; otherwise one trailing "/**" or "/*" is
// dropped, then a second trailing "/*" ("/a/*/*" binds "/a"). What is left
// loses a trailing slash ("/a//*" binds "/a") or, when its last segment
// looks like a file name (a dot not at its start), is replaced by its
// parent directory ("/a.b/*/*" binds "/").
func LowerPath(p string) string {
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		return p[:len(p)-1]
	}
	q := p
	if strings.HasSuffix(q, "/**") {
		q = q[:len(q)-3]
	} else if strings.HasSuffix(q, "/*") {
		q = q[:len(q)-2]
	}
	q = strings.TrimSuffix(q, "/*")
	if q == "" {
		return "/"
	}
	if len(q) > 1 && strings.HasSuffix(q, "/") {
		return q[:len(q)-1]
	}
	i := strings.LastIndexByte(q, '/')
	if base := q[i+1:]; strings.IndexByte(base, '.') > 0 {
		q = q[:i]
		if q == "" {
			q = "/"
		}
	}
	return q
}

// Mounts lowers a policy's fs grants, in policy order.
func Mounts(p *Policy) []Mount { return appendMounts(make([]Mount, 0, len(p.FS)), p) }

func appendMounts(out []Mount, p *Policy) []Mount {
	for i := range p.FS {
		g := &p.FS[i]
		m := Mount{
			Declared: g.Path,
			Path:     LowerPath(g.Path),
			Writable: g.Writable(),
			Glob:     hasByte(g.Path, mountGlob), // capgate: a lone ']' too
			Clean:    cleanDeclared(g.Path),
			Srcs:     g.Srcs,
		}
		m.Host, m.HostExact = m.Clean, !m.Glob
		if m.Glob {
			m.Host, m.HostExact = patternBase(m.Clean)
		}
		out = append(out, m)
	}
	return out
}

// mountGlob marks the bytes that make capgate lower a declared path as a
// glob.
var mountGlob = byteSet("*[]")

// byteSet marks the bytes of chars (ASCII).
func byteSet(chars string) (set [256]bool) {
	for i := 0; i < len(chars); i++ {
		set[chars[i]] = true
	}
	return set
}

// hasByte reports whether s holds a byte of set. It stands for
// strings.ContainsAny, which builds its set on every call: that was ~1% of
// BenchmarkCompileAll's instructions (valgrind, issue 24).
func hasByte(s string, set [256]bool) bool {
	for i := 0; i < len(s); i++ {
		if set[s[i]] {
			return true
		}
	}
	return false
}

// tmpCovered reports whether some mount is /tmp or lies under it, in which
// case no private tmpfs is put at /tmp.
func tmpCovered(ms []Mount) bool {
	for _, m := range ms {
		if m.Path == "/tmp" || strings.HasPrefix(m.Path, "/tmp/") {
			return true
		}
	}
	return false
}

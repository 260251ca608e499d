package compiler

import (
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// TargetMCPGateway is a Docker MCP Gateway server entry (docker mcp gateway
// run --server file://FILE). See docs/targets/mcp-gateway.md.
const TargetMCPGateway = "mcp-gateway"

// MCPGatewayFilename is the file name of the MCP Gateway server entry.
const MCPGatewayFilename = "capgate-mcp-gateway-server.json"

var _ = register(target{name: TargetMCPGateway, shape: ShapeConfig, order: 60, lower: (*lowering).mcpGateway})

// gatewayRefused are the host path prefixes the gateway refuses to bind,
// compared in lower case after it resolves symlinks (docker_binds.go
// disallowedDockerHostPath).
var gatewayRefused = [...]string{"/dev", "/etc", "/library", "/proc", "/private/etc", "/private/var/run", "/root", "/run", "/sys", "/system", "/var/lib/containerd", "/var/lib/docker", "/var/root", "/var/run", "c:/windows"}

// gatewayCredentialSegments are the path segments the gateway refuses
// anywhere in a bound host path, in lower case (same function).
var gatewayCredentialSegments = [...]string{".aws", ".azure", ".config", ".docker", ".gnupg", ".kube", ".ssh", ".netrc", ".npmrc", "id_dsa", "id_ecdsa", "id_ed25519", "id_rsa"}

// gatewayRoots are the roots the gateway binds under without
// MCP_GATEWAY_DOCKER_BIND_ALLOWED_PATHS (dockerBindAllowedRoots; the OS
// temp directory too, /tmp on Linux).
var gatewayRoots = [...]string{"/tmp", "/private/tmp", "/var/tmp"}

func under(p string, roots []string) bool {
	for _, r := range roots {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// gatewayRefusal returns why the gateway refuses to bind host path p (one
// refused volume fails the whole server), or "".
func gatewayRefusal(p string) string {
	lower := strings.ToLower(p)
	for _, r := range gatewayRefused {
		if under(lower, []string{r}) {
			return "the gateway refuses to bind a sensitive system path (under " + r + ", compared in lower case)"
		}
	}
	for _, seg := range strings.Split(lower, "/") {
		if slices.Contains(gatewayCredentialSegments[:], seg) {
			return "the gateway refuses to bind a credential path (a segment " + jsQuote(seg) + ")"
		}
	}
	if strings.ContainsRune(p, ':') || strings.Contains(p, "{{") {
		return "the gateway splits a volume on ':' and evaluates {{…}} in it"
	}
	return ""
}

// gatewayServer is what the server entry says, and what it cannot hold.
type gatewayServer struct {
	volumes, hosts        []string
	rwPaths, outsidePaths []string
	unenf                 []Unenforceable
	notes                 []string
	// at indexes volumes by host path; for each volume, ro lists its
	// grants while it is read-only and rwBy names the grant that made it
	// writable (see bind).
	at   map[string]int
	ro   [][]gatewayGrant
	rwBy []string
}

// gatewayGrant is a grant a volume serves: its name for a reason, and its
// unenforceable entry should the volume become writable for another one.
type gatewayGrant struct {
	name  string
	entry func(excess []string, why string) Unenforceable
}

// mcpGateway lowers the policy to a server entry: volumes with :ro/:rw,
// secrets for the variables, and allowHosts, which the gateway enforces
// only when it runs with --block-network.
func (l *lowering) mcpGateway(a *Artifact) {
	p := l.p
	a.Target, a.Filename, a.Provenance = TargetMCPGateway, MCPGatewayFilename, l.prov
	g := &gatewayServer{volumes: []string{}, unenf: []Unenforceable{}}
	g.fs(p, l.exposures())
	g.ipc(l.exposures())
	g.bindNotes()
	g.net(p)
	if p.NestedSandbox {
		g.notes = append(g.notes, "nestedSandbox: declared — the gateway keeps Docker's default seccomp and capabilities, which may break inner sandboxes; capgate refuses to choose for you.")
	}
	env := envNames(p)
	if len(env) > 0 {
		g.notes = append(g.notes, "env: secret names are placeholders (<server>.<name>); the host maps them in its secret store.")
	}
	if l.image == "" {
		g.notes = append(g.notes, "image: empty — the gateway loads no entry without one; capgate compile --target mcp-gateway --image REF fills it in.")
	}
	g.unenf = append(g.unenf, hostEntries(p, "the gateway's server entry", "", "", "every binary in the image")...)
	g.notes = append(g.notes, assertNotes(p, "the gateway")...)
	a.Unenforceable, a.Notes = g.unenf, g.notes
	a.Config = jsonFile(g.writer(l.name, l.image, env))
}

// fs binds each grant's path as declared (a file stays a file); a pattern
// binds the directory it needs, whose excess is listed, unless it is
// "DIR/**", which DIR holds exactly.
func (g *gatewayServer) fs(p *Policy, ex *Exposures) {
	ms := ex.FS
	for i, m := range ms {
		fg := &p.FS[i]
		src := m.Host
		var excess []string
		if m.Glob {
			if dir := m.Host; dir == "/" {
				g.unenf = append(g.unenf, fsEntry(fg, nil, "the gateway binds paths, not patterns, and this pattern needs the whole root; it is left out (denied)."))
				continue
			}
			if !m.HostExact {
				excess = []string{src}
			}
		}
		if why := gatewayRefusal(src); why != "" {
			g.unenf = append(g.unenf, fsEntry(fg, nil, why+"; one refused volume fails the whole server, so "+jsQuote(src)+" is left out (denied)."))
			continue
		}
		if excess != nil {
			g.unenf = append(g.unenf, fsEntry(fg, excess, "the gateway binds paths, not patterns: "+jsQuote(src)+" is bound whole, every path under it, not only those matching "+jsQuote(m.Declared)+"."))
		}
		g.unenf = createExcess(g.unenf, fg, "the gateway")
		g.bind(src, m.Writable, gatewayGrant{mountGrant(&ms[i]), func(excess []string, why string) Unenforceable { return fsEntry(fg, excess, why) }})
	}
	if len(ex.Clock) > 0 {
		g.bindClock(p)
	}
}

// bindClock binds the time zone files; /etc/localtime is refused by the
// gateway, so only the database is bound and the rest listed.
func (g *gatewayServer) bindClock(p *Policy) {
	g.bind("/usr/share/zoneinfo", false, gatewayGrant{"clock:tzdata", func(excess []string, why string) Unenforceable {
		return Unenforceable{Kind: KindClock, Grant: "clock:tzdata", Srcs: p.ClockSrcs, Excess: excess, Reason: why}
	}})
	g.unenf = append(g.unenf, Unenforceable{Kind: KindClock, Grant: "clock:tzdata", Srcs: p.ClockSrcs,
		Reason: "the gateway refuses to bind /etc/localtime (under /etc); only /usr/share/zoneinfo is bound, so the server sees UTC unless TZ is set."})
}

// bind adds the volume of host path src for grant by, once per path:
// docker refuses a container with two mounts at one destination. A path
// bound again keeps its place and becomes writable when either grant
// writes; each read-only grant of a volume that is or becomes writable is
// listed as unenforceable, with the write as its excess.
func (g *gatewayServer) bind(src string, writable bool, by gatewayGrant) {
	if g.at == nil {
		g.at = map[string]int{}
	}
	i, ok := g.at[src]
	if !ok {
		g.at[src] = len(g.volumes)
		g.volumes = append(g.volumes, src+":"+src+":ro")
		g.ro = append(g.ro, nil)
		g.rwBy = append(g.rwBy, "")
		if !under(src, gatewayRoots[:]) {
			g.outsidePaths = append(g.outsidePaths, src)
		}
		i = len(g.volumes) - 1
	}
	wide := strings.HasSuffix(g.volumes[i], ":rw")
	switch {
	case writable && !wide:
		g.volumes[i] = src + ":" + src + ":rw"
		g.rwPaths = append(g.rwPaths, src)
		g.rwBy[i] = by.name
		for _, r := range g.ro[i] {
			g.widened(r, src, by.name)
		}
		g.ro[i] = nil
	case !writable && wide:
		g.widened(by, src, g.rwBy[i])
	case !writable:
		g.ro[i] = append(g.ro[i], by)
	}
}

// widened lists read-only grant r as unenforceable: the volume of src it
// shares is writable, as grant rw needs.
func (g *gatewayServer) widened(r gatewayGrant, src, rw string) {
	g.unenf = append(g.unenf, r.entry([]string{"write access to " + src},
		"one volume serves "+jsQuote(src)+" (docker refuses two at one destination), and "+rw+" needs it writable, so this read-only grant is writable in the container."))
}

// ipc binds the endpoints that are host sockets the gateway would take.
func (g *gatewayServer) ipc(ex *Exposures) {
	for _, s := range ex.IPC {
		n, src := s.Grant, s.Path
		switch {
		case src == "":
			g.unenf = append(g.unenf, ipcEntry(n, "the gateway's entry can bind only a host socket path; no volume is emitted, so the endpoint is not reachable."))
		case gatewayRefusal(path.Clean(src)) != "":
			g.unenf = append(g.unenf, ipcEntry(n, gatewayRefusal(path.Clean(src))+"; one refused volume fails the whole server, so the socket is left out (denied)."))
		default:
			g.bind(path.Clean(src), s.Writable, gatewayGrant{namedGrant(n), func(excess []string, why string) Unenforceable {
				return namedEntry(KindIPC, "connect", n.Name, n.Srcs, excess, why)
			}})
		}
	}
}

// bindNotes names the exact host settings the volumes need: the gateway
// refuses a writable bind, or one outside its temp roots, unless the host
// allows that path.
func (g *gatewayServer) bindNotes() {
	if len(g.rwPaths) > 0 {
		g.notes = append(g.notes, "fs: the gateway refuses writable host binds unless the exact path is in MCP_GATEWAY_DOCKER_BIND_ALLOW_WRITABLE_PATHS: "+strings.Join(g.rwPaths, ":"))
	}
	if len(g.outsidePaths) > 0 {
		g.notes = append(g.notes, "fs: the gateway binds host paths outside /tmp and /var/tmp only when they are under MCP_GATEWAY_DOCKER_BIND_ALLOWED_PATHS: "+strings.Join(g.outsidePaths, ":"))
	}
	if len(g.volumes) > 0 {
		g.notes = append(g.notes, "fs: the gateway resolves symlinks before it checks a volume: a path that resolves under a refused one fails the whole server.")
	}
}

// gatewayDrop returns why the gateway's allowHosts cannot hold rule n as
// declared, or "".
func gatewayDrop(n *NetGrant) string {
	v6, ip := n.literal()
	switch {
	case strings.Contains(n.Host, "*"):
		return "the gateway's allowHosts has no wildcard; the rule is left out (denied)."
	case n.Port == 0:
		return "the gateway's allowHosts needs a port; the any-port rule is left out (denied)."
	case isLocalhost(n.Host) || gatewayLoopback(n.Host):
		return "the gateway refuses loopback in allowHosts (and localhost names the container's own); the rule is left out (denied)."
	case gatewayMulticast(n.Host):
		return "the gateway refuses a multicast literal in allowHosts; the rule is left out (denied)."
	case v6:
		return "the gateway's proxy turns an IPv6 entry into a docker --link alias, which docker refuses; the rule is left out (denied)."
	case ip && n.Port != 80 && n.Port != 443:
		return "the gateway reaches a /tcp entry only through a DNS alias on its proxy network, and an IP literal is never looked up; the rule is left out (denied)."
	case n.Host == "" || unsafeGatewayHost(n.Host):
		return "not a host the gateway's allowHosts parser takes; the rule is left out (denied)."
	}
	return ""
}

// net fills allowHosts: host:port for the L7 proxy (80, 443), host:port/tcp
// for an L4 proxy otherwise.
func (g *gatewayServer) net(p *Policy) {
	g.hosts = []string{}
	for i := range p.Net {
		n := &p.Net[i]
		if why := gatewayDrop(n); why != "" {
			g.unenf = append(g.unenf, netEntry(n, nil, why))
			continue
		}
		e := n.Host + ":" + strconv.Itoa(n.Port)
		if n.Port != 80 && n.Port != 443 {
			e += "/tcp" // the L7 proxy carries HTTP(S) only
		}
		g.hosts = append(g.hosts, e)
		if _, ip := n.literal(); n.BlockPrivate && !ip {
			g.unenf = append(g.unenf, netEntry(n, nil, "the gateway's proxies do not block private ranges; the host is allowed but its blockPrivate is not held."))
		}
	}
	if len(g.hosts) == 0 { // fail closed: an empty allowHosts is unrestricted
		g.notes = append(g.notes, "net: no egress the gateway can hold — disableNetwork (--network none).")
		return
	}
	g.notes = append(g.notes, "net: allowHosts is enforced only when the gateway runs with --block-network, and not when it runs in a container (DOCKER_MCP_IN_CONTAINER=1), which attaches the server to the gateway's own networks too; without it the server has unrestricted egress.")
}

// writer returns the writer of the entry's JSON.
func (g *gatewayServer) writer(name, image string, env []string) func(w *jsonw) {
	return func(w *jsonw) {
		w.open('{')
		w.key("name")
		w.str(name)
		w.key("type")
		w.str("server")
		w.key("image")
		w.str(image)
		w.key("volumes")
		w.strs(g.volumes)
		w.key("secrets")
		w.open('[')
		for _, e := range env {
			w.sep()
			w.open('{')
			w.key("name")
			w.str(name + "." + strings.ToLower(e))
			w.key("env")
			w.str(e)
			w.close('}')
		}
		w.close(']')
		w.key("disableNetwork")
		w.boolean(len(g.hosts) == 0)
		w.key("allowHosts")
		w.strs(g.hosts)
		w.close('}')
	}
}

// ValidImage reports whether ref is an image reference the gateway can
// hand to docker run: name components of lower-case letters and digits
// joined by '.', '_', "__" or '-', an optional registry port, an optional
// tag and an optional sha256 digest, and never starting with '-'.
func ValidImage(ref string) bool { return len(ref) <= 512 && imageRef().MatchString(ref) }

// imageRef is compiled on first use: compiling it (its counted repeats
// unrolled) was most of the 0.9 ms this package's initialization took in
// every run of capgate (GODEBUG=inittrace=1, 2026-12-07), most of which
// never look at an image.
var imageRef = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`)
})

// unsafeGatewayHost reports whether h holds a character the gateway's
// host:port parsing or its proxies would take otherwise ('/', ',', '@').
func unsafeGatewayHost(h string) bool { return strings.ContainsAny(h, "/,@[]") }

// gatewayLoopback reports whether h is a loopback address: one the gateway's
// ParseProxySpec rejects (net.ParseIP, IsLoopback: 127/8, ::1, and
// ::ffff:127.x), or any other spelling of 127/8 the resolver would turn
// into loopback ("127.1", "0x7f.1", "2130706433": inet_aton forms, which
// net.ParseIP does not take, so the gateway would pass them on). The
// unspecified address (0.0.0.0, 0/8, ::) counts too: on Linux a connection
// to it reaches the local host, though the gateway does not refuse it.
func gatewayLoopback(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback() || ip.IsUnspecified() || ip.To4() != nil && ip.To4()[0] == 0
	}
	v, ok := inetAton(h)
	return ok && (v>>24 == 127 || v>>24 == 0)
}

// gatewayMulticast reports whether h is a multicast literal (224/4,
// ff00::/8), which ParseProxySpec rejects, in any inet_aton spelling.
func gatewayMulticast(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsMulticast()
	}
	v, ok := inetAton(h)
	return ok && v>>28 == 0xe
}

// inetAton parses h as C's inet_aton does: one to four dot-separated parts,
// each decimal, 0-prefixed octal or 0x-prefixed hex, the last filling the
// bytes left ("127.1" is 127.0.0.1).
func inetAton(h string) (uint32, bool) {
	parts := strings.Split(h, ".")
	if len(parts) > 4 {
		return 0, false
	}
	var v uint32
	for i, part := range parts {
		base, digits := 10, part
		switch {
		case len(part) > 1 && (part[:2] == "0x" || part[:2] == "0X"):
			base, digits = 16, part[2:]
		case len(part) > 1 && part[0] == '0':
			base, digits = 8, part[1:]
		}
		if digits == "" && base != 8 {
			return 0, false
		}
		if digits == "" {
			digits = "0"
		}
		n, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return 0, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return 0, false
			}
			v |= uint32(n) << (8 * (3 - i))
			continue
		}
		if left := 4 - i; left < 4 && n >= 1<<(8*left) {
			return 0, false
		}
		v |= uint32(n)
	}
	return v, true
}

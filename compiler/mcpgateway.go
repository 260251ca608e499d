package compiler

import (
	"net"
	"path"
	"strconv"
	"strings"
)

// TargetMCPGateway is a Docker MCP Gateway server entry (docker mcp gateway
// run --server file://FILE). See docs/targets/mcp-gateway.md.
const TargetMCPGateway = "mcp-gateway"

// MCPGatewayFilename is the file name of the MCP Gateway server entry.
const MCPGatewayFilename = "capgate-mcp-gateway-server.json"

var _ = register(target{name: TargetMCPGateway, shape: ShapeConfig, order: 60, lower: (*lowering).mcpGateway})

// gatewayRefused are the host path prefixes the gateway refuses to bind
// (docker_binds.go disallowedDockerHostPath).
var gatewayRefused = [...]string{"/dev", "/etc", "/proc", "/root", "/run", "/sys", "/var/run", "/var/lib/docker"}

// gatewayRoots are the roots the gateway binds under without
// MCP_GATEWAY_DOCKER_BIND_ALLOWED_PATHS.
var gatewayRoots = [...]string{"/tmp", "/var/tmp"}

func under(p string, roots []string) bool {
	for _, r := range roots {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// mcpGateway lowers the policy to a server entry: volumes with :ro/:rw,
// secrets for the variables, and allowHosts, which the gateway enforces
// only when it runs with --block-network.
func (l *lowering) mcpGateway(a *Artifact) {
	p := l.p
	a.Target, a.Filename, a.Provenance = TargetMCPGateway, MCPGatewayFilename, l.prov
	a.Unenforceable = []Unenforceable{}
	var notes []string
	volumes := []string{}
	rw, outside := false, false
	bind := func(p string, writable bool) {
		// Cleaned first: "//etc/shadow" and "/var//run/x" are /etc/shadow
		// and /var/run/x to the kernel; the prefix check and the volume
		// must see that path (TestGatewayCleansPaths).
		path := path.Clean(p)
		if under(path, gatewayRefused[:]) {
			notes = append(notes, "fs: "+jsQuote(path)+" left out — the gateway refuses to bind host paths under /dev, /etc, /proc, /root, /run, /sys, /var/run and /var/lib/docker.")
			return
		}
		mode := ":ro"
		if writable {
			mode, rw = ":rw", true
		}
		outside = outside || !under(path, gatewayRoots[:])
		volumes = append(volumes, path+":"+path+mode)
	}
	for _, m := range l.mounts() {
		bind(m.Path, m.Writable)
		if m.Glob {
			notes = append(notes, globNotePlain(m, " lowered to volume ", " — the gateway mounts paths, not globs. Fine-grained glob enforcement is the server's job."))
		}
	}
	if p.Clock == "tzdata" {
		bind("/usr/share/zoneinfo", false)
		bind("/etc/localtime", false)
	}
	for _, g := range p.IPC {
		src, _ := ipcSocket(g.Name)
		switch {
		case g.Name == "x11":
			bind(src, false)
		case src != "":
			bind(src, true)
		default:
			notes = append(notes, "ipc: "+jsQuote(g.Name)+" — no mount emitted")
		}
	}
	if rw {
		notes = append(notes, "fs: the gateway refuses writable host binds unless the exact path is in MCP_GATEWAY_DOCKER_BIND_ALLOW_WRITABLE_PATHS.")
	}
	if outside {
		notes = append(notes, "fs: the gateway binds host paths outside /tmp and /var/tmp only when they are under MCP_GATEWAY_DOCKER_BIND_ALLOWED_PATHS.")
	}
	env := envNames(p)
	var hosts []string
	for i := range p.Net {
		n := &p.Net[i]
		v6, ip := n.literal()
		var why string
		switch {
		case n.Host == "*" || strings.Contains(n.Host, "*"):
			why = "the gateway's allowHosts has no wildcard; the rule is left out (denied)."
		case n.Port == 0:
			why = "the gateway's allowHosts needs a port; the any-port rule is left out (denied)."
		case isLocalhost(n.Host) || gatewayLoopback(n.Host):
			why = "the gateway refuses loopback in allowHosts (and localhost names the container's own); the rule is left out (denied)."
		case gatewayMulticast(n.Host):
			why = "the gateway refuses a multicast literal in allowHosts; the rule is left out (denied)."
		case n.Host == "" || unsafeGatewayHost(n.Host):
			why = "not a host the gateway's allowHosts parser takes; the rule is left out (denied)."
		}
		if why != "" {
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: n.rule(), Reason: why})
			continue
		}
		h := n.Host
		if v6 {
			h = "[" + h + "]"
		}
		e := h + ":" + strconv.Itoa(n.Port)
		if n.Port != 80 && n.Port != 443 {
			e += "/tcp" // the L7 proxy carries HTTP(S) only
		}
		hosts = append(hosts, e)
		if n.BlockPrivate && !ip {
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: n.rule(),
				Reason: "the gateway's proxies do not block private ranges; the host is allowed but its blockPrivate is not held."})
		}
	}
	disable := len(hosts) == 0 // fail closed: an empty allowHosts is unrestricted
	if disable {
		notes = append(notes, "net: no egress the gateway can hold — disableNetwork (--network none).")
		hosts = []string{}
	} else {
		notes = append(notes, "net: allowHosts is enforced only when the gateway runs with --block-network; without it the server has unrestricted egress.")
	}
	if p.NestedSandbox {
		notes = append(notes, "nestedSandbox: declared — the gateway keeps Docker's default seccomp and capabilities, which may break inner sandboxes; capgate refuses to choose for you.")
	}
	if len(env) > 0 {
		notes = append(notes, "env: secret names are placeholders (<server>.<name>); the host maps them in its secret store.")
	}
	notes = append(notes, "image: left empty — the host fills in the server's image.")
	notes = append(notes, hostNotes(p, nil, "the gateway", "", "must be present in the chosen image")...)
	a.Config = jsonFile(func(w *jsonw) {
		w.open('{')
		w.key("name")
		w.str(l.name)
		w.key("type")
		w.str("server")
		w.key("image")
		w.str("")
		w.key("volumes")
		w.strs(volumes)
		w.key("secrets")
		w.open('[')
		for _, e := range env {
			w.sep()
			w.open('{')
			w.key("name")
			w.str(l.name + "." + strings.ToLower(e))
			w.key("env")
			w.str(e)
			w.close('}')
		}
		w.close(']')
		w.key("disableNetwork")
		w.boolean(disable)
		w.key("allowHosts")
		w.strs(hosts)
		w.close('}')
	})
	a.Notes = notes
}

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

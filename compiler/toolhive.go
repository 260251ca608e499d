package compiler

import (
	"slices"
	"strconv"
	"strings"
)

// TargetToolhive is ToolHive's permission profile (thv run
// --permission-profile FILE). See docs/targets/toolhive.md.
const TargetToolhive = "toolhive"

// ToolhiveFilename is the file name of the ToolHive permission profile.
const ToolhiveFilename = "capgate-toolhive-profile.json"

var _ = register(target{name: TargetToolhive, shape: ShapeConfig, order: 50, lower: (*lowering).toolhive})

// toolhiveProfile is what the profile says, and what it cannot hold.
type toolhiveProfile struct {
	read, write []string
	allowAll    bool
	hosts       []string
	ports       []int
	unenf       []Unenforceable
	notes       []string
}

// toolhive lowers the policy to a permission profile: mounts into read and
// write (the declared path itself, a file as a file; a pattern as the
// directory it needs, listed unenforceable), egress into network.outbound,
// whose allow_host and allow_port lists ToolHive's proxy ANDs: every
// listed host on every listed port, so each pair no rule declared is
// listed as excess.
func (l *lowering) toolhive(a *Artifact) {
	p := l.p
	a.Target, a.Filename, a.Provenance = TargetToolhive, ToolhiveFilename, l.prov
	t := &toolhiveProfile{read: []string{}, write: []string{}, unenf: []Unenforceable{}}
	t.fs(p, l.exposures())
	t.ipc(l.exposures())
	t.net(p)
	if p.NestedSandbox {
		t.notes = append(t.notes, "nestedSandbox: declared — privileged stays false; the host must decide whether inner sandboxes may run. capgate refuses to choose for you.")
	}
	t.unenf = append(t.unenf, hostEntries(p, "toolhive's profile", "", "", "every binary in the image")...)
	if env := envNames(p); len(env) > 0 {
		t.notes = append(t.notes, "env: the profile holds no environment; pass the declared variables with thv run -e NAME or --secret NAME,target=NAME: "+strings.Join(env, ", "))
	}
	t.notes = append(t.notes, assertNotes(p, "toolhive")...)
	a.Unenforceable, a.Notes = t.unenf, t.notes
	a.Config = jsonFile(t.writer(l.name))
}

// toolhiveRefused are the characters ToolHive's MountDeclaration.Parse
// takes otherwise or refuses: ':' splits host from container path, and
// $ & ; | ` and NUL are refused as command injection (thv then skips the
// mount with a warning).
const toolhiveRefused = ":$&;|`\x00"

// fs adds the mounts. A path is bound as declared (a file stays a file);
// a pattern binds the directory it needs, whose excess is listed, unless
// it is "DIR/**", which DIR holds exactly.
func (t *toolhiveProfile) fs(p *Policy, ex *Exposures) {
	for i, m := range ex.FS {
		g := &p.FS[i]
		src := m.Host
		if m.Glob {
			switch dir := m.Host; {
			case dir == "/":
				t.unenf = append(t.unenf, fsEntry(g, nil, "toolhive mounts paths, not patterns, and this pattern needs the whole root; it is left out (denied)."))
				continue
			case !m.HostExact:
				t.unenf = append(t.unenf, fsEntry(g, []string{dir}, "toolhive mounts paths, not patterns: "+jsQuote(dir)+" is mounted whole, every path under it, not only those matching "+jsQuote(m.Declared)+"."))
			}
		}
		if strings.ContainsAny(src, toolhiveRefused) {
			t.unenf = append(t.unenf, fsEntry(g, nil, "toolhive's mount declaration splits on ':' and refuses $ & ; | and ` (thv skips such a mount); the path is left out (denied)."))
			continue
		}
		t.unenf = createExcess(t.unenf, g, "toolhive")
		t.mount(src, m.Writable)
		if src == "/tmp" {
			t.notes = append(t.notes, "fs: mounting host /tmp exposes all user tmpfiles to the container; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	t.read = append(t.read, ex.Clock...)
}

func (t *toolhiveProfile) mount(src string, writable bool) {
	if writable {
		t.write = append(t.write, src)
	} else {
		t.read = append(t.read, src)
	}
}

// ipc mounts the endpoints that are sockets on the host; the others are
// listed unenforceable.
func (t *toolhiveProfile) ipc(ex *Exposures) {
	for _, s := range ex.IPC {
		switch {
		case s.Path != "" && !s.Writable:
			t.read = append(t.read, s.Path)
		case s.Path != "" && !strings.ContainsAny(s.Path, toolhiveRefused):
			t.write = append(t.write, s.Path)
		default:
			t.unenf = append(t.unenf, ipcEntry(s.Grant, "toolhive's profile can mount only a host socket path; no mount is emitted, so the endpoint is not reachable."))
		}
	}
}

// toolhiveDrop returns why ToolHive's proxy would not honour a rule for
// host h as declared, or "": a pattern (its squid matches "*.x" as text,
// never; its Envoy backend matches x and every subdomain), an IPv6
// literal (squid's dstdomain never matches one, Envoy's any-host pattern
// excludes ':'), loopback (the proxy container's own).
func toolhiveDrop(n *NetGrant) string {
	v6, _ := n.literal()
	switch {
	case n.Host != "*" && strings.Contains(n.Host, "*"):
		return "toolhive's egress proxy does not hold a host pattern as declared (squid matches " + jsQuote(n.Host) + " as text, never; Envoy matches the apex and every subdomain); the rule is left out (denied)."
	case v6:
		return "toolhive's egress proxy does not match an IPv6 literal (squid dstdomain, Envoy's host pattern); the rule is left out (denied)."
	case isLocalhost(n.Host) || gatewayLoopback(n.Host):
		return "loopback in allow_host is the egress proxy container's own, not the host's; the rule is left out (denied)."
	}
	return ""
}

// net fills allow_host and allow_port. Rules the proxy cannot hold are
// left out first, so their ports never widen the rest.
func (t *toolhiveProfile) net(p *Policy) {
	kept := make([]*NetGrant, 0, len(p.Net))
	for i := range p.Net {
		n := &p.Net[i]
		if why := toolhiveDrop(n); why != "" {
			t.unenf = append(t.unenf, netEntry(n, nil, why))
			continue
		}
		t.allowAll = t.allowAll || n.Host == "*" && n.Port == 0
		kept = append(kept, n)
	}
	if !t.allowAll {
		t.hosts, t.ports = toolhiveLists(kept)
		t.narrowed(kept)
	} else {
		t.notes = append(t.notes, `net: host "*" with any port degenerates to insecure_allow_all — every destination is allowed.`)
	}
	t.hosts, t.ports = nonNil(t.hosts), nonNilInts(t.ports)
	for _, n := range kept {
		if _, ip := n.literal(); n.BlockPrivate && !ip {
			t.unenf = append(t.unenf, netEntry(n, nil, "toolhive's egress proxy does not block private ranges; the destination is allowed but its blockPrivate is not held."))
		}
	}
	switch {
	case len(p.Net) == 0:
		t.notes = append(t.notes, "net: no egress declared — all outbound denied (empty allow lists).")
	default:
		t.notes = append(t.notes, "net: enforced only for HTTP/HTTPS through ToolHive's egress proxy with --isolate-network in bridge mode; other TCP/UDP has no route.")
	}
}

// toolhiveLists returns the sorted, distinct named hosts and ports of the
// kept rules ("*:port" adds its port only).
func toolhiveLists(kept []*NetGrant) (hosts []string, ports []int) {
	seenHost, seenPort := map[string]bool{}, map[int]bool{}
	for _, n := range kept {
		if n.Host != "*" && !seenHost[n.Host] {
			seenHost[n.Host] = true
			hosts = append(hosts, n.Host)
		}
		if n.Port != 0 && !seenPort[n.Port] {
			seenPort[n.Port] = true
			ports = append(ports, n.Port)
		}
	}
	slices.Sort(hosts)
	slices.Sort(ports)
	return hosts, ports
}

// narrowed lists the kept rules the lists hold otherwise than declared:
// "*:port" beside named hosts (narrowed to them), an any-port rule beside
// listed ports (narrowed to them), and every named rule whose host the
// cross product opens on ports no rule declared for it (the excess pairs).
func (t *toolhiveProfile) narrowed(kept []*NetGrant) {
	declared := map[string]map[int]bool{} // host → its declared ports (0: any)
	first := map[string]*NetGrant{}
	for _, n := range kept {
		if declared[n.Host] == nil {
			declared[n.Host], first[n.Host] = map[int]bool{}, n
		}
		declared[n.Host][n.Port] = true
	}
	for _, n := range kept {
		switch {
		case n.Host == "*" && len(t.hosts) > 0:
			t.unenf = append(t.unenf, netEntry(n, nil, "toolhive's allow_host cannot say any host on one port next to named hosts; the rule is narrowed to the listed hosts."))
		case n.Host != "*" && n.Port == 0 && len(t.ports) > 0:
			t.unenf = append(t.unenf, netEntry(n, nil, "toolhive applies allow_port to every host; this any-port rule is narrowed to the listed ports "+joinInts(t.ports)+"."))
		case n.Host != "*" && first[n.Host] == n && !declared[n.Host][0]:
			if ex := crossExcess(n.Host, declared[n.Host], t.ports); len(ex) > 0 {
				t.unenf = append(t.unenf, netEntry(n, ex, "toolhive allows every allow_host on every allow_port, so "+n.Host+" is also reachable on ports no rule declares for it."))
			}
		}
	}
}

// maxPairs is how many added host:port pairs one host's entry spells out;
// past it the entry names them at once, so the entries stay linear in the
// rules however many hosts and ports the lists hold.
const maxPairs = 16

// crossExcess lists host:port for each listed port not declared for host,
// or, past maxPairs of them, one "HOST:* except …" naming every listed
// port but the declared ones.
func crossExcess(host string, declared map[int]bool, ports []int) []string {
	if len(ports)-len(declared) > maxPairs {
		var own []int
		for _, pt := range ports {
			if declared[pt] {
				own = append(own, pt)
			}
		}
		return []string{hostPort(&NetGrant{Host: host}) + " on every allow_port except " + joinInts(own)}
	}
	var out []string
	for _, pt := range ports {
		if !declared[pt] {
			out = append(out, hostPort(&NetGrant{Host: host, Port: pt}))
		}
	}
	return out
}

// writer returns the writer of the profile's JSON.
func (t *toolhiveProfile) writer(name string) func(w *jsonw) {
	return func(w *jsonw) {
		w.open('{')
		w.key("name")
		w.str(name)
		w.key("read")
		w.strs(t.read)
		w.key("write")
		w.strs(t.write)
		w.key("network")
		w.open('{')
		w.key("outbound")
		w.open('{')
		w.key("insecure_allow_all")
		w.boolean(t.allowAll)
		w.key("allow_host")
		w.strs(t.hosts)
		w.key("allow_port")
		w.open('[')
		for _, pt := range t.ports {
			w.sep()
			w.integer(pt)
		}
		w.close(']')
		w.close('}')
		w.close('}')
		w.key("privileged")
		w.boolean(false)
		w.close('}')
	}
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func nonNilInts(ns []int) []int {
	if ns == nil {
		return []int{}
	}
	return ns
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

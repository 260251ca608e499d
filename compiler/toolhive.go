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

// toolhive lowers the policy to a permission profile: mounts into read and
// write, egress into network.outbound, whose allow_host and allow_port
// lists ToolHive's proxy ANDs: every listed host on every listed port.
func (l *lowering) toolhive(a *Artifact) {
	p := l.p
	a.Target, a.Filename, a.Provenance = TargetToolhive, ToolhiveFilename, l.prov
	a.Unenforceable = []Unenforceable{}
	var notes []string
	read, write := []string{}, []string{}
	for _, m := range l.mounts() {
		if strings.Contains(m.Path, ":") {
			notes = append(notes, "fs: "+jsQuote(m.Path)+" left out — a ':' in a ToolHive mount declaration splits host from container path.")
			continue
		}
		if m.Writable {
			write = append(write, m.Path)
		} else {
			read = append(read, m.Path)
		}
		if m.Glob {
			notes = append(notes, globNotePlain(m, " lowered to mount ", " — ToolHive mounts paths, not globs. Fine-grained glob enforcement is the server's job."))
		}
		if m.Path == "/tmp" {
			notes = append(notes, "fs: mounting host /tmp exposes all user tmpfiles to the container; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	if p.Clock == "tzdata" {
		read = append(read, "/usr/share/zoneinfo", "/etc/localtime")
	}
	for _, g := range p.IPC {
		src, _ := ipcSocket(g.Name)
		switch {
		case g.Name == "x11":
			read = append(read, src)
		case src != "":
			write = append(write, src)
		default:
			notes = append(notes, "ipc: "+jsQuote(g.Name)+" — no mount emitted")
		}
	}
	allowAll := false
	hosts, ports := []string{}, []int{}
	anyHostPorts := map[int]bool{} // ports of "*:port" rules
	// Sets, not slices.Contains per rule: linear in the rules, not quadratic.
	seenHost, seenPort := map[string]bool{}, map[int]bool{}
	for i := range p.Net {
		n := &p.Net[i]
		switch {
		case n.Host == "*" && n.Port == 0:
			allowAll = true
		case n.Host == "*":
			anyHostPorts[n.Port] = true
		default:
			if !seenHost[n.Host] {
				seenHost[n.Host] = true
				hosts = append(hosts, n.Host)
			}
		}
		if n.Port != 0 && !seenPort[n.Port] {
			seenPort[n.Port] = true
			ports = append(ports, n.Port)
		}
	}
	slices.Sort(hosts)
	slices.Sort(ports)
	for i := range p.Net {
		n := &p.Net[i]
		var why string
		_, ip := n.literal()
		switch {
		case !allowAll && n.Host == "*" && len(hosts) > 0:
			why = "toolhive's allow_host cannot say any host on one port next to named hosts; the rule is narrowed to the listed hosts."
		case !allowAll && n.Host != "*" && n.Port == 0 && len(ports) > 0:
			why = "toolhive applies allow_port to every host; this any-port rule is narrowed to the listed ports " + joinInts(ports) + "."
		case n.BlockPrivate && !ip:
			why = "toolhive's egress proxy does not block private ranges; the destination is allowed but its blockPrivate is not held."
		}
		if why != "" {
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: n.rule(), Reason: why})
		}
	}
	if allowAll {
		hosts, ports = []string{}, []int{}
		notes = append(notes, `net: host "*" with any port degenerates to insecure_allow_all — every destination is allowed.`)
	} else if len(hosts) > 1 && len(ports) > 1 || len(hosts) > 0 && len(ports) > 0 && len(p.Net) < len(hosts)*len(ports) {
		notes = append(notes, "net: toolhive allows every allow_host on every allow_port: "+strconv.Itoa(len(hosts)*len(ports))+" host:port pairs for "+strconv.Itoa(len(p.Net))+" declared rule(s).")
	}
	if len(p.Net) == 0 {
		notes = append(notes, "net: no egress declared — all outbound denied (empty allow lists).")
	} else {
		notes = append(notes, "net: enforced only for HTTP/HTTPS through ToolHive's egress proxy with --isolate-network in bridge mode; other TCP/UDP has no route.")
	}
	if p.NestedSandbox {
		notes = append(notes, "nestedSandbox: declared — privileged stays false; the host must decide whether inner sandboxes may run. capgate refuses to choose for you.")
	}
	notes = append(notes, hostNotes(p, envNames(p), "toolhive", "pass them with thv run -e NAME or --secret NAME,target=NAME", "must be present in the chosen image")...)
	a.Config = jsonFile(func(w *jsonw) {
		w.open('{')
		w.key("name")
		w.str(l.name)
		w.key("read")
		w.strs(read)
		w.key("write")
		w.strs(write)
		w.key("network")
		w.open('{')
		w.key("outbound")
		w.open('{')
		w.key("insecure_allow_all")
		w.boolean(allowAll)
		w.key("allow_host")
		w.strs(hosts)
		w.key("allow_port")
		w.open('[')
		for _, pt := range ports {
			w.sep()
			w.integer(pt)
		}
		w.close(']')
		w.close('}')
		w.close('}')
		w.key("privileged")
		w.boolean(false)
		w.close('}')
	})
	a.Notes = notes
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

package diff

import (
	"strconv"

	"github.com/razukc/capgate-action/compiler"
)

// toolhiveReader reads back a ToolHive permission profile: read and write
// mounts, and the egress its proxy enforces, every allow_host on every
// allow_port (an empty list means any), or everything under
// insecure_allow_all. ToolHive blocks no private range.
type toolhiveReader struct{}

var _ = addReader(toolhiveReader{})

func (toolhiveReader) target() string { return compiler.TargetToolhive }

type toolhiveProfile struct {
	Name    string   `json:"name"`
	Read    []string `json:"read"`
	Write   []string `json:"write"`
	Network *struct {
		Mode     string `json:"mode"`
		Outbound *struct {
			InsecureAllowAll bool     `json:"insecure_allow_all"`
			AllowHost        []string `json:"allow_host"`
			AllowPort        []int    `json:"allow_port"`
		} `json:"outbound"`
	} `json:"network"`
	Privileged bool `json:"privileged"`
}

func (toolhiveReader) boundary(a *compiler.Artifact) []item {
	out := []item{}
	if a == nil {
		return out
	}
	var p toolhiveProfile
	if bad := decodeStrict(a, &p); bad != nil {
		return bad
	}
	for _, r := range p.Read {
		out = append(out, fsItem(r, false))
	}
	for _, w := range p.Write {
		out = append(out, fsItem(w, true))
	}
	if p.Privileged {
		out = append(out, item{kind: kCap, key: "privileged"})
	}
	switch {
	case p.Network == nil || p.Network.Outbound == nil || p.Network.Outbound.InsecureAllowAll:
		// ToolHive treats a profile without network permissions as
		// allow-all.
		out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: "*"}})
	default:
		// The boundary is the pair (host set, port set), one item per
		// listed host and per listed port, not one per host:port pair:
		// the cross product would be n*m items and rows for n+m listed
		// values (TestToolhiveProductLinear). compareProduct judges it.
		o := p.Network.Outbound
		if len(o.AllowHost) == 0 && len(o.AllowPort) == 0 {
			break
		}
		if len(o.AllowHost) == 0 {
			out = append(out, item{kind: kHost, key: "*"})
		}
		for _, h := range o.AllowHost {
			out = append(out, item{kind: kHost, key: h})
		}
		if len(o.AllowPort) == 0 {
			out = append(out, item{kind: kPort, key: "0"})
		}
		for _, pt := range o.AllowPort {
			out = append(out, item{kind: kPort, key: strconv.Itoa(pt)})
		}
	}
	if p.Network != nil && p.Network.Mode != "" {
		out = append(out, item{kind: kNetwork, key: p.Network.Mode})
	}
	return out
}

// Item kinds of an egress boundary held as a product (ToolHive): every
// allowed host on every allowed port. key "*" is any host, "0" any port.
const (
	kHost = "net-host"
	kPort = "net-port"
)

// compareProduct compares egress boundaries held as host and port sets
// (kHost, kPort). Head's product lies within base's exactly when each of
// its hosts is covered by a base host and each of its ports by a base
// port, so each new host and each new port is one widened row: a new host
// is reachable on every allowed port, a new port from every allowed host.
// A side that allows all egress (a kNet rule "*" on any port) covers the
// other side's product; compareRules reports that rule itself.
// Work and rows are linear in the listed hosts and ports.
func compareProduct(bi, hi []item, bs, hs *sources) []Change {
	type side struct {
		hosts, ports []string
		hostx        ruleIndex
		portx        map[string]bool
		all          bool
	}
	read := func(items []item) side {
		s := side{hostx: ruleIndex{}, portx: map[string]bool{}}
		var hr []compiler.EgressRule
		for _, it := range items {
			switch {
			case it.kind == kHost:
				s.hosts = append(s.hosts, it.key)
				hr = append(hr, compiler.EgressRule{Host: it.key})
			case it.kind == kPort:
				s.ports = append(s.ports, it.key)
				s.portx[it.key] = true
			case it.kind == kNet && it.rule.Host == "*" && it.rule.Port == 0:
				s.all = true
			}
		}
		s.hostx = indexRules(hr)
		return s
	}
	b, h := read(bi), read(hi)
	if len(b.hosts)+len(b.ports)+len(h.hosts)+len(h.ports) == 0 {
		return nil
	}
	hostText := func(x string) string {
		if x == "*" {
			return "any host, on every allowed port"
		}
		return "host " + x + ", on every allowed port"
	}
	portText := func(x string) string {
		if x == "0" {
			return "any port, from every allowed host"
		}
		return "port " + x + ", from every allowed host"
	}
	hostCovered := func(s side, x string) bool { return s.all || s.hostx.covers(compiler.EgressRule{Host: x}) }
	portCovered := func(s side, x string) bool { return s.all || s.portx["0"] || s.portx[x] }
	var out []Change
	for _, x := range minus(h.hosts, nil) {
		if !hostCovered(b, x) {
			out = append(out, at(Change{Severity: Widened, Kind: kNet, After: hostText(x), Why: "new egress host"}, "head", hs.hosts[hostKey(x)]))
		}
	}
	for _, x := range minus(h.ports, nil) {
		if !portCovered(b, x) {
			out = append(out, at(Change{Severity: Widened, Kind: kNet, After: portText(x), Why: "new egress port"}, "head", hs.ports[x]))
		}
	}
	for _, x := range minus(b.hosts, nil) {
		if !hostCovered(h, x) {
			out = append(out, at(Change{Severity: Narrowed, Kind: kNet, Before: hostText(x), Why: "egress host removed"}, "base", bs.hosts[hostKey(x)]))
		}
	}
	for _, x := range minus(b.ports, nil) {
		if !portCovered(h, x) {
			out = append(out, at(Change{Severity: Narrowed, Kind: kNet, Before: portText(x), Why: "egress port removed"}, "base", bs.ports[x]))
		}
	}
	return out
}

package sandbox

import "github.com/razukc/capgate-action/compiler"

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

// ReadToolhive reads a ToolHive permission profile: read and write mounts
// (a path in both is one writable mount, since write implies read; the
// container engine applies them by depth, as docker's), and the egress its proxy
// enforces, every allow_host on every allow_port (an empty list means
// any) as Network.Hosts × Network.Ports, or any destination under
// insecure_allow_all or without network permissions, which ToolHive
// treats as allow-all. ToolHive blocks no private range.
func ReadToolhive(conf []byte) *Sandbox {
	s := &Sandbox{Kind: compiler.TargetToolhive, Confined: true}
	var p toolhiveProfile
	if !decodeStrict(s, conf, &p) {
		return s
	}
	written := make(map[string]bool, len(p.Write))
	for _, w := range p.Write {
		written[cleanPath(w)] = true
	}
	for i, r := range p.Read {
		if !written[cleanPath(r)] {
			s.Mounts = append(s.Mounts, bindMount(r, r, i))
		}
	}
	for i, w := range p.Write {
		m := bindMount(w, w, i)
		m.Write = true
		s.Mounts = append(s.Mounts, m)
	}
	// The profile becomes container mounts: the engine applies them by
	// depth, so a read-only path inside a written one stays read-only.
	sortByDepth(s.Mounts)
	s.Privileged = p.Privileged
	switch {
	case p.Network == nil || p.Network.Outbound == nil || p.Network.Outbound.InsecureAllowAll:
		s.Network.Allow = append(s.Network.Allow, Rule{Host: "*"})
	default:
		// The boundary is the pair (host set, port set), not one rule
		// per host:port pair: the cross product would be n*m rules
		// for n+m listed values.
		o := p.Network.Outbound
		if len(o.AllowHost) == 0 && len(o.AllowPort) == 0 {
			break
		}
		if len(o.AllowHost) == 0 {
			s.Network.Hosts = append(s.Network.Hosts, "*")
		}
		s.Network.Hosts = append(s.Network.Hosts, o.AllowHost...)
		if len(o.AllowPort) == 0 {
			s.Network.Ports = append(s.Network.Ports, 0)
		}
		s.Network.Ports = append(s.Network.Ports, o.AllowPort...)
	}
	if p.Network != nil {
		s.Network.Name = p.Network.Mode
	}
	return s
}

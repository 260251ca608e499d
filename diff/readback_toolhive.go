package diff

import "github.com/razukc/capgate-action/compiler"

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
		o := p.Network.Outbound
		hosts, ports := o.AllowHost, o.AllowPort
		if len(hosts) == 0 && len(ports) == 0 {
			break
		}
		if len(hosts) == 0 {
			hosts = []string{"*"}
		}
		if len(ports) == 0 {
			ports = []int{0}
		}
		for _, h := range hosts {
			for _, pt := range ports {
				out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: h, Port: pt}})
			}
		}
	}
	if p.Network != nil && p.Network.Mode != "" {
		out = append(out, item{kind: kNetwork, key: p.Network.Mode})
	}
	return out
}

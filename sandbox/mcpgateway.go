package sandbox

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

type gatewayEntry struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Image   string   `json:"image"`
	Volumes []string `json:"volumes"`
	Secrets []struct {
		Name string `json:"name"`
		Env  string `json:"env"`
	} `json:"secrets"`
	DisableNetwork bool     `json:"disableNetwork"`
	AllowHosts     []string `json:"allowHosts"`
}

// ReadMCPGateway reads a Docker MCP Gateway server entry: volumes (":ro"
// or writable, sorted by depth as docker applies them), the variables its
// secrets set, and its egress: none under disableNetwork, the allowHosts
// entries otherwise (enforced under --block-network), and any destination
// when allowHosts is empty, as the gateway then leaves the container on
// its own networks.
func ReadMCPGateway(conf []byte) *Sandbox {
	s := &Sandbox{Kind: compiler.TargetMCPGateway, Confined: true}
	var e gatewayEntry
	if !decodeStrict(s, conf, &e) {
		return s
	}
	for i, v := range e.Volumes {
		f := strings.Split(v, ":")
		if len(f) < 2 || len(f) > 3 || !strings.HasPrefix(f[0], "/") || !strings.HasPrefix(f[1], "/") {
			s.unknown("volume "+v, i)
			continue
		}
		m := bindMount(f[0], f[1], i)
		m.Write = len(f) == 2 || f[2] != "ro"
		s.Mounts = append(s.Mounts, m)
	}
	sortByDepth(s.Mounts)
	refuseDuplicates(s)
	for _, x := range e.Secrets {
		s.Env = append(s.Env, Env{Name: x.Env, Passed: true})
	}
	if e.DisableNetwork {
		s.Isolation = append(s.Isolation, "disableNetwork")
		return s
	}
	if len(e.AllowHosts) == 0 {
		s.Network.Allow = append(s.Network.Allow, Rule{Host: "*"})
	}
	for i, h := range e.AllowHosts {
		hp := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(h, "/tcp"), "/http"), "/https")
		host, port, ok := splitHostPort(hp)
		if !ok || port == 0 {
			s.unknown("allowHosts "+h, i)
			continue
		}
		s.Network.Allow = append(s.Network.Allow, Rule{Host: host, Port: port})
	}
	return s
}

package diff

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// mcpGatewayReader reads back a Docker MCP Gateway server entry: volumes
// (":ro" or writable), the variables its secrets set, and its egress:
// none under disableNetwork, the allowHosts entries otherwise (enforced
// under --block-network), and any destination when allowHosts is empty,
// as the gateway then leaves the container on its own networks.
type mcpGatewayReader struct{}

var _ = addReader(mcpGatewayReader{})

func (mcpGatewayReader) target() string { return compiler.TargetMCPGateway }

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

func (mcpGatewayReader) boundary(a *compiler.Artifact) []item {
	out := []item{}
	if a == nil {
		return out
	}
	var e gatewayEntry
	if bad := decodeStrict(a, &e); bad != nil {
		return bad
	}
	for _, v := range e.Volumes {
		f := strings.Split(v, ":")
		if len(f) < 2 || len(f) > 3 || !strings.HasPrefix(f[0], "/") {
			out = append(out, item{kind: kRaw, key: "volume " + v})
			continue
		}
		out = append(out, fsItem(f[0], len(f) == 2 || f[2] != "ro"))
	}
	for _, s := range e.Secrets {
		out = append(out, item{kind: kEnv, key: s.Env})
	}
	if e.DisableNetwork {
		out = append(out, item{kind: kIso, key: "disableNetwork"})
		return out
	}
	if len(e.AllowHosts) == 0 {
		out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: "*"}})
	}
	for _, h := range e.AllowHosts {
		hp := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(h, "/tcp"), "/http"), "/https")
		host, port, ok := splitHostPort(hp)
		if !ok || port == 0 {
			out = append(out, item{kind: kRaw, key: "allowHosts " + h})
			continue
		}
		out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: host, Port: port}})
	}
	return out
}

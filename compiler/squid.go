package compiler

import (
	"fmt"
	"strconv"
	"strings"
)

// SquidFilename is the file name capgate gives the squid config.
const SquidFilename = "capgate-egress.squid.conf"

// PrivateV4 and PrivateV6 are the ranges blocked when a rule has
// blockPrivate set.
var (
	PrivateV4 = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16"}
	PrivateV6 = []string{"::1/128", "fc00::/7", "fe80::/10"}
)

func anyBlockPrivate(p *Policy) bool {
	for _, n := range p.Net {
		if n.BlockPrivate {
			return true
		}
	}
	return false
}

func lowerSquid(p *Policy, prov Provenance) *Artifact {
	a := &Artifact{Target: TargetSquid, Filename: SquidFilename, Provenance: prov,
		Unenforceable: []Unenforceable{}, Notes: []string{}}
	var b strings.Builder
	b.WriteString("# " + SquidFilename + " (generated — do not edit)\n")
	if anyBlockPrivate(p) {
		b.WriteString("acl to_private dst " + strings.Join(PrivateV4, " ") + " " + strings.Join(PrivateV6, " ") + "\n")
		b.WriteString("http_access deny to_private\n")
	}
	for i, n := range p.Net {
		idx := strconv.Itoa(i)
		switch _, ip := isIPLiteral(n.Host); {
		case n.Host == "*":
			b.WriteString("acl cg_dst_" + idx + " dstdomain .\n")
			a.Notes = append(a.Notes, fmt.Sprintf("net[%d]: host \"*\" degenerates to allow-any (dstdomain .) — squid cannot turn a wildcard into a restriction; only blockPrivate then constrains it.", i))
		case ip:
			b.WriteString("acl cg_dst_" + idx + " dst " + n.Host + "\n")
		default:
			b.WriteString("acl cg_dst_" + idx + " dstdomain " + n.Host + "\n")
		}
		if n.Port != 0 {
			b.WriteString("acl cg_port_" + idx + " port " + strconv.Itoa(n.Port) + "\n")
			b.WriteString("http_access allow cg_dst_" + idx + " cg_port_" + idx + " CONNECT\n")
		} else {
			b.WriteString("http_access allow cg_dst_" + idx + " CONNECT\n")
			a.Notes = append(a.Notes, "net["+idx+"]: port null (any port) — no port acl emitted for "+n.Host+".")
		}
	}
	if len(p.Net) == 0 {
		a.Notes = append(a.Notes, "net: no egress declared — all outbound denied (deny-all only).")
	}
	b.WriteString("http_access deny all")
	a.Config = b.String()
	return a
}

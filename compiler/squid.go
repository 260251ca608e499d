package compiler

import (
	"strings"
)

// TargetSquid is the squid target: an egress allowlist for a squid proxy.
const TargetSquid = "squid"

var _ = register(target{name: TargetSquid, shape: ShapeConfig, core: true, order: 30, egressOnly: true,
	lower: (*lowering).squid})

// SquidFilename is the file name capgate gives the squid config.
const SquidFilename = "capgate-egress.squid.conf"

// privateV4 and privateV6 are the ranges blocked when a rule has
// blockPrivate set.
var (
	privateV4 = [...]string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16"}
	privateV6 = [...]string{"::1/128", "fc00::/7", "fe80::/10"}
)

// squidPrivate is the squid block of private ranges.
// PrivateRanges returns the address ranges a rule with blockPrivate keeps
// the server from, IPv4 and IPv6, in the order the configs list them. The
// diff reads emitted configs back against them. Each call returns new slices.
func PrivateRanges() (v4, v6 []string) {
	return append([]string(nil), privateV4[:]...), append([]string(nil), privateV6[:]...)
}

var squidPrivate = "acl to_private dst " + strings.Join(privateV4[:], " ") + " " + strings.Join(privateV6[:], " ") + "\n" +
	"http_access deny to_private\n"

func anyBlockPrivate(p *Policy) bool {
	for i := range p.Net {
		n := &p.Net[i]
		if n.BlockPrivate {
			return true
		}
	}
	return false
}

func (l *lowering) squid(a *Artifact) {
	p, ar := l.p, l.a
	a.Target, a.Filename, a.Provenance = TargetSquid, SquidFilename, l.prov // a is new
	a.Unenforceable = []Unenforceable{}
	if len(p.Net) == 0 {
		a.Config = squidNoEgress
		ar.add("net: no egress declared — all outbound denied (deny-all only).")
		a.Notes = ar.list()
		return
	}
	ar.text(squidHead)
	if anyBlockPrivate(p) {
		ar.text(squidPrivate)
	}
	for i := range p.Net {
		n := &p.Net[i]
		ar.text("acl cg_dst_")
		ar.int(i)
		switch _, ip := n.literal(); {
		case n.Host == "*":
			ar.text(" dstdomain .\n")
		case ip:
			ar.text(" dst ")
			ar.text(n.Host)
			ar.text("\n")
		default:
			ar.text(" dstdomain ")
			ar.text(n.Host)
			ar.text("\n")
		}
		if n.Port != 0 {
			ar.text("acl cg_port_")
			ar.int(i)
			ar.text(" port ")
			ar.int(n.Port)
			ar.text("\nhttp_access allow cg_dst_")
			ar.int(i)
			ar.text(" cg_port_")
			ar.int(i)
			ar.text(" CONNECT\n")
		} else {
			ar.text("http_access allow cg_dst_")
			ar.int(i)
			ar.text(" CONNECT\n")
		}
	}
	ar.text("http_access deny all")
	a.Config = ar.done()
	for i := range p.Net {
		n := &p.Net[i]
		if n.Host == "*" {
			ar.add(l.ruleNote(i, `host "*" degenerates to allow-any (dstdomain .) — squid cannot turn a wildcard into a restriction; only blockPrivate then constrains it.`))
		}
		if n.Port == 0 {
			ar.add(l.ruleNote(i, "port null (any port) — no port acl emitted for ", n.Host, "."))
		}
	}
	a.Notes = ar.list()
}

// squidHead starts every squid config; squidNoEgress is the whole config
// of a policy without egress rules, a constant rather than text written
// for each manifest: ~5% of BenchmarkCompileAll's bytes a manifest, with
// nftNoEgress (issue 24). The conformance vectors check the text.
const (
	squidHead     = "# " + SquidFilename + " (generated — do not edit)\n"
	squidNoEgress = squidHead + "http_access deny all"
)

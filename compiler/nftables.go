package compiler

import (
	"net/netip"
	"strings"
)

// TargetNftables is the nftables target: an egress table.
const TargetNftables = "nftables"

var _ = register(target{name: TargetNftables, shape: ShapeConfig, core: true, order: 40, egressOnly: true,
	lower: (*lowering).nftables})

// NftablesFilename is the file name capgate gives the nftables table.
const NftablesFilename = "capgate-egress.nftables"

// nftPrivate is the nftables block of private ranges.
var nftPrivate = "    ip daddr { " + strings.Join(privateV4[:], ", ") + " } drop\n" +
	"    ip6 daddr { " + strings.Join(privateV6[:], ", ") + " } drop\n"

// isIPv4 is capgate's dotted-quad test: four dot-separated parts of one to
// three ASCII digits, each at most 255. Leading zeros are allowed
// ("01.2.3.4" is an address to capgate); "1.2.3", "0x7f.0.0.1" and
// "2130706433" are names.
func isIPv4(h string) bool {
	parts := 0
	for rest, more := h, true; more; {
		var seg string
		seg, rest, more = strings.Cut(rest, ".")
		parts++
		if parts > 4 || len(seg) < 1 || len(seg) > 3 {
			return false
		}
		n := 0
		for i := 0; i < len(seg); i++ {
			if seg[i] < '0' || seg[i] > '9' {
				return false
			}
			n = n*10 + int(seg[i]-'0')
		}
		if n > 255 {
			return false
		}
	}
	return parts == 4
}

func isIPv6(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is6() && a.Zone() == ""
}

func (l *lowering) nftables(a *Artifact) {
	p, ar := l.p, l.a
	a.Target, a.Filename, a.Provenance = TargetNftables, NftablesFilename, l.prov // a is new
	unenf := 0
	for i := range p.Net {
		n := &p.Net[i]
		if _, ip := n.literal(); !ip {
			unenf++
		}
	}
	if len(p.Net) == 0 {
		a.Config = nftNoEgress
		a.Unenforceable = []Unenforceable{}
		ar.add("net: no egress declared — all outbound denied (policy drop, no accepts).")
		a.Notes = ar.list()
		return
	}
	ar.text(nftHead)
	if anyBlockPrivate(p) {
		ar.text(nftPrivate)
	}
	for i := range p.Net {
		n := &p.Net[i]
		v6, ip := n.literal()
		if !ip {
			continue
		}
		if v6 {
			ar.text("    ip6 daddr ")
		} else {
			ar.text("    ip daddr ")
		}
		ar.text(n.Host)
		if n.Port != 0 {
			ar.text(" tcp dport ")
			ar.int(n.Port)
		}
		ar.text(" accept\n")
	}
	ar.text(nftTail)
	a.Config = ar.done()
	a.Unenforceable = take(ar, &ar.sl.unenf, unenf)
	for i := range p.Net {
		n := &p.Net[i]
		rule := EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate}
		switch _, ip := n.literal(); {
		case n.Host == "*":
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: rule,
				Reason: `nftables filters IPs, not hostnames; "*" cannot be expressed as an IP allowlist. Use the "squid" target for wildcard/hostname rules.`})
		case !ip:
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: rule,
				Reason: ar.str("nftables filters IPs, not hostnames; ", n.Host, " resolves to rotating IPs. Use the 'squid' target for hostname rules, or pin to resolved CIDRs.")})
		case n.Port == 0:
			ar.add(l.ruleNote(i, "port null (any port) — accept emitted without tcp dport for ", n.Host, "."))
		}
	}
	if unenf > 0 {
		ar.add(netNote(nil, unenf, ar, ` rule(s) unenforceable by nftables (hostname/wildcard) — see unenforceable[]; compile those to the "squid" target.`))
	}
	a.Notes = ar.list()
}

// nftHead starts every nftables config and nftTail ends it; nftNoEgress is
// the whole config of a policy without egress rules (see squidNoEgress).
const (
	nftHead     = "# " + NftablesFilename + " (generated — do not edit)\n" + "table inet capgate {\n  chain egress {\n    type filter hook output priority 0; policy drop;\n"
	nftTail     = "  }\n}"
	nftNoEgress = nftHead + nftTail
)

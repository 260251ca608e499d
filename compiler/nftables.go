package compiler

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// NftablesFilename is the file name capgate gives the nftables table.
const NftablesFilename = "capgate-egress.nftables"

func isIPv4(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is4()
}

func isIPv6(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is6() && a.Zone() == ""
}

func lowerNftables(p *Policy, prov Provenance) *Artifact {
	a := &Artifact{Target: TargetNftables, Filename: NftablesFilename, Provenance: prov,
		Unenforceable: []Unenforceable{}, Notes: []string{}}
	var b strings.Builder
	b.WriteString("# " + NftablesFilename + " (generated — do not edit)\n")
	b.WriteString("table inet capgate {\n  chain egress {\n    type filter hook output priority 0; policy drop;\n")
	if anyBlockPrivate(p) {
		b.WriteString("    ip daddr { " + strings.Join(PrivateV4, ", ") + " } drop\n")
		b.WriteString("    ip6 daddr { " + strings.Join(PrivateV6, ", ") + " } drop\n")
	}
	for i, n := range p.Net {
		rule := EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate}
		v6, ip := isIPLiteral(n.Host)
		switch {
		case n.Host == "*":
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: rule,
				Reason: `nftables filters IPs, not hostnames; "*" cannot be expressed as an IP allowlist. Use the "squid" target for wildcard/hostname rules.`})
			continue
		case !ip:
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: rule,
				Reason: "nftables filters IPs, not hostnames; " + n.Host + " resolves to rotating IPs. Use the 'squid' target for hostname rules, or pin to resolved CIDRs."})
			continue
		}
		fam := "ip"
		if v6 {
			fam = "ip6"
		}
		b.WriteString("    " + fam + " daddr " + n.Host)
		if n.Port != 0 {
			b.WriteString(" tcp dport " + strconv.Itoa(n.Port))
		} else {
			a.Notes = append(a.Notes, "net["+strconv.Itoa(i)+"]: port null (any port) — accept emitted without tcp dport for "+n.Host+".")
		}
		b.WriteString(" accept\n")
	}
	if len(a.Unenforceable) > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("net: %d rule(s) unenforceable by nftables (hostname/wildcard) — see unenforceable[]; compile those to the \"squid\" target.", len(a.Unenforceable)))
	}
	if len(p.Net) == 0 {
		a.Notes = append(a.Notes, "net: no egress declared — all outbound denied (policy drop, no accepts).")
	}
	b.WriteString("  }\n}")
	a.Config = b.String()
	return a
}

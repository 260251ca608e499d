package lint

import (
	"net/netip"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// capgateAddr returns the address of a net host that capgate takes as an
// IP literal (squid dst, an nftables rule): an IPv6 literal, or a dotted
// quad whose parts are one to three digits up to 255, read in decimal even
// with leading zeros. ok is false for a name.
func capgateAddr(h string) (a netip.Addr, ok bool) {
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		return a, err == nil
	}
	var b [4]byte
	parts := strings.Split(h, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	for i, p := range parts {
		if len(p) < 1 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return netip.Addr{}, false
		}
		n := 0
		for _, d := range []byte(p) {
			n = n*10 + int(d-'0')
		}
		if n > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), true
}

// blockPrivate is what capgate sets for a net capability's rule.
func blockPrivate(c *compiler.Capability) bool {
	p := compiler.Normalize([]compiler.Capability{*c})
	return len(p.Net) == 1 && p.Net[0].BlockPrivate
}

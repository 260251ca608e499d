package lint

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

var hostWildcardRule = Rule{
	ID:      "net-host-wildcard",
	Summary: "a host like *.example.com, which squid's dstdomain matches literally",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindNet || c.Host == "*" || !strings.Contains(c.Host, "*") {
			return nil
		}
		if rest, ok := strings.CutPrefix(c.Host, "*."); ok && !strings.Contains(rest, "*") {
			return finding(cs, "host %q is not a wildcard to squid or nftables: it matches only that literal name; for a domain and its subdomains squid wants %q, which capgate cannot emit, so list the hosts", c.Host, "."+rest)
		}
		// A '*' anywhere but a leading label has no squid form at all.
		return finding(cs, "host %q is not a wildcard to squid or nftables: it matches only that literal name, and neither has a form for '*' inside a name; list the hosts", c.Host)
	},
}

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
		return finding("net-host-wildcard", cs, "host %q is not a wildcard to squid or nftables: it matches only that literal name; for a domain and its subdomains squid wants %q, which capgate cannot emit, so list the hosts", c.Host, "."+strings.TrimLeft(c.Host, "*."))
	},
}

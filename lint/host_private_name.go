package lint

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

var privateNameRule = Rule{
	ID:      "net-name-treated-private",
	Summary: "a host name that capgate treats as private by its prefix (127.evil.com), so private addresses are not blocked",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindNet || strings.EqualFold(c.Host, "localhost") {
			return nil
		}
		if _, ip := capgateAddr(c.Host); ip || blockPrivate(c) {
			return nil
		}
		return finding(cs, "host %q is a name, but capgate treats it as private because of how it starts, so its rule does not block private addresses: whoever controls its DNS can point it at loopback or the internal network; write the IP address you mean", c.Host)
	},
}

package lint

import (
	"github.com/razukc/capgate-action/compiler"
)

var publicAddressRule = Rule{
	ID:      "net-address-treated-public",
	Summary: "a loopback, private or link-local address that capgate treats as public (::ffff:127.0.0.1)",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindNet {
			return nil
		}
		a, ip := capgateAddr(c.Host)
		if !ip || !blockPrivate(c) {
			return nil
		}
		u := a.Unmap()
		if !u.IsLoopback() && !u.IsPrivate() && !u.IsLinkLocalUnicast() && !u.IsUnspecified() {
			return nil
		}
		return finding(cs, "%q is %s, a local or private address, but capgate's private test reads only the text, so it marks the rule blockPrivate and reviewers see a public grant that reaches it; write %s if you mean it", c.Host, u, u)
	},
}

package lint

import (
	"strings"
	"unicode/utf8"

	"github.com/razukc/capgate-action/compiler"
)

var hostNotASCIIRule = Rule{
	ID:      "net-host-not-ascii",
	Summary: "a host name with non-ASCII letters: squid and nftables compare it as bytes, while clients and DNS use its punycode (xn--) form",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindNet {
			return nil
		}
		i := strings.IndexFunc(c.Host, func(r rune) bool { return r >= utf8.RuneSelf })
		if i < 0 {
			return nil
		}
		r, _ := utf8.DecodeRuneInString(c.Host[i:])
		return finding(cs, "host %q holds the non-ASCII character U+%04X: the egress rule compares it as written, while clients send the punycode (xn--) form, and it can pass for an ASCII host in a review (pypİ.org is not pypi.org); write the punycode form", c.Host, r)
	},
}

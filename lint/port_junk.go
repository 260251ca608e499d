package lint

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

var portJunkRule = Rule{
	ID:      "net-port-junk",
	Summary: "a port with anything but digits, which capgate reads with parseInt (443abc is 443)",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindNet || c.Port == 0 {
			return nil
		}
		i := strings.LastIndexByte(cs.Text, ':')
		raw := cs.Text[i+1:]
		if q := strings.IndexByte(raw, '?'); q >= 0 {
			raw = raw[:q]
		}
		if strings.Trim(raw, "0123456789") == "" && !strings.HasPrefix(raw, "0") {
			return nil
		}
		return finding(cs, "port %q is read as %d; write the port as plain digits", raw, c.Port)
	},
}

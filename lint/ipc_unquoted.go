package lint

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

var ipcUnquotedRule = Rule{
	ID:      "ipc-unquoted-endpoint",
	Summary: "an ipc endpoint unix:... or dbus:... without quotes, which capgate rejects",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c != nil || !strings.HasPrefix(cs.Text, "ipc:") {
			return nil
		}
		_, rest, ok := strings.Cut(cs.Text, ":")
		if !ok {
			return nil
		}
		actions, ep, ok := strings.Cut(rest, ":")
		if !ok || strings.HasPrefix(ep, `"`) || !(strings.HasPrefix(ep, "unix:") || strings.HasPrefix(ep, "dbus:")) {
			return nil
		}
		return finding(cs, "endpoint %s contains ':' and must be quoted: write ipc:%s:\"%s\"", ep, actions, ep)
	},
}

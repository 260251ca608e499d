package lint

import (
	"github.com/razukc/capgate-action/compiler"
)

var tmpBindRule = Rule{
	ID:      "fs-host-tmp",
	Summary: "a grant that mounts the host's whole /tmp",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindFS || compiler.LowerPath(c.Path) != "/tmp" {
			return nil
		}
		return finding(cs, "%q mounts the host's whole /tmp, with every user's temporary files; use a subdirectory such as /tmp/<server-name>/", c.Path)
	},
}

package lint

import (
	"github.com/razukc/capgate-action/compiler"
)

var execNoDevRule = Rule{
	ID:      "exec-no-dev",
	Summary: "exec:spawn under bwrap without nestedSandbox: the profile has no /dev",
	Check: func(cs compiler.CapString, c *compiler.Capability, nested bool) []Finding {
		if c == nil || c.Kind != compiler.KindExec || nested {
			return nil
		}
		return finding("exec-no-dev", cs, "the bwrap profile mounts no /dev unless nestedSandbox is on, and many programs need /dev/null (git fails with \"could not open '/dev/null'\"); test %q under the emitted bwrap argv", c.Binary)
	},
}

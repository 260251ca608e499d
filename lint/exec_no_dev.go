package lint

import (
	"github.com/razukc/capgate-action/compiler"
)

// execNoDevRule is a note, not a warning: exec:spawn is how every server
// that runs a program (the reference git server's exec:spawn:git) says so,
// and whether the program needs /dev depends on the program; the manifest
// has no way to ask for /dev alone.
var execNoDevRule = Rule{
	ID:      "exec-no-dev",
	Summary: "exec:spawn under bwrap without nestedSandbox: the profile has no /dev",
	Note:    true,
	Check: func(cs compiler.CapString, c *compiler.Capability, nested bool) []Finding {
		if c == nil || c.Kind != compiler.KindExec || nested {
			return nil
		}
		return finding(cs, "the bwrap profile mounts no /dev unless nestedSandbox is on, and some programs need /dev/null (git fails with \"could not open '/dev/null'\"); run %q under the emitted bwrap argv, and if it fails for want of /dev, use the docker target (which has /dev) or add ?nestedSandbox=true (which mounts /dev but also keeps the user, pid and ipc namespaces shared)", c.Binary)
	},
}

//go:build !unix

package action

import (
	"os/exec"
	"time"
)

// bound makes cmd end with its context; Wait gives up on the pipes soon
// after.
func bound(cmd *exec.Cmd) { cmd.WaitDelay = 2 * time.Second }

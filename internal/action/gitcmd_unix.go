//go:build unix

package action

import (
	"os/exec"
	"syscall"
	"time"
)

// bound makes cmd end with its context: git runs helpers (git-remote-http,
// ssh) that would outlive a killed git and hold its output open, so the
// whole process group is killed, and Wait gives up on the pipes soon after.
func bound(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true // keeps what asOwnerOf set
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
}

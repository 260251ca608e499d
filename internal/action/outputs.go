package action

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/sethvargo/go-githubactions"
)

// outputs writes step outputs and the step summary to the runner's files
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). go-githubactions panics when such a
// file cannot be written, which lost the whole result (exit 2, no outputs,
// no summary, no comment) on a self-hosted runner whose files the container
// could not open. Here a channel that fails gives one ::warning:: and is
// skipped from then on; the exit status still follows the verdict.
type outputs struct {
	getenv func(string) string
	a      *githubactions.Action // for the warnings
	failed map[string]bool       // environment file names that failed once
}

func newOutputs(getenv func(string) string, a *githubactions.Action) *outputs {
	return &outputs{getenv: getenv, a: a, failed: map[string]bool{}}
}

// SetOutput appends name=value to GITHUB_OUTPUT, with a random delimiter
// that occurs nowhere in value.
func (o *outputs) SetOutput(name, value string) {
	delim := delimiter(value)
	o.append("GITHUB_OUTPUT", name+"<<"+delim+"\n"+value+"\n"+delim+"\n")
}

// AddStepSummary appends markdown to GITHUB_STEP_SUMMARY.
func (o *outputs) AddStepSummary(markdown string) {
	o.append("GITHUB_STEP_SUMMARY", markdown+"\n")
}

// ReplaceStepSummary replaces this step's summary with markdown: the file
// GITHUB_STEP_SUMMARY names is this step's own, so truncating it loses
// nothing of other steps.
func (o *outputs) ReplaceStepSummary(markdown string) {
	o.write("GITHUB_STEP_SUMMARY", markdown+"\n", os.O_TRUNC)
}

func (o *outputs) append(env, text string) { o.write(env, text, os.O_APPEND) }

func (o *outputs) write(env, text string, mode int) {
	if o.failed[env] {
		return
	}
	p := o.getenv(env)
	if p == "" {
		o.failed[env] = true
		o.a.Warningf("capgate: %s is not set; this step's %s are lost", env, channel(env))
		return
	}
	f, err := os.OpenFile(p, mode|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		o.failed[env] = true
		o.a.Warningf("capgate: cannot write %s (%s): %v; this step's %s are lost, the exit status still holds the verdict", env, p, err, channel(env))
	}
}

func channel(env string) string {
	if env == "GITHUB_STEP_SUMMARY" {
		return "summary lines"
	}
	return "outputs"
}

// delimiter returns a heredoc delimiter that is not a substring of value.
func delimiter(value string) string {
	for {
		var b [16]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
		d := "ghadelimiter_" + hex.EncodeToString(b[:])
		if !strings.Contains(value, d) {
			return d
		}
	}
}

// foreignOwner returns the owner of dir when this process runs as root and
// dir belongs to someone else: in a container action the workspace belongs
// to the runner's user, and a file or git object that root leaves there
// (FETCH_HEAD, a loose object directory, a report) cannot be rewritten by
// that user's later steps, or by the next checkout on a self-hosted runner
// that keeps its workspace.
func foreignOwner(dir string) (uid, gid uint32, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	st, err := os.Stat(dir)
	if err != nil {
		return 0, 0, false
	}
	sys, isUnix := st.Sys().(*syscall.Stat_t)
	if !isUnix || sys.Uid == 0 {
		return 0, 0, false
	}
	return sys.Uid, sys.Gid, true
}

// asOwnerOf makes cmd run as the owner of dir (see foreignOwner).
func asOwnerOf(cmd *exec.Cmd, dir string) {
	if uid, gid, ok := foreignOwner(dir); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	}
}

// chownToOwnerOf gives path to the owner of dir (see foreignOwner).
func chownToOwnerOf(path, dir string) {
	if uid, gid, ok := foreignOwner(dir); ok {
		_ = os.Chown(path, int(uid), int(gid)) // best effort: the file is written either way
	}
}
